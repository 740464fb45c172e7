"""Boxes and quotes: a finding's bbox covers the words pdfplumber finds for its quote."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from extract.preview import draw_findings


def _contains(outer, inner, slack: float = 1.5) -> bool:
    return (outer[0] - slack <= inner[0] and outer[1] - slack <= inner[1]
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


def test_sentence_bbox_matches_pdfplumber(extracted, corpus_dir: Path) -> None:
    r = extracted("1706.03762v5.pdf")
    f = next(f for f in r.findings if f.kind == "training_time" and f.page == 8)
    assert f.context["match"] == "3.5 days"
    with pdfplumber.open(str(corpus_dir / "1706.03762v5.pdf")) as pdf:
        page = pdf.pages[7]
        hits = page.search(r"3\.5\s?days")  # this PDF has no space characters: "took3.5dayson8"
        page.close()
    assert hits, "pdfplumber finds the quote"
    assert any(_contains(f.bbox, (h["x0"], h["top"], h["x1"], h["bottom"]), 2.5)
               and _contains((h["x0"], h["top"], h["x1"], h["bottom"]), f.bbox, 2.5) for h in hits)


def test_table_cell_bbox_matches_pdfplumber(extracted, corpus_dir: Path) -> None:
    r = extracted("1706.03762v5.pdf")
    f = next(f for f in r.findings if f.kind == "score" and f.model_label == "Transformer (big)"
             and f.benchmark == "wmt14_en_fr")
    with pdfplumber.open(str(corpus_dir / "1706.03762v5.pdf")) as pdf:
        page = pdf.pages[f.page - 1]
        words = [w for w in page.extract_words(x_tolerance=1) if w["text"] == "41.8"]
        page.close()
    assert any(abs(w["x0"] - f.bbox[0]) < 1.5 and abs(w["top"] - f.bbox[1]) < 2.5 for w in words)


def test_draw_findings_writes_png(extracted, corpus_dir: Path, tmp_path: Path) -> None:
    r = extracted("1706.03762v5.pdf")
    out = draw_findings(corpus_dir / "1706.03762v5.pdf", 8, r.findings, tmp_path / "p8.png", resolution=40)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="outside"):
        draw_findings(corpus_dir / "1706.03762v5.pdf", 99, r.findings, tmp_path / "x.png")
