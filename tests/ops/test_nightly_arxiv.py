"""Incremental arXiv harvesting through the real flow, against the synthetic API on 127.0.0.1.

Six corpus papers are given submission dates over three nights. Each nightly run asks only for
the window since the watermark (minus the overlap); papers are harvested and downloaded once; a
missed night is caught up; injected 429/503 answers are retried; repeated runs change nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from warehouse import db

from tests.fakes import Entry

PAPERS = [  # corpus file, arXiv id, version, night (0, 1, 2)
    ("1512.03385v1.pdf", "1512.03385", "v1", 0),
    ("1706.03762v5.pdf", "1706.03762", "v5", 0),
    ("1409.1556v6.pdf", "1409.1556", "v6", 1),
    ("1801.04381v3.pdf", "1801.04381", "v3", 1),
    ("1905.11946v3.pdf", "1905.11946", "v3", 2),
    ("1409.3215v3.pdf", "1409.3215", "v3", 2),
]
NIGHT0 = datetime(2026, 11, 10, 2, 0, tzinfo=timezone.utc)


def _night(k: int) -> str:
    return (NIGHT0 + timedelta(days=k)).isoformat()


@pytest.fixture()
def dated_entries(fake_arxiv, corpus_pdfs):
    for i, (name, aid, ver, night) in enumerate(PAPERS):
        # submitted during the day before night `night`'s run
        when = NIGHT0 + timedelta(days=night) - timedelta(hours=12) + timedelta(minutes=7 * i)
        fake_arxiv.entries.append(Entry(aid, ver, when, f"paper {aid}", corpus_pdfs / name))
    return fake_arxiv


@pytest.fixture()
def run_night(prefect_harness, tmp_path):
    from flows.nightly import nightly

    def run(k: int, warehouse=None, **kw):
        return nightly(source="arxiv", warehouse=str(warehouse or tmp_path / "w.duckdb"), until=_night(k),
                       cache_dir=str(tmp_path / "cache"), do_refit=False, workers=2, **kw)

    return run


def _contents(path) -> dict:
    con = db.connect(path, read_only=True)
    try:
        out = {t: con.execute(f"SELECT * EXCLUDE (run_id) FROM {t} ORDER BY ALL").fetchall()
               for t in ("documents", "findings")}
        out["papers"] = con.execute("SELECT * EXCLUDE (first_run_id, first_seen_at) FROM papers ORDER BY ALL").fetchall()
        out["findings"] = [r for r in con.execute(
            "SELECT finding_id, kind, value, page, source_text FROM findings ORDER BY ALL").fetchall()]
        out["documents"] = con.execute("SELECT document_id, paper_id, sha256, status FROM documents ORDER BY ALL").fetchall()
        out["watermark"] = con.execute("SELECT last_submitted_at FROM harvest_watermarks").fetchall()
        return out
    finally:
        con.close()


@pytest.mark.corpus
@pytest.mark.slow
def test_three_nights_each_paper_once(dated_entries, run_night, tmp_path):
    fake = dated_entries
    got = [run_night(k) for k in range(3)]
    assert [g["papers_new"] for g in got] == [2, 2, 2]
    # the overlap re-lists earlier papers, but nothing is downloaded or extracted twice
    assert [g["documents_extracted"] for g in got] == [2, 2, 2]
    assert sorted(fake.pdf_log) == sorted(f"{aid}{ver}" for _, aid, ver, _ in PAPERS)
    # each window starts at the previous watermark minus the 72 h overlap
    starts = [w[0] for w in fake.windows()]
    assert starts[0] == "202611090200"  # first run: one day back
    last_of_night0 = max(e.published for e in fake.entries[:2])
    assert starts[1] == (last_of_night0 - timedelta(hours=72)).strftime("%Y%m%d%H%M")
    con = db.connect(tmp_path / "w.duckdb", read_only=True)
    assert db.scalar(con, "SELECT count(*) FROM papers") == 6
    assert db.scalar(con, "SELECT count(DISTINCT paper_id) FROM documents") == 6
    wm = db.scalar(con, "SELECT last_submitted_at FROM harvest_watermarks")
    con.close()
    assert wm == max(e.published for e in fake.entries).replace(tzinfo=None)


@pytest.mark.corpus
@pytest.mark.slow
def test_missed_night_is_caught_up(dated_entries, run_night, tmp_path):
    run_night(0)
    caught = run_night(2)  # night 1 never ran
    assert caught["papers_new"] == 4
    con = db.connect(tmp_path / "w.duckdb", read_only=True)
    assert db.scalar(con, "SELECT count(*) FROM papers") == 6
    con.close()


@pytest.mark.corpus
@pytest.mark.slow
def test_transient_errors_are_retried_then_succeed(dated_entries, run_night):
    dated_entries.fail_next(429, 503, 503)
    got = run_night(0)
    assert got["papers_new"] == 2
    assert len(dated_entries.api_log) >= 4  # three refused requests, then the answered one


@pytest.mark.corpus
@pytest.mark.slow
def test_three_runs_equal_one(dated_entries, run_night, tmp_path):
    once = tmp_path / "once.duckdb"
    run_night(2, warehouse=once, since=_night(-2))
    thrice = tmp_path / "thrice.duckdb"
    for _ in range(3):
        run_night(2, warehouse=thrice, since=_night(-2))
    assert _contents(thrice) == _contents(once)
    con = db.connect(thrice, read_only=True)
    assert con.execute("SELECT count(*), count(DISTINCT status) FROM runs").fetchall() == [(3, 1)]
    con.close()


def test_window_rules(tmp_path):
    from flows.config import HarvestConfig
    from flows.nightly import harvest_window
    from warehouse import load

    con = db.connect(tmp_path / "w.duckdb")
    cfg = HarvestConfig(overlap_hours=24, initial_lookback_days=2)
    now = datetime(2026, 11, 22, 2, tzinfo=timezone.utc)
    start, end, why = harvest_window(con, cfg, None, None, now=now)
    assert (start, end) == (now - timedelta(days=2), now) and "no watermark" in why
    load.advance_watermark(con, cfg.query_key, "q", datetime(2026, 11, 20, 18, tzinfo=timezone.utc), 3, "r1")
    start, _, _ = harvest_window(con, cfg, None, None, now=now)
    assert start == datetime(2026, 11, 19, 18, tzinfo=timezone.utc)
    # a backfill of older dates never moves the watermark back
    load.advance_watermark(con, cfg.query_key, "q", datetime(2025, 1, 1, tzinfo=timezone.utc), 5, "r2")
    assert load.get_watermark(con, cfg.query_key) == datetime(2026, 11, 20, 18)
    start, end, why = harvest_window(con, cfg, "2025-01-01", "2025-01-03", now=now)
    assert (start.year, end.day, why) == (2025, 3, "--since")
    with pytest.raises(ValueError, match="before its end"):
        harvest_window(con, cfg, "2025-01-03", "2025-01-01", now=now)
    with pytest.raises(ValueError, match="ISO 8601"):
        harvest_window(con, cfg, "yesterday", None, now=now)
