"""The review web page: routes through Starlette's test client, then the real thing in headless
Chromium (Debian's /usr/bin/chromium driven by Playwright) on a warehouse of three corpus PDFs."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from warehouse import db, review

CHROMIUM = Path("/usr/bin/chromium")
#: Chromium flags for a quiet, offline, throw-away browser.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _client(path: Path, tmp_path: Path):
    from fastapi.testclient import TestClient

    from flows.review_web import create_app

    app = create_app(path, reviewer="tess", cache_dir=tmp_path / "png")
    return TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)


def _token(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def _seen(html: str) -> str:
    return re.search(r'name="seen_value" value="([^"]*)"', html).group(1)


def _hold(path: Path) -> subprocess.Popen:
    """Start a process that holds a read-write connection to ``path`` (as a running ingest does)."""
    p = subprocess.Popen(
        [sys.executable, "-c",
         "import sys,time\nfrom warehouse import db\nc=db.connect(sys.argv[1])\nprint('held', flush=True)\ntime.sleep(60)",
         str(path)],
        stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "held"
    return p


@pytest.mark.corpus
def test_routes_decide_and_redirect_to_the_next_in_the_queue(corpus_wh, tmp_path):
    path, _ = corpus_wh
    c = _client(path, tmp_path)
    index = c.get("/")
    assert index.status_code == 200
    assert "1512.03385" in index.text and "1706.03762" in index.text and "Start reviewing" in index.text
    first = re.search(r'id="start" href="/f/([0-9a-f]+)"', index.text).group(1)
    page = c.get(f"/f/{first}")
    assert page.status_code == 200 and "page.png" in page.text
    png = c.get(f"/f/{first}/page.png")
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(list((tmp_path / "png").glob("*.png"))) == 1  # cached
    assert c.get(f"/f/{first}/page.png").content == png.content

    # forms from elsewhere (no token) are refused
    assert c.post(f"/f/{first}/decide", data={"decision": "accept"}).status_code == 403
    res = c.post(f"/f/{first}/decide", data={"decision": "accept", "token": _token(page.text),
                                              "seen_value": _seen(page.text), "seen_value_text": ""})
    assert res.status_code == 303 and res.headers["location"].startswith("/f/")
    assert not res.headers["location"].startswith(f"/f/{first}")
    # a bad correction comes back as a message on the same finding, nothing written
    res = c.post(f"/f/{first}/decide", data={"decision": "correct", "value": "150", "unit": "%",
                                              "token": _token(page.text), "seen_value": _seen(page.text)})
    assert res.status_code == 303 and "warn=" in res.headers["location"]
    assert "0..100" in c.get(res.headers["location"]).text
    con = db.connect(path, read_only=True)
    assert con.execute("SELECT finding_id, decision, reviewer FROM reviews").fetchall() == [(first, "accept", "tess")]
    con.close()
    assert c.get("/f/zzzz").status_code == 404
    assert c.get("/", headers={"host": "evil.example"}).status_code == 400  # DNS rebinding


@pytest.mark.corpus
def test_a_decision_on_a_value_changed_since_the_page_was_shown_is_refused(corpus_wh, tmp_path):
    path, _ = corpus_wh
    c = _client(path, tmp_path)
    first = re.search(r'id="start" href="/f/([0-9a-f]+)"', c.get("/").text).group(1)
    page = c.get(f"/f/{first}").text
    con = db.connect(path)
    con.execute("UPDATE findings SET value = value + 1 WHERE finding_id = ?", [first])  # a re-extraction
    con.close()
    res = c.post(f"/f/{first}/decide", data={"decision": "accept", "token": _token(page), "seen_value": _seen(page)})
    assert res.status_code == 303 and "changed" in c.get(res.headers["location"]).text
    con = db.connect(path, read_only=True)
    assert db.scalar(con, "SELECT count(*) FROM reviews") == 0


@pytest.mark.corpus
def test_held_warehouse_gives_503_busy_and_the_server_holds_nothing(corpus_wh, tmp_path):
    path, _ = corpus_wh
    c = _client(path, tmp_path)
    assert c.get("/").status_code == 200
    holder = _hold(path)  # possible only because the server closed its connection
    try:
        res = c.get("/")
        assert res.status_code == 503 and "warehouse busy, retry" in res.text
        assert res.headers["retry-after"]
    finally:
        holder.kill()
        holder.wait()
    assert c.get("/").status_code == 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}: {proc.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"server at {url} did not answer within {timeout} s")


@pytest.mark.corpus
@pytest.mark.slow
def test_review_page_in_headless_chromium(corpus_wh, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(f"needs Chromium at {CHROMIUM}: apt-get install -y chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package: pip install playwright")
    path, _ = corpus_wh
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "review", "serve", "--warehouse", str(path), "--port", str(port),
         "--reviewer", "browser-test", "--cache-dir", str(tmp_path / "png")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ, NO_COLOR="1"))
    shot = tmp_path / "compute-limits-review.png"
    try:
        _wait_http(base + "/", server)
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch_persistent_context(
                str(tmp_path / "chromium-profile"), executable_path=str(CHROMIUM), headless=True,
                args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 1000})
            try:
                page = browser.new_page()
                page.goto(base + "/")
                assert "1512.03385" in page.inner_text("#papers")
                page.click("#start")
                page.wait_for_selector("#finding")
                first = page.get_attribute("#finding", "data-finding-id")
                assert page.get_attribute("#finding", "data-status") == "pending"
                page.wait_for_function("document.getElementById('page-image').naturalWidth > 0")
                assert page.inner_text("#quote").strip()

                page.keyboard.press("j")                     # next, then back with k
                page.wait_for_function(f"document.getElementById('finding').dataset.findingId !== '{first}'")
                page.keyboard.press("k")
                page.wait_for_function(f"document.getElementById('finding').dataset.findingId === '{first}'")

                page.keyboard.press("a")                     # accept: lands on the next finding
                page.wait_for_selector("#msg")
                assert page.inner_text("#msg").startswith("accepted " + first[:12])
                second = page.get_attribute("#finding", "data-finding-id")
                assert second != first

                page.keyboard.press("c")                     # correct: focus the value, type, Enter
                assert page.evaluate("document.activeElement.id") == "correct-value"
                page.keyboard.type("42.5")
                page.keyboard.press("Enter")
                page.wait_for_function(f"document.getElementById('finding').dataset.findingId !== '{second}'")
                assert page.inner_text("#msg").startswith("corrected " + second[:12])

                page.goto(f"{base}/f/{second}")
                page.wait_for_function("document.getElementById('page-image').naturalWidth > 0")
                assert page.get_attribute("#finding", "data-status") == "corrected"
                assert "42.5" in page.inner_text("#finding")
                page.screenshot(path=str(shot), full_page=True)

                # the server holds nothing between requests: this process can write, and while
                # it holds the file the page says busy
                con = db.connect(path)
                try:
                    rows = con.execute(
                        "SELECT finding_id, decision, value, unit, reviewer, finding_value FROM reviews ORDER BY decided_at"
                    ).fetchall()
                    statuses = {r["finding_id"]: r["status"] for r in review.statuses(con, finding_ids=[first, second])}
                    resp = page.goto(f"{base}/f/{first}")
                    assert resp.status == 503 and "warehouse busy, retry" in page.inner_text("body")
                finally:
                    con.close()
                assert page.goto(f"{base}/f/{first}").status == 200
            finally:
                browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    print(f"\nscreenshot of the review page: {shot}")
    keep = os.environ.get("COMPUTE_LIMITS_REVIEW_SCREENSHOT")
    if keep:
        shutil.copyfile(shot, keep)
    assert len(rows) == 2
    (f1, d1, v1, u1, who1, seen1), (f2, d2, v2, u2, who2, seen2) = rows
    assert (f1, d1, v1, who1) == (first, "accept", None, "browser-test") and seen1 is not None
    assert (f2, d2, v2, who2) == (second, "correct", 42.5, "browser-test") and u2  # the finding's unit
    assert statuses == {first: "accepted", second: "corrected"}
    assert shot.stat().st_size > 10_000
