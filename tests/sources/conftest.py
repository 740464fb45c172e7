"""Fixtures for the paper sources: an arXiv replay server on 127.0.0.1 and the shared corpus.

The replay server answers ``/api/query`` with the responses recorded from export.arxiv.org in
``../shared/arxiv-api/recorded_2026/*.json``, matched on the query parameters ``search_query``,
``id_list``, ``start`` and ``max_results`` (sort order is ignored), and ``/pdf/<id><version>``
with the corpus PDFs. Tests can queue failures (``fail_next``) and override PDF bodies.
Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import csv
import json
import os
import re
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug import Request, Response

from flows.sources import ArxivSettings, ArxivSource

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _shared_dir() -> Path:
    return Path(os.environ.get("COMPUTE_LIMITS_SHARED") or PROJECT_ROOT.parent / "shared")


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent: these tests read the shared material "
                    "(set COMPUTE_LIMITS_SHARED to its folder)")
    return path


@pytest.fixture(scope="session")
def httpserver_listen_address():
    """pytest-httpserver listens on 127.0.0.1 (a free port), never a name that could resolve elsewhere."""
    return ("127.0.0.1", 0)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only shared material (``../shared`` or ``$COMPUTE_LIMITS_SHARED``); skips if absent."""
    return _need(_shared_dir())


@pytest.fixture(scope="session")
def corpus_pdf_dir(shared_dir: Path) -> Path:
    """``shared/corpus/pdfs``: 123 PDFs, with ``shared/corpus/manifest.csv`` beside the folder."""
    return _need(shared_dir / "corpus" / "pdfs")


@pytest.fixture(scope="session")
def corpus_manifest_rows(corpus_pdf_dir: Path) -> list[dict[str, str]]:
    """Rows of ``shared/corpus/manifest.csv`` as dicts."""
    with open(corpus_pdf_dir.parent / "manifest.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _key(query: dict[str, list[str]]) -> tuple[str, str, str, str]:
    get = lambda name: query.get(name, [""])[0]  # noqa: E731
    return get("search_query"), get("id_list"), get("start"), get("max_results")


@dataclass
class Recording:
    """One recorded API response: file ``name``, HTTP ``status``, Atom ``body``."""

    name: str
    status: int
    body: bytes


@dataclass
class RecordedApi:
    """All recordings by query key, and the names of those replayed so far (this session)."""

    by_key: dict[tuple[str, str, str, str], Recording]
    used: set[str] = field(default_factory=set)

    def body(self, stem_prefix: str) -> bytes:
        """Return the body of the one recording whose file name starts with ``stem_prefix``."""
        (match,) = [r for r in self.by_key.values() if r.name.startswith(stem_prefix)]
        return match.body


@pytest.fixture(scope="session")
def recorded_arxiv_api(shared_dir: Path) -> RecordedApi:
    """The 2026 recordings of export.arxiv.org (id look-ups, a 400, empty results, paged search)."""
    folder = _need(shared_dir / "arxiv-api" / "recorded_2026")
    by_key = {}
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text())
        key = _key(parse_qs(urlsplit(data["url"]).query, keep_blank_values=True))
        by_key[key] = Recording(path.name, int(data["status_code"]), data["body"].encode())
    return RecordedApi(by_key)


@dataclass
class ArxivReplay:
    """A running replay server: URLs to point settings at, request logs, failure injection."""

    api_url: str
    pdf_base_url: str
    recorded: RecordedApi
    pdf_files: dict[str, Path]
    api_requests: list[dict[str, str]] = field(default_factory=list)
    pdf_requests: list[str] = field(default_factory=list)
    user_agents: list[str] = field(default_factory=list)
    pdf_overrides: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    _failures: deque = field(default_factory=deque)
    _pdf_failures: deque = field(default_factory=deque)

    def fail_next(self, status: int, times: int = 1, body: bytes = b"", sleep_s: float = 0.0) -> None:
        """Answer the next ``times`` API requests with ``status`` (after ``sleep_s`` seconds)."""
        self._failures.extend([(status, body, sleep_s)] * times)

    def fail_next_pdf(self, status: int, times: int = 1) -> None:
        """Answer the next ``times`` PDF requests with ``status``."""
        self._pdf_failures.extend([status] * times)

    def settings(self, **overrides) -> ArxivSettings:
        """Settings aimed at this server: no politeness delay, millisecond backoff."""
        values = dict(api_url=self.api_url, pdf_base_url=self.pdf_base_url, delay_seconds=0.0,
                      backoff_base_s=0.001, backoff_max_s=0.01, timeout_s=5.0)
        values.update(overrides)
        return ArxivSettings(**values)

    def source(self, cache_dir: Path, **overrides) -> ArxivSource:
        """An :class:`ArxivSource` on this server with ``settings(**overrides)``."""
        return ArxivSource(self.settings(**overrides), cache_dir=cache_dir)

    def handle_api(self, request: Request) -> Response:
        self.user_agents.append(request.headers.get("User-Agent", ""))
        query = parse_qs(request.query_string.decode(), keep_blank_values=True)
        key = _key(query)
        self.api_requests.append(dict(zip(("search_query", "id_list", "start", "max_results"), key)))
        if self._failures:
            status, body, sleep_s = self._failures.popleft()
            time.sleep(sleep_s)
            return Response(body, status=status, content_type="application/atom+xml")
        recording = self.recorded.by_key.get(key)
        if recording is None:
            return Response(f"no recording for {key}", status=404)
        self.recorded.used.add(recording.name)
        return Response(recording.body, status=recording.status,
                        content_type="application/atom+xml; charset=utf-8")

    def handle_pdf(self, request: Request) -> Response:
        name = request.path.split("/pdf/", 1)[1]
        self.pdf_requests.append(name)
        self.user_agents.append(request.headers.get("User-Agent", ""))
        if self._pdf_failures:
            return Response("try later", status=self._pdf_failures.popleft())
        if name in self.pdf_overrides:
            status, body = self.pdf_overrides[name]
            return Response(body, status=status)
        path = self.pdf_files.get(name)
        if path is None:
            return Response("not found", status=404)
        return Response(path.read_bytes(), status=200, content_type="application/pdf")


@pytest.fixture
def arxiv_replay(httpserver, recorded_arxiv_api: RecordedApi, shared_dir: Path) -> ArxivReplay:
    """A replay of the recorded arXiv API and the corpus PDFs on 127.0.0.1 (pytest-httpserver)."""
    pdf_files = {}
    corpus = shared_dir / "corpus" / "pdfs"
    if corpus.is_dir():
        with open(shared_dir / "corpus" / "manifest.csv", newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["arxiv_id"] and row["arxiv_version"]:
                    pdf_files[row["arxiv_id"] + row["arxiv_version"]] = corpus / row["file"]
    legacy_pdf = shared_dir / "arxiv-api" / "legacy_2016" / "1111.2011v2.pdf"
    if legacy_pdf.is_file():
        pdf_files["1111.2011v2"] = legacy_pdf
    replay = ArxivReplay(api_url=httpserver.url_for("/api/query"),
                         pdf_base_url=httpserver.url_for("/pdf"),
                         recorded=recorded_arxiv_api, pdf_files=pdf_files)
    httpserver.expect_request("/api/query").respond_with_handler(replay.handle_api)
    httpserver.expect_request(re.compile(r"^/pdf/.+")).respond_with_handler(replay.handle_pdf)
    return replay
