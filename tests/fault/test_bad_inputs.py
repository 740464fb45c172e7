"""Bad PDFs made here, run through the real nightly flow next to a good paper: each ends in a
clear per-paper status, the run completes and the good paper is loaded."""

from __future__ import annotations

import pytest

from warehouse import db

from .conftest import (TALLY, blank_pages_pdf, bomb_pdf, corrupt_xref, count_duplicates, encrypted_pdf,
                       one_page_pdf)

#: file -> statuses it may end in (the PDF library decides between close outcomes).
EXPECTED = {
    "truncated.pdf": {"parse_error"},
    "corrupt_xref.pdf": {"ok", "no_findings", "no_text_layer", "parse_error"},  # pdfium may repair it
    "encrypted.pdf": {"encrypted"},
    "zero_pages.pdf": {"parse_error", "no_text_layer"},
    "image_only.pdf": {"no_text_layer"},
    "html_named.pdf": {"parse_error"},
    "empty.pdf": {"parse_error"},
    "many_pages.pdf": {"too_many_pages"},
    "bomb.pdf": {"memory_limit", "timeout"},
    "huge_stream.pdf": {"timeout", "no_findings", "no_text_layer", "memory_limit"},
}


@pytest.fixture(scope="module")
def bad_files(corpus_pdfs) -> dict[str, bytes]:
    good_small = one_page_pdf(b"BT /F1 12 Tf 72 712 Td (Trained on 8 NVIDIA P100 GPUs for 3.5 days.) Tj ET")
    alexnet = (corpus_pdfs / "AlexNet.pdf").read_bytes()
    return {
        "truncated.pdf": alexnet[: len(alexnet) // 3],
        "corrupt_xref.pdf": corrupt_xref(good_small),
        "encrypted.pdf": encrypted_pdf(),
        "zero_pages.pdf": blank_pages_pdf(0),
        "image_only.pdf": blank_pages_pdf(3),
        "html_named.pdf": b"<!DOCTYPE html><html><body>404 Not Found</body></html>",
        "empty.pdf": b"",
        "many_pages.pdf": blank_pages_pdf(60),
        "bomb.pdf": bomb_pdf(900),
        # 40 MB of uncompressed text operators in one content stream
        "huge_stream.pdf": one_page_pdf(b"BT /F1 1 Tf 10 10 Td (x) Tj ET\n" * 1_300_000),
    }


@pytest.mark.corpus
@pytest.mark.slow
def test_bad_pdfs_get_a_status_and_the_run_goes_on(prefect_harness, mirror, bad_files, tmp_path):
    from flows.nightly import nightly

    folder = mirror(["1706.03762v5.pdf"], extra=bad_files)
    w = tmp_path / "w.duckdb"
    got = nightly(source=f"dir:{folder}", warehouse=str(w), workers=2, timeout_s=20, memory_mb=1024,
                  max_pages=50, do_refit=False)
    TALLY["bad inputs tried"] += len(bad_files)
    TALLY["runs completed"] += 1
    assert got["papers_seen"] == len(bad_files) + 1
    con = db.connect(w, read_only=True)
    rows = con.execute("SELECT file_name, status, status_reason FROM documents").fetchall()
    run = con.execute("SELECT status FROM runs").fetchall()
    con.close()
    by_file = {f: (s, r) for f, s, r in rows}
    assert run == [("completed",)]
    assert by_file["1706.03762v5.pdf"][0] == "ok"
    for name, allowed in EXPECTED.items():
        status, reason = by_file[name]
        assert status in allowed, (name, status, reason)
        if status != "ok":
            assert reason, name
    TALLY["duplicates"] += count_duplicates(w)
    assert count_duplicates(w) == 0


def test_worker_limits_stop_a_bomb_and_a_slow_document(tmp_path):
    from flows.worker import WorkerLimits, extract_isolated

    p = tmp_path / "bomb.pdf"
    p.write_bytes(bomb_pdf(900))
    slow = tmp_path / "huge_stream.pdf"
    slow.write_bytes(one_page_pdf(b"BT /F1 1 Tf 10 10 Td (x) Tj ET\n" * 2_600_000))
    by_memory = extract_isolated(p, None, WorkerLimits(timeout_s=60, memory_bytes=512 * 1024**2))
    by_time = extract_isolated(slow, None, WorkerLimits(timeout_s=0.5, memory_bytes=1024**3))
    TALLY["bad inputs tried"] += 2
    assert by_memory.status == "memory_limit" and "512 MiB" in by_memory.reason
    assert by_time.status == "timeout" and "0.5 s" in by_time.reason


def test_worker_limits_are_validated():
    from flows.worker import WorkerLimits

    with pytest.raises(ValueError, match="timeout_s"):
        WorkerLimits(timeout_s=0)
    with pytest.raises(ValueError, match="256 MiB"):
        WorkerLimits(memory_bytes=1024)
