"""A synthetic arXiv API on 127.0.0.1 for nightly-operation tests.

Unlike the replay server of tests/sources (fixed recorded queries), this one answers *any*
``search_query`` with a ``submittedDate:[A TO B]`` window from a list of dated entries, pages with
``start``/``max_results`` like the real API (Atom 1.0 with opensearch totals, in the layout of the
recorded responses in ../shared/arxiv-api), can inject HTTP failures, and serves corpus PDFs under
``/pdf/<id><version>``. It logs every request so tests can count API calls and downloads.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from werkzeug import Request, Response

_WINDOW_RE = re.compile(r"submittedDate:\[(\d{12}) TO (\d{12})\]")


@dataclass(frozen=True)
class Entry:
    """One synthetic arXiv entry: id, version, submission time (UTC), title, the corpus PDF served."""

    arxiv_id: str
    version: str
    published: datetime
    title: str
    pdf: Path


def _atom(entries: list[Entry], start: int, total: int) -> bytes:
    items = []
    for e in entries:
        ts = e.published.strftime("%Y-%m-%dT%H:%M:%SZ")
        items.append(f"""  <entry>
    <id>http://arxiv.org/abs/{e.arxiv_id}{e.version}</id>
    <title>{escape(e.title)}</title>
    <updated>{ts}</updated>
    <link href="https://arxiv.org/abs/{e.arxiv_id}{e.version}" rel="alternate" type="text/html"/>
    <link href="https://arxiv.org/pdf/{e.arxiv_id}{e.version}" rel="related" type="application/pdf" title="pdf"/>
    <summary>Synthetic entry for tests.</summary>
    <category term="cs.CV" scheme="http://arxiv.org/schemas/atom"/>
    <published>{ts}</published>
    <arxiv:primary_category term="cs.CV"/>
    <author>
      <name>Test Author</name>
    </author>
  </entry>""")
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/synthetic</id>
  <title>arXiv Query</title>
  <updated>2026-11-22T00:00:00Z</updated>
  <opensearch:itemsPerPage>{len(entries)}</opensearch:itemsPerPage>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>{start}</opensearch:startIndex>
{chr(10).join(items)}
</feed>
""".encode()


@dataclass
class FakeArxiv:
    """State of the synthetic server: entries, injected failures, request log."""

    entries: list[Entry] = field(default_factory=list)
    api_failures: deque = field(default_factory=deque)
    api_bodies: deque = field(default_factory=deque)
    api_log: list[str] = field(default_factory=list)
    pdf_log: list[str] = field(default_factory=list)
    missing_pdfs: set = field(default_factory=set)
    entry_xml_override: dict = field(default_factory=dict)
    api_sleep_s: float = 0.0
    base_url: str = ""

    def fail_next(self, *statuses: int) -> None:
        """Answer the next API requests with these HTTP statuses, in order."""
        self.api_failures.extend(statuses)

    def answer_next(self, status: int, body: bytes) -> None:
        """Answer the next API request with this raw status and body (e.g. malformed XML)."""
        self.api_bodies.append((status, body))

    def windows(self) -> list[tuple[str, str]]:
        """The submittedDate windows asked for, in order."""
        return [m.groups() for q in self.api_log if (m := _WINDOW_RE.search(q))]

    def handle(self, request: Request) -> Response:
        if request.path.startswith("/api/query"):
            q = parse_qs(request.query_string.decode())
            query = q.get("search_query", [""])[0]
            self.api_log.append(query)
            if self.api_sleep_s:
                import time

                time.sleep(self.api_sleep_s)
            if self.api_bodies:
                status, body = self.api_bodies.popleft()
                return Response(body, status=status, content_type="application/atom+xml")
            if self.api_failures:
                return Response("rate limited" if self.api_failures[0] == 429 else "unavailable",
                                status=self.api_failures.popleft())
            m = _WINDOW_RE.search(query)
            if not m:
                return Response("need a submittedDate window", status=400)
            lo, hi = (datetime.strptime(v, "%Y%m%d%H%M").replace(tzinfo=timezone.utc) for v in m.groups())
            hits = sorted((e for e in self.entries if lo <= e.published.replace(second=0) <= hi),
                          key=lambda e: e.published)
            start = int(q.get("start", ["0"])[0])
            size = int(q.get("max_results", ["10"])[0])
            body = _atom(hits[start:start + size], start, len(hits))
            for aid, replacement in self.entry_xml_override.items():  # e.g. drop fields of one entry
                body = replacement(body, aid)
            return Response(body, content_type="application/atom+xml")
        if request.path.startswith("/pdf/"):
            key = request.path[len("/pdf/"):]
            self.pdf_log.append(key)
            if key in self.missing_pdfs:
                return Response("not found", status=404)
            for e in self.entries:
                if f"{e.arxiv_id}{e.version}" == key:
                    return Response(e.pdf.read_bytes(), content_type="application/pdf")
            return Response("not found", status=404)
        return Response("not found", status=404)


