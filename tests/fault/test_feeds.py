"""Bad feeds and servers through the real flow: malformed Atom, entries missing fields, HTTP
errors, a missing PDF, a slow server and a connection reset. Transient faults are retried; the
rest end in a recorded failure (the run row says why) or a per-paper status; nothing loaded
before is lost."""

from __future__ import annotations

import socket
import threading
from datetime import datetime, timedelta, timezone

import pytest

from warehouse import db

from .conftest import TALLY, cli, warehouse_snapshot

NIGHT = datetime(2026, 11, 10, 2, tzinfo=timezone.utc)


@pytest.fixture()
def two_papers(fake_arxiv, corpus_pdfs):
    from tests.fakes import Entry

    for i, (name, aid, ver) in enumerate([("1706.03762v5.pdf", "1706.03762", "v5"), ("AlexNet.pdf", "1111.00001", "v1")]):
        fake_arxiv.entries.append(Entry(aid, ver, NIGHT - timedelta(hours=6 - i), f"paper {i}", corpus_pdfs / name))
    return fake_arxiv


def _run(tmp_path, **kw):
    from flows.nightly import nightly

    return nightly(source="arxiv", warehouse=str(tmp_path / "w.duckdb"), until=NIGHT.isoformat(),
                   cache_dir=str(tmp_path / "cache"), do_refit=False, **kw)


def _runs(tmp_path):
    con = db.connect(tmp_path / "w.duckdb", read_only=True)
    try:
        return con.execute("SELECT status, error FROM runs ORDER BY started_at").fetchall()
    finally:
        con.close()


@pytest.mark.corpus
def test_transient_statuses_retried(two_papers, prefect_harness, tmp_path):
    two_papers.fail_next(500, 503, 429)
    got = _run(tmp_path)
    TALLY["faults injected"] += 3
    TALLY["runs completed"] += 1
    assert got["papers_new"] == 2


@pytest.mark.corpus
@pytest.mark.parametrize("status", [400, 404])
def test_permanent_status_is_a_recorded_failure(status, two_papers, prefect_harness, api_env, tmp_path):
    _run(tmp_path)  # a first good run: its papers must survive the failed one
    before = warehouse_snapshot(tmp_path / "w.duckdb")
    two_papers.answer_next(status, b"<feed><error>bad request</error></feed>")
    res = cli("nightly", "--source", "arxiv", "--until", (NIGHT + timedelta(days=1)).isoformat(), "--warehouse",
              str(tmp_path / "w.duckdb"), "--cache-dir", str(tmp_path / "cache"), "--no-refit", "--no-progress",
              env=api_env)
    TALLY["faults injected"] += 1
    assert res.returncode == 1 and "nightly run failed" in res.stderr and "Traceback" not in res.stderr, res.stderr[-1500:]
    assert f"HTTP {status}" in res.stderr
    runs = _runs(tmp_path)
    assert [r[0] for r in runs] == ["completed", "failed"] and f"{status}" in runs[1][1]
    after = warehouse_snapshot(tmp_path / "w.duckdb")
    TALLY["rows lost"] += sum(len(set(before[t]) - set(after[t])) for t in before)
    assert after == before


@pytest.mark.corpus
def test_malformed_atom_is_retried_then_recorded(two_papers, prefect_harness, tmp_path):
    for _ in range(200):  # more than every retry of the client, the source and the Prefect task
        two_papers.answer_next(200, b"<?xml version='1.0'?><feed><entry><id>broken")
    with pytest.raises(Exception):
        _run(tmp_path)
    TALLY["faults injected"] += 1
    [(status, error)] = _runs(tmp_path)
    assert status == "failed" and error


@pytest.mark.corpus
def test_entry_missing_fields_is_skipped(two_papers, prefect_harness, tmp_path):
    def drop_published(body: bytes, aid: str) -> bytes:
        start = body.index(f"<id>http://arxiv.org/abs/{aid}".encode())
        end = body.index(b"</entry>", start)
        entry = body[start:end]
        return body[:start] + entry.replace(entry[entry.index(b"<published>"):entry.index(b"</published>") + 12], b"") + body[end:]

    two_papers.entry_xml_override["1111.00001"] = drop_published
    got = _run(tmp_path)
    TALLY["bad inputs tried"] += 1
    TALLY["runs completed"] += 1
    # the damaged entry is either skipped or read without a date; the other paper is loaded
    assert got["papers_new"] in (1, 2)
    con = db.connect(tmp_path / "w.duckdb", read_only=True)
    assert db.scalar(con, "SELECT count(*) FROM papers WHERE paper_id = '1706.03762' AND status = 'ok'") == 1
    con.close()


@pytest.mark.corpus
def test_missing_pdf_is_a_per_paper_status(two_papers, prefect_harness, tmp_path):
    two_papers.missing_pdfs.add("1111.00001v1")
    got = _run(tmp_path)
    TALLY["faults injected"] += 1
    TALLY["runs completed"] += 1
    assert got["documents_by_status"].get("fetch_error") == 1
    con = db.connect(tmp_path / "w.duckdb", read_only=True)
    rows = dict(con.execute("SELECT paper_id, status FROM papers").fetchall())
    con.close()
    assert rows == {"1706.03762": "ok", "1111.00001": "fetch_error"}
    # the next run tries it again once the PDF is back
    two_papers.missing_pdfs.clear()
    _run(tmp_path)
    con = db.connect(tmp_path / "w.duckdb", read_only=True)
    rows = dict(con.execute("SELECT paper_id, status FROM papers").fetchall())
    con.close()
    assert rows["1111.00001"] == "ok"


@pytest.mark.corpus
def test_slow_server_times_out_and_is_recorded(two_papers, prefect_harness, tmp_path, monkeypatch):
    monkeypatch.setenv("COMPUTE_LIMITS_ARXIV_TIMEOUT_S", "0.3")
    two_papers.api_sleep_s = 1.0
    with pytest.raises(Exception):
        _run(tmp_path)
    TALLY["faults injected"] += 1
    [(status, error)] = _runs(tmp_path)
    assert status == "failed" and ("timed out" in error.lower() or "timeout" in error.lower() or "retries" in error)


def test_connection_reset_is_recorded(prefect_harness, tmp_path, monkeypatch):
    """A server that accepts and resets every connection (SO_LINGER 0), on 127.0.0.1."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    stop = threading.Event()

    def serve():
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            conn.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    port = srv.getsockname()[1]
    monkeypatch.setenv("COMPUTE_LIMITS_ARXIV_API_URL", f"http://127.0.0.1:{port}/api/query")
    monkeypatch.setenv("COMPUTE_LIMITS_ARXIV_PDF_URL", f"http://127.0.0.1:{port}/pdf")
    monkeypatch.setenv("COMPUTE_LIMITS_ARXIV_DELAY_S", "0")
    monkeypatch.setenv("COMPUTE_LIMITS_ARXIV_BACKOFF_BASE_S", "0.01")
    try:
        with pytest.raises(Exception):
            _run(tmp_path)
    finally:
        stop.set()
        t.join()
        srv.close()
    TALLY["faults injected"] += 1
    [(status, error)] = _runs(tmp_path)
    assert status == "failed" and error
