"""Fixtures for the review tests: a small synthetic warehouse, and one built from three real
corpus PDFs (ResNet, Transformer, AlexNet) with the real extractor."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extract.models import DocumentResult, Finding
from flows.sources import PaperRef
from warehouse import db, load

#: Corpus files the real-PDF warehouse is built from (../shared/corpus/pdfs).
CORPUS_FILES = ("1512.03385v1.pdf", "1706.03762v5.pdf", "AlexNet.pdf")


def make_finding(**kw) -> Finding:
    """Return a ResNet-152 top-1 score finding (table cell), overridden by ``kw``."""
    base = dict(kind="score", value=78.57, unit="%", page=6, bbox=(50.0, 100.0, 250.0, 110.0),
                source_text="ResNet-152 21.43 5.71", extractor="table.score", extractor_version="t1",
                model_label="ResNet-152", benchmark="imagenet", metric="top1", reported_as="error",
                method="table_cell", confidence=0.9)
    base.update(kw)
    return Finding(**base)


def synthetic_findings(version: str = "t1", resnet152: float = 78.57) -> list[Finding]:
    """Three findings of one paper: two ImageNet top-1 scores and a FLOP count."""
    return [
        make_finding(value=resnet152, extractor_version=version),
        make_finding(model_label="ResNet-50", value=77.15, bbox=(50.0, 120.0, 250.0, 130.0),
                     source_text="ResNet-50 22.85 6.71", extractor_version=version),
        make_finding(kind="ops_per_forward_pass", value=11.3e9, unit="FLOP", benchmark=None, metric=None, model_label=None,
                     reported_as="GFLOPs", bbox=(300.0, 200.0, 340.0, 210.0), source_text="11.3 billion FLOPs",
                     extractor="table.flops", extractor_version=version),
    ]


def paper_ref(tmp_path: Path) -> PaperRef:
    """A local ResNet paper reference with a fixed sha256 (the file is a stub)."""
    p = tmp_path / "1512.03385v1.pdf"
    p.write_bytes(b"%PDF-1.4 stub")
    return PaperRef(source="dir", paper_id="1512.03385", arxiv_id="1512.03385", version="v1",
                    title="Deep Residual Learning", local_path=p, sha256="ab" * 32, id_source="filename")


def load_synthetic(con, ref: PaperRef, version: str = "t1", resnet152: float = 78.57) -> load.LoadResult:
    """Load :func:`synthetic_findings` as the document of ``ref`` read by extractor ``version``."""
    result = DocumentResult(status="ok", pages=12, findings=synthetic_findings(version, resnet152), seconds=0.1)
    return load.load_document(con, ref, result, extractor_version=version)


@pytest.fixture
def synthetic_wh(tmp_path):
    """``(path, ref)`` of a warehouse holding the three synthetic findings (closed)."""
    path = tmp_path / "w.duckdb"
    ref = paper_ref(tmp_path)
    con = db.connect(path)
    load_synthetic(con, ref)
    con.close()
    return path, ref


def build_corpus_warehouse(path: Path, pdf_dir: Path, version: str | None = None, corpus: Path | None = None) -> list:
    """Extract the :data:`CORPUS_FILES` (symlinked into ``pdf_dir`` from ``corpus``) with the real
    extractor and load them into the warehouse at ``path``; return the (ref, result) pairs."""
    from extract import EXTRACTOR_VERSION, extract_pdf
    from flows.sources import DirSource

    pdf_dir.mkdir(parents=True, exist_ok=True)
    if corpus is not None:
        for name in CORPUS_FILES:
            link = pdf_dir / name
            if not link.exists():
                link.symlink_to(corpus / name)
    pairs = [(ref, extract_pdf(ref.local_path)) for ref in DirSource(pdf_dir).list_papers()]
    con = db.connect(path)
    try:
        for ref, result in pairs:
            load.load_document(con, ref, result, extractor_version=version or EXTRACTOR_VERSION)
    finally:
        con.close()
    return pairs


@pytest.fixture(scope="session")
def corpus_template(corpus_pdfs, tmp_path_factory):
    """A warehouse built once from the three corpus PDFs: ``(path, pdf_dir, pairs)``. Copy it."""
    missing = [n for n in CORPUS_FILES if not (corpus_pdfs / n).is_file()]
    if missing:
        pytest.skip(f"corpus lacks {', '.join(missing)}")
    root = tmp_path_factory.mktemp("corpus-wh")
    path = root / "template.duckdb"
    pairs = build_corpus_warehouse(path, root / "pdfs", corpus=corpus_pdfs)
    return path, root / "pdfs", pairs


@pytest.fixture
def corpus_wh(corpus_template, tmp_path):
    """A fresh copy of the three-paper corpus warehouse: ``(path, pairs)``."""
    src, _, pairs = corpus_template
    dst = tmp_path / "w.duckdb"
    shutil.copyfile(src, dst)
    return dst, pairs
