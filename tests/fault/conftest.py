"""The fault suite: bad inputs, injected faults, crashes and concurrent use, with a tally.

Every test adds what it tried to :data:`TALLY`; at the end pytest prints one summary line:
``fault suite: bad inputs tried N, faults injected N, runs completed N, rows lost N,
duplicates N, decisions lost N``.
"""

from __future__ import annotations

import os
import subprocess
import sys
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


from tests.badpdfs import (blank_pages_pdf, bomb_pdf, corrupt_xref, encrypted_pdf,  # noqa: F401,E402
                           one_page_pdf, pdf_with_objects)


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
