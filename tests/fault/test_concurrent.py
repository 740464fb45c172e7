"""Concurrent use: while a nightly run writes, SQL and review commands either answer from the
file or say "warehouse busy" and exit 3: never a stack trace, never a damaged file.

DuckDB allows one read-write process and no reader beside it (../shared/ENVIRONMENT.md), so a
reader that meets the running ingest is told to retry; between runs, readers see a consistent
committed state (each paper is loaded in one transaction)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from warehouse import db

from .conftest import PROJECT_ROOT, TALLY, cli

NAMES = ["AlexNet.pdf", "1706.03762v5.pdf", "1512.03385v1.pdf", "1409.1556v6.pdf", "1801.04381v3.pdf",
         "1905.11946v3.pdf", "1810.04805v2.pdf", "1409.4842.pdf"]


@pytest.mark.corpus
@pytest.mark.slow
def test_readers_during_a_nightly_run(mirror, api_env, tmp_path):
    folder = mirror(NAMES)
    w = tmp_path / "w.duckdb"
    db.connect(w).close()
    writer = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "nightly", "--source", f"dir:{folder}", "--warehouse", str(w),
         "--no-progress", "--workers", "1"],
        cwd=PROJECT_ROOT, env=dict(os.environ, **api_env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    answers = {"ok": 0, "busy": 0}
    deadline = time.monotonic() + 300
    try:
        for i in range(200):  # bounded: at most 200 reader commands
            if writer.poll() is not None or time.monotonic() > deadline:
                break
            args = (["sql", "SELECT count(*) FROM findings", "--csv"] if i % 2 == 0 else ["review", "list"])
            res = cli(*args, "--warehouse", str(w), timeout=120)
            assert "Traceback" not in res.stderr + res.stdout, res.stderr[-2000:]
            if res.returncode == 0:
                answers["ok"] += 1
            else:
                assert res.returncode == 3 and "warehouse busy" in res.stderr, (res.returncode, res.stderr[-500:])
                answers["busy"] += 1
        out, err = writer.communicate(timeout=600)
    finally:
        if writer.poll() is None:
            writer.kill()
    TALLY["faults injected"] += sum(answers.values())
    TALLY["runs completed"] += int(writer.returncode == 0)
    assert writer.returncode == 0, err[-2000:]
    assert answers["busy"] > 0  # the readers did meet the running ingest
    con = db.connect(w, read_only=True)
    assert db.scalar(con, "SELECT count(*) FROM documents") == len(NAMES)
    assert con.execute("SELECT status FROM runs").fetchall() == [("completed",)]
    con.close()
