"""Papers from the arXiv API (through ``arxiv.Client``), PDFs into a content-addressed cache.

I/O at the edge, parsing in the middle (after arxiv.py): :class:`ArxivSource` owns HTTP, pacing
and retries; :func:`build_query`, :func:`ref_from_result`, :func:`api_error_detail` and
:func:`backoff_seconds` are pure. All datetimes are timezone-aware UTC.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import arxiv
import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.util.retry import Retry

from extract.stamp import validate_arxiv_id
from flows.sources.records import FeedError, FetchError, MalformedFeedError, PaperRef, split_versioned_id
from flows.sources.settings import ARXIV_MIN_DELAY_S, CATEGORY_RE, ArxivSettings, is_loopback

logger = logging.getLogger(__name__)

#: HTTP statuses worth retrying: rate limited (429) and server-side trouble (5xx).
TRANSIENT_STATUSES: frozenset[int] = frozenset({429, 500, 502, 503, 504})
_CHUNK = 1 << 16

def build_query(categories: Sequence[str], start: datetime, end: datetime,
                keywords: Sequence[str] = ()) -> str:
    """Given categories, a UTC window and optional keywords, return the arXiv ``search_query``.

    ``(cat:cs.CV OR cat:cs.CL) AND submittedDate:[202401010000 TO 202401020000]``; with
    keywords, ``AND (ti:"ImageNet" OR abs:"ImageNet" OR ...)`` is added (any keyword in title or
    abstract; query syntax of https://info.arxiv.org/help/api/user-manual.html). Times are
    converted to UTC and truncated to the minute (the API's resolution; both ends inclusive, so
    consecutive windows may share a minute: de-duplicate on ``paper_id``).

    Raises:
        ValueError: naive datetimes (ambiguous), ``start >= end``, no or malformed categories.
    """
    if not categories:
        raise ValueError("categories must name at least one arXiv category, e.g. ['cs.CV']")
    for cat in categories:
        if not CATEGORY_RE.match(cat):
            raise ValueError(f"category {cat!r} is not an arXiv category like 'cs.CV'")
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware (e.g. tzinfo=timezone.utc)")
    start_utc, end_utc = start.astimezone(timezone.utc), end.astimezone(timezone.utc)
    if start_utc >= end_utc:
        raise ValueError(f"start ({start_utc.isoformat()}) must be before end ({end_utc.isoformat()})")
    cats = " OR ".join(f"cat:{c}" for c in categories)
    query = f"({cats}) AND submittedDate:[{start_utc:%Y%m%d%H%M} TO {end_utc:%Y%m%d%H%M}]"
    words = [k.strip() for k in keywords if k.strip()]
    if any('"' in k for k in words):
        raise ValueError("keywords must not contain double quotes")
    if words:
        query += " AND (" + " OR ".join(f'ti:"{k}" OR abs:"{k}"' for k in words) + ")"
    return query




def _utc(dt: datetime | None) -> datetime | None:
    if dt is None or dt.replace(tzinfo=None) == datetime.min:
        return None
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def ref_from_result(result: arxiv.Result) -> PaperRef:
    """Given an ``arxiv.Result``, return its :class:`PaperRef` (``source="arxiv"``, ``id_source="api"``).

    Raises ``ValueError`` when the entry id holds no arXiv identifier.
    """
    arxiv_id, version = split_versioned_id(result.get_short_id())
    alternate = [link.href for link in result.links if link.rel == "alternate"]
    return PaperRef(
        source="arxiv", paper_id=arxiv_id, arxiv_id=arxiv_id, version=version,
        title=" ".join(result.title.split()) or None,
        authors=tuple(a.name for a in result.authors),
        published=_utc(result.published), updated=_utc(result.updated),
        categories=tuple(result.categories),
        abs_url=alternate[0] if alternate else result.entry_id,
        pdf_url=result.pdf_url, id_source="api")


def api_error_detail(body: bytes) -> str | None:
    """Given an arXiv API error body (Atom with one ``<entry>``), return its summary, else None."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None
    summary = root.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary")
    return " ".join(summary.text.split()) if summary is not None and summary.text else None


def backoff_seconds(round_number: int, base_s: float, max_s: float, rng: random.Random) -> float:
    """Given a 1-based retry round, return seconds to wait: "equal jitter" exponential backoff.

    Half of ``min(max_s, base_s * 2**(round-1))`` plus a uniform random share of the other half,
    so concurrent clients spread out but never retry at once.
    """
    ceiling = min(max_s, base_s * 2 ** (round_number - 1))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


class _ApiSession(requests.Session):
    """The ``requests`` session handed to ``arxiv.Client``.

    Adds what arxiv 4.0.2 leaves out: a timeout and our User-Agent on every request (arxiv sends
    its own ``arxiv.py/x`` agent per request; we keep it as a suffix), a second pacing guard that
    also covers requests ending in an error, and an immediate :class:`FeedError` for a permanent
    HTTP error, which ``arxiv.Client`` would otherwise retry.
    """

    def __init__(self, user_agent: str, timeout_s: float, delay_s: float) -> None:
        super().__init__()
        self._user_agent, self._timeout_s, self._delay_s = user_agent, timeout_s, delay_s
        self._last_request: float | None = None

    def request(self, method, url, **kwargs):  # noqa: D102 - see class docstring
        headers = CaseInsensitiveDict(kwargs.pop("headers", None) or {})
        lib_agent = headers.get("User-Agent")
        headers["User-Agent"] = f"{self._user_agent} {lib_agent}" if lib_agent else self._user_agent
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout_s
        if self._last_request is not None:
            wait = self._delay_s - (time.monotonic() - self._last_request)
            if wait > 0:
                time.sleep(wait)
        try:
            resp = super().request(method, url, headers=headers, **kwargs)
        finally:
            self._last_request = time.monotonic()
        if resp.status_code == 200:
            try:  # arxiv 4.0.2 only logs a malformed feed and reads it as empty: make it an error
                ET.fromstring(resp.content)
            except ET.ParseError as err:
                raise MalformedFeedError(f"arXiv API answered HTTP 200 with malformed Atom XML ({err})",
                                         url=url, status=None, try_number=0) from None
        if resp.status_code >= 400 and resp.status_code not in TRANSIENT_STATUSES:
            detail = api_error_detail(resp.content)
            raise FeedError(f"arXiv API answered HTTP {resp.status_code}"
                            + (f": {detail}" if detail else "") + " (not retried: fix the request)",
                            url=url, status=resp.status_code, try_number=0)
        return resp


#: Errors worth another round; anything else propagates at once.
_RETRYABLE_API_ERRORS = (arxiv.HTTPError, arxiv.UnexpectedEmptyPageError, MalformedFeedError,
                         requests.exceptions.ConnectionError, requests.exceptions.Timeout)


def default_cache_dir() -> Path:
    """Return the PDF cache folder: ``$COMPUTE_LIMITS_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/compute-limits/pdfs``, else ``~/.cache/compute-limits/pdfs`` (not created)."""
    if os.environ.get("COMPUTE_LIMITS_CACHE_DIR"):
        return Path(os.environ["COMPUTE_LIMITS_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "compute-limits" / "pdfs"


class ArxivSource:
    """Papers from the arXiv API, PDFs into a content-addressed cache.

    Cache layout under ``cache_dir`` (created on first download): ``sha256/<aa>/<sha256>.pdf``
    (the bytes), ``by-id/<id>[<version>].json`` (which blob holds a paper; ``/`` in old-style ids
    becomes ``_``) and ``tmp/`` (partial downloads, renamed into place when complete).
    Constructing one does no I/O. Not thread-safe: use one per thread.
    """

    build_query = staticmethod(build_query)

    def __init__(self, settings: ArxivSettings | None = None,
                 cache_dir: str | Path | None = None) -> None:
        self.settings = settings or ArxivSettings()
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        s = self.settings
        self._client = arxiv.Client(page_size=s.page_size, delay_seconds=s.delay_seconds,
                                    num_retries=s.num_retries)
        self._client.query_url_format = s.api_url + "?{}"
        # arxiv 4.0.2 sends every API request through ``Client._session`` (a requests Session,
        # no timeout, its own User-Agent): swap in ours (see _ApiSession).
        if not isinstance(getattr(self._client, "_session", None), requests.Session):
            raise RuntimeError("arxiv.Client has no requests Session `_session`: check the arxiv "
                               f"version ({arxiv.__version__}; 4.0.x expected)")
        self._client._session = _ApiSession(s.user_agent, s.timeout_s, s.delay_seconds)
        self._rng = random.Random(f"compute-limits:{s.api_url}")
        self._pdf_delay_s = (s.delay_seconds if is_loopback(s.pdf_base_url)
                             else max(s.delay_seconds, ARXIV_MIN_DELAY_S))
        self._last_pdf_request: float | None = None
        self._pdf_session = requests.Session()
        self._pdf_session.headers["User-Agent"] = s.user_agent
        retry = Retry(total=s.num_retries, backoff_factor=s.backoff_base_s,
                      backoff_max=s.backoff_max_s, backoff_jitter=s.backoff_base_s,
                      status_forcelist=sorted(TRANSIENT_STATUSES), allowed_methods={"GET"},
                      raise_on_status=False, respect_retry_after_header=True,
                      retry_after_max=max(1, int(s.backoff_max_s)))
        for prefix in ("http://", "https://"):
            self._pdf_session.mount(prefix, HTTPAdapter(max_retries=retry))

    # ---- metadata

    def results(self, search: arxiv.Search, offset: int = 0) -> Iterator[PaperRef]:
        """Run any ``arxiv.Search`` with this source's pacing and retries; yield PaperRefs.

        ``offset`` skips leading results (arxiv semantics: ``search.max_results`` counts them).
        Transient failures (HTTP 429/5xx, connection errors, timeouts, unexpectedly empty pages)
        are retried by ``arxiv.Client`` (``num_retries``), then in up to ``retry_rounds`` rounds
        with exponential backoff, resuming after the last result yielded. Entries repeated
        across pages are yielded once.

        Raises:
            FeedError: a permanent HTTP error (e.g. 400, at once) or retries exhausted.
        """
        done, failures, seen = 0, 0, set()
        while True:
            try:
                for result in self._client.results(search, offset=offset + done):
                    done += 1
                    failures = 0
                    try:
                        ref = ref_from_result(result)
                    except ValueError as err:  # e.g. an error entry served with HTTP 200
                        logger.warning("skipping arXiv entry %s: %s", result.entry_id, err)
                        continue
                    if ref.paper_id not in seen:
                        seen.add(ref.paper_id)
                        yield ref
                return
            except _RETRYABLE_API_ERRORS as err:
                status = getattr(err, "status", None)
                url = getattr(err, "url", None) or getattr(getattr(err, "request", None), "url", None)
                if isinstance(err, arxiv.HTTPError) and status not in TRANSIENT_STATUSES:
                    raise FeedError(f"arXiv API answered HTTP {status}", url=url, status=status,
                                    try_number=failures) from err
                failures += 1
                if failures > self.settings.retry_rounds:
                    raise FeedError(f"arXiv API still failing after {failures} rounds of retries "
                                    f"({type(err).__name__}: {err}); try again later",
                                    url=url, status=status, try_number=failures - 1) from err
                wait = backoff_seconds(failures, self.settings.backoff_base_s,
                                       self.settings.backoff_max_s, self._rng)
                logger.warning("arXiv API failed (%s); retry round %d in %.1f s", err, failures, wait)
                time.sleep(wait)

    def query(self, query: str, max_results: int | None = None, offset: int = 0,
              sort_by: arxiv.SortCriterion = arxiv.SortCriterion.Relevance,
              sort_order: arxiv.SortOrder = arxiv.SortOrder.Descending) -> Iterator[PaperRef]:
        """Yield up to ``max_results`` (None: all) papers for a raw arXiv ``search_query``,
        skipping the first ``offset``. Raises :class:`FeedError` as :meth:`results`."""
        if offset < 0 or (max_results is not None and max_results < 0):
            raise ValueError("offset and max_results must be >= 0")
        total = None if max_results is None else offset + max_results
        if total == 0:
            return iter(())
        search = arxiv.Search(query=query, max_results=total, sort_by=sort_by, sort_order=sort_order)
        return self.results(search, offset=offset)

    def search(self, start: datetime, end: datetime, max_results: int | None = None,
               categories: Sequence[str] | None = None,
               keywords: Sequence[str] = ()) -> Iterator[PaperRef]:
        """Yield papers submitted in ``[start, end]`` (aware datetimes, compared in UTC) in any
        of ``categories`` (default ``settings.categories``), with any of ``keywords`` in title or
        abstract when given, oldest submission first.

        Use ``list(source.search(...))`` for a list. Raises ``ValueError`` for a bad window or
        category (see :func:`build_query`) and :class:`FeedError` as :meth:`results`.
        """
        q = build_query(tuple(categories or self.settings.categories), start, end, tuple(keywords))
        return self.query(q, max_results=max_results, sort_by=arxiv.SortCriterion.SubmittedDate,
                          sort_order=arxiv.SortOrder.Ascending)

    def lookup(self, ids: Iterable[str]) -> list[PaperRef]:
        """Return the papers with these arXiv ids (a version pins it: ``"2104.12255v1"``).

        Ids the API does not know are left out (logged). Raises ``ValueError`` for a malformed id
        (before any request) and :class:`FeedError` as :meth:`results`.
        """
        wanted = [validate_arxiv_id(i) for i in ids]
        refs: list[PaperRef] = []
        for i in range(0, len(wanted), self.settings.page_size):
            chunk = wanted[i:i + self.settings.page_size]
            refs.extend(self.results(arxiv.Search(id_list=chunk, max_results=len(chunk))))
        if len(refs) < len(wanted):
            logger.info("arXiv knows %d of the %d ids looked up", len(refs), len(wanted))
        return refs

    # ---- PDFs

    def pdf_url_for(self, ref: PaperRef) -> str:
        """Return where to download ``ref``'s PDF: ``{pdf_base_url}/{arxiv_id}{version}``, or
        ``ref.pdf_url``'s ``/pdf/...`` tail moved onto ``pdf_base_url``.

        Raises ``ValueError`` when ``ref`` has neither an arXiv id nor an arXiv PDF URL."""
        if ref.arxiv_id:
            return f"{self.settings.pdf_base_url}/{ref.arxiv_id}{ref.version or ''}"
        path = urlsplit(ref.pdf_url or "").path
        if "/pdf/" in path:
            return f"{self.settings.pdf_base_url}/{path.split('/pdf/', 1)[1]}"
        raise ValueError(f"{ref.paper_id}: no arXiv id or arXiv pdf_url to download from")

    def fetch_pdf(self, ref: PaperRef) -> PaperRef:
        """Return ``ref`` with ``local_path`` and ``sha256`` set, downloading only if needed.

        A paper (id + version) already in the cache is never fetched again; a ref whose
        ``local_path`` already exists is returned as is. Downloads are retried on 429/5xx and
        connection errors (urllib3 ``Retry``, ``num_retries``, exponential backoff), written to
        ``tmp/`` and renamed into place.

        Raises:
            FetchError: HTTP error, network failure, or a body that does not start with ``%PDF``
                (arXiv answers some requests with an HTML page).
            ValueError: from :meth:`pdf_url_for`.
        """
        if ref.local_path is not None and ref.sha256 and Path(ref.local_path).is_file():
            return ref
        url = self.pdf_url_for(ref)
        key = url[len(self.settings.pdf_base_url) + 1:].replace("/", "_")
        index = self.cache_dir / "by-id" / f"{key}.json"
        cached = self._cached(index)
        if cached is not None:
            return replace(ref, local_path=cached, sha256=cached.stem)
        blob, digest, size = self._download(url)
        self._write_atomic(index, json.dumps({
            "key": key, "url": url, "sha256": digest, "bytes": size,
            "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}, indent=1).encode())
        return replace(ref, local_path=blob, sha256=digest)

    def _blob_path(self, digest: str) -> Path:
        return self.cache_dir / "sha256" / digest[:2] / f"{digest}.pdf"

    def _cached(self, index: Path) -> Path | None:
        try:
            entry = json.loads(index.read_text())
            blob = self._blob_path(entry["sha256"])
            if blob.stat().st_size == entry["bytes"]:
                return blob
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as err:
            logger.warning("ignoring broken cache entry %s: %s", index, err)
        return None

    def _write_atomic(self, target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _download(self, url: str) -> tuple[Path, str, int]:
        if self._last_pdf_request is not None:
            wait = self._pdf_delay_s - (time.monotonic() - self._last_pdf_request)
            if wait > 0:
                time.sleep(wait)
        tmp_dir = self.cache_dir / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, suffix=".part")
        tmp = Path(tmp_name)
        try:
            digest, size, head = hashlib.sha256(), 0, b""
            try:
                with os.fdopen(fd, "wb") as out, self._pdf_session.get(
                        url, stream=True, timeout=self.settings.timeout_s) as resp:
                    if resp.status_code != 200:
                        raise FetchError(f"PDF request answered HTTP {resp.status_code}",
                                         url=url, status=resp.status_code)
                    for chunk in resp.iter_content(_CHUNK):
                        if len(head) < 5:
                            head += chunk[:5 - len(head)]
                        digest.update(chunk)
                        out.write(chunk)
                        size += len(chunk)
                    out.flush()
                    os.fsync(out.fileno())
            except requests.RequestException as err:
                raise FetchError(f"PDF download failed: {type(err).__name__}: {err}", url=url) from err
            finally:
                self._last_pdf_request = time.monotonic()
            if not head.startswith(b"%PDF"):
                raise FetchError(f"body is not a PDF (starts with {head!r}, {size} bytes)", url=url,
                                 status=200)
            hexdigest = digest.hexdigest()
            blob = self._blob_path(hexdigest)
            blob.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, blob)  # same content, same name: a concurrent twin is harmless
            return blob, hexdigest, size
        finally:
            tmp.unlink(missing_ok=True)
