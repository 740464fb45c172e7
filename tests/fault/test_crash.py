"""Crash safety: the nightly process is killed with SIGKILL during fetch, extraction, load and
refit, then run again; the final warehouse equals an uninterrupted run's, with no duplicate and
no review decision lost."""

from __future__ import annotations

import signal
from collections import Counter
from datetime import timedelta

import pytest

from warehouse import db

from .conftest import TALLY, cli, count_duplicates, rows_lost, warehouse_snapshot

FIRST = ["AlexNet.pdf", "1706.03762v5.pdf"]
ALL = FIRST + ["1512.03385v1.pdf", "1409.1556v6.pdf", "1801.04381v3.pdf"]


def _prepare(path, reference_dir, folder_first, nightly):
    """Reference data, a first clean run on two papers (without refit), and one accepted finding."""
    from analysis.reference import read_reference_dir
    from warehouse.load import insert_observations
    from warehouse.review import decide

    con = db.connect(path)
    insert_observations(con, read_reference_dir(reference_dir).rows)
    con.close()
    # no refit yet: the interrupted run below must have fits to write (refit crash point)
    nightly(source=f"dir:{folder_first}", warehouse=str(path), workers=2, do_refit=False)
    TALLY["runs completed"] += 1
    con = db.connect(path)
    fid = db.scalar(con, "SELECT min(finding_id) FROM findings")
    decide(con, [fid], "accept", reviewer="fault-suite")
    con.close()


def _comparable(snap):
    snap = dict(snap)
    snap["reviews"] = sorted((f, d) for _, f, d in snap["reviews"])  # review ids hash the decision time
    return snap


@pytest.fixture(scope="module")
def uninterrupted(prefect_harness, corpus_pdfs, reference_dir, tmp_path_factory):
    from flows.nightly import nightly

    tmp = tmp_path_factory.mktemp("uninterrupted")
    first, every = tmp / "first", tmp / "all"
    for d, names in ((first, FIRST), (every, ALL)):
        d.mkdir()
        for n in names:
            (d / n).symlink_to(corpus_pdfs / n)
    w = tmp / "w.duckdb"
    _prepare(w, reference_dir, first, nightly)
    nightly(source=f"dir:{every}", warehouse=str(w), workers=2)
    TALLY["runs completed"] += 1
    return first, every, _comparable(warehouse_snapshot(w))


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize("point", ["extract:2", "load:3", "refit:5"])
def test_killed_run_then_rerun_equals_uninterrupted(point, uninterrupted, api_env, reference_dir, tmp_path):
    from flows.nightly import nightly

    first, every, expected = uninterrupted
    w = tmp_path / "w.duckdb"
    _prepare(w, reference_dir, first, nightly)
    killed = cli("nightly", "--source", f"dir:{every}", "--warehouse", str(w), "--no-progress",
                 env={**api_env, "COMPUTE_LIMITS_FAULT_KILL": point})
    TALLY["faults injected"] += 1
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    nightly(source=f"dir:{every}", warehouse=str(w), workers=2)
    TALLY["runs completed"] += 1
    got = _comparable(warehouse_snapshot(w))
    lost = rows_lost(expected, got)
    dups = count_duplicates(w)
    TALLY["rows lost"] += lost
    TALLY["duplicates"] += dups
    TALLY["decisions lost"] += len(set(expected["reviews"]) - set(got["reviews"]))
    assert got == expected
    assert (lost, dups) == (0, 0)
    con = db.connect(w, read_only=True)
    statuses = [r[0] for r in con.execute("SELECT status FROM runs WHERE command = 'nightly' ORDER BY started_at").fetchall()]
    con.close()
    assert statuses == ["completed", "interrupted", "completed"]


@pytest.mark.corpus
@pytest.mark.slow
def test_killed_during_download_then_rerun(fake_arxiv, prefect_harness, api_env, corpus_pdfs, tmp_path):
    from datetime import datetime, timezone

    from flows.nightly import nightly
    from tests.fakes import Entry

    night = datetime(2026, 11, 10, 2, tzinfo=timezone.utc)
    for i, (name, aid, ver) in enumerate([("AlexNet.pdf", "1111.00001", "v1"), ("1706.03762v5.pdf", "1706.03762", "v5"),
                                          ("1512.03385v1.pdf", "1512.03385", "v1")]):
        fake_arxiv.entries.append(Entry(aid, ver, night - timedelta(hours=5 - i), f"paper {i}", corpus_pdfs / name))
    ref = tmp_path / "ref.duckdb"
    nightly(source="arxiv", warehouse=str(ref), until=night.isoformat(), cache_dir=str(tmp_path / "c1"), do_refit=False)
    TALLY["runs completed"] += 1
    w = tmp_path / "w.duckdb"
    killed = cli("nightly", "--source", "arxiv", "--until", night.isoformat(), "--warehouse", str(w),
                 "--cache-dir", str(tmp_path / "c2"), "--no-refit", "--no-progress",
                 env={**api_env, "COMPUTE_LIMITS_FAULT_KILL": "fetch:2"})
    TALLY["faults injected"] += 1
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    nightly(source="arxiv", warehouse=str(w), until=night.isoformat(), cache_dir=str(tmp_path / "c2"), do_refit=False)
    TALLY["runs completed"] += 1
    expected, got = warehouse_snapshot(ref), warehouse_snapshot(w)
    TALLY["rows lost"] += rows_lost(expected, got)
    TALLY["duplicates"] += count_duplicates(w)
    assert got == expected
    # each PDF once into each cache: the ones cached before the kill were not downloaded again
    assert Counter(fake_arxiv.pdf_log) == {f"{e.arxiv_id}{e.version}": 2 for e in fake_arxiv.entries}
