"""The fault suite: bad inputs, injected faults, crashes and concurrent use, with a tally.

Every test adds what it tried to :data:`TALLY`; at the end pytest prints one summary line:
``fault suite: bad inputs tried N, faults injected N, runs completed N, rows lost N,
duplicates N, decisions lost N``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path

import pytest

from warehouse import db

PROJECT_ROOT = Path(__file__).resolve().parents[2]

#: Counts the fault tests add to (printed at the end of the session).
TALLY: Counter = Counter()
_KEYS = ("bad inputs tried", "faults injected", "runs completed", "rows lost", "duplicates", "decisions lost")


def pytest_terminal_summary(terminalreporter):
    """Print the fault suite's summary line when any fault test ran."""
    if TALLY:
        line = ", ".join(f"{k} {TALLY.get(k, 0)}" for k in _KEYS)
        terminalreporter.write_line(f"fault suite: {line}")


# ------------------------------------------------------------------------------ bad PDF bytes


def pdf_with_objects(objs: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """Given object bodies (numbered from 1; object 1 the catalog), return a PDF with a valid xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, trailer_extra, xref)
    return bytes(out)


def one_page_pdf(content: bytes, filt: bytes = b"") -> bytes:
    """A one-page PDF whose page content stream is ``content`` (already encoded with ``filt``)."""
    return pdf_with_objects([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d %s>>\nstream\n" % (len(content), filt) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def bomb_pdf(decompressed_mb: int = 900) -> bytes:
    """A one-page PDF whose Flate content stream inflates to ``decompressed_mb`` MB of text operators."""
    c = zlib.compressobj(9)
    chunk = b"BT /F1 12 Tf 72 712 Td (A) Tj ET\n" * 30000  # ~1 MB
    data = b"".join(c.compress(chunk) for _ in range(decompressed_mb)) + c.flush()
    return one_page_pdf(data, b"/Filter /FlateDecode ")


def encrypted_pdf() -> bytes:
    """A one-page PDF under the Standard security handler that the empty password does not open."""
    return pdf_with_objects([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + b"00" * 32 + b"> /U <" + b"11" * 32 + b"> /P -4 >>",
    ], b"/Encrypt 4 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] ")


def blank_pages_pdf(n: int) -> bytes:
    """A PDF of ``n`` blank pages (no text), made with pypdfium2."""
    import io

    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument.new()
    for _ in range(n):
        doc.new_page(612, 792)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def corrupt_xref(data: bytes) -> bytes:
    """Given PDF bytes, return them with every xref offset zeroed (a damaged cross-reference table)."""
    head, sep, tail = data.rpartition(b"xref\n")
    lines = tail.split(b"\n")
    fixed = [b"0000000000" + ln[10:] if ln.endswith(b" n ") else ln for ln in lines]
    return head + sep + b"\n".join(fixed)


# ----------------------------------------------------------------------------------- helpers


def warehouse_snapshot(path: Path) -> dict[str, list]:
    """The durable content of a warehouse (no run ids or timestamps), for equality checks."""
    con = db.connect(path, read_only=True)
    try:
        return {
            "papers": con.execute("SELECT paper_id, arxiv_id, arxiv_version, status FROM papers ORDER BY ALL").fetchall(),
            "documents": con.execute("SELECT document_id, paper_id, sha256, pages, status FROM documents ORDER BY ALL").fetchall(),
            "findings": con.execute("SELECT finding_id, document_id, kind, value, value_text, page FROM findings ORDER BY ALL").fetchall(),
            "fits": con.execute("SELECT fit_id, n, slope FROM fits ORDER BY ALL").fetchall(),
            "observations": con.execute("SELECT observation_id FROM observations ORDER BY ALL").fetchall(),
            "reviews": con.execute("SELECT review_id, finding_id, decision FROM reviews ORDER BY ALL").fetchall(),
        }
    finally:
        con.close()


def count_duplicates(path: Path) -> int:
    """Rows that repeat a natural key: a document per (paper, file, extractor version), a finding
    per (document, kind, benchmark, metric, model label, page, position, value), a fit per (benchmark,
    metric, measure, form, input hash, code version)."""
    con = db.connect(path, read_only=True)
    try:
        return sum(db.scalar(con, q) for q in (
            "SELECT count(*) - count(DISTINCT (paper_id, sha256, extractor_version)) FROM documents",
            "SELECT count(*) - count(DISTINCT (document_id, kind, benchmark, metric, model_label, page, "
            "round(bbox_x0), round(bbox_top), value, value_text)) FROM findings",
            "SELECT count(*) - count(DISTINCT (benchmark, metric, compute_measure, model_form, input_hash, code_version)) FROM fits",
        ))
    finally:
        con.close()


def rows_lost(expected: dict[str, list], got: dict[str, list]) -> int:
    """Rows of ``expected`` missing from ``got``, over all tables of the snapshot."""
    return sum(len(set(expected[t]) - set(got[t])) for t in expected)


def cli(*args: str, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``python -m flows.cli ARGS`` in the project root; return the completed process."""
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=PROJECT_ROOT, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture()
def api_env(prefect_harness) -> dict:
    """Environment for CLI subprocesses: the session's Prefect API (no ephemeral start-up)."""
    from prefect.settings import PREFECT_API_URL

    return {"PREFECT_API_URL": PREFECT_API_URL.value(), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}


@pytest.fixture()
def mirror(corpus_pdfs, tmp_path):
    """A function making a folder of symlinks to the named corpus PDFs (plus extra files)."""

    def make(names, extra: dict[str, bytes] | None = None, name: str = "mirror") -> Path:
        d = tmp_path / name
        d.mkdir()
        for n in names:
            (d / n).symlink_to(corpus_pdfs / n)
        for n, data in (extra or {}).items():
            (d / n).write_bytes(data)
        return d

    return make
