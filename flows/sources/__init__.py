"""Paper sources: where the nightly harvest finds papers, and how their PDFs reach the disk.

Two sources, one record:

* :class:`ArxivSource` asks the arXiv API (through the ``arxiv`` package's ``Client``) for papers
  submitted in a time window, or looks ids up, and downloads PDFs into a content-addressed cache.
* :class:`DirSource` lists a local folder of PDFs (a mirror, or ``../shared/corpus/pdfs``).

Both describe a paper as a :class:`PaperRef`. All datetimes are timezone-aware UTC.

Politeness: arXiv's API terms of use (https://info.arxiv.org/help/api/tou.html) ask for no more
than one request every three seconds, from one connection at a time. :class:`ArxivSettings`
refuses a smaller delay unless the API is a loopback address (a test server).

Layering (after arxiv.py): HTTP, pacing and retries live in the source classes; turning an
``arxiv.Result`` or a manifest row into a :class:`PaperRef` is done by pure functions. Importing
this module touches neither the network nor the disk.
"""

from __future__ import annotations

from pathlib import Path

from flows.sources.arxiv_source import (
    TRANSIENT_STATUSES,
    ArxivSource,
    api_error_detail,
    backoff_seconds,
    build_query,
    default_cache_dir,
    ref_from_result,
)
from flows.sources.dir_source import DirSource, ManifestRow, read_manifest, read_stamp, sha256_file
from flows.sources.records import (
    ID_SOURCES,
    FeedError,
    FetchError,
    MalformedFeedError,
    ManifestError,
    PaperRef,
    SourceError,
    split_versioned_id,
)
from flows.sources.settings import ARXIV_MIN_DELAY_S, ArxivSettings

__all__ = [
    "ARXIV_MIN_DELAY_S", "ID_SOURCES", "TRANSIENT_STATUSES", "ArxivSettings", "ArxivSource",
    "DirSource", "FeedError", "FetchError", "MalformedFeedError", "ManifestError", "ManifestRow", "PaperRef",
    "SourceError", "api_error_detail", "backoff_seconds", "build_query", "default_cache_dir",
    "parse_source", "read_manifest", "read_stamp", "ref_from_result", "sha256_file",
    "split_versioned_id",
]

def parse_source(spec: str, cache_dir: str | Path | None = None) -> ArxivSource | DirSource:
    """Given a CLI source string, return the source: ``"arxiv"`` (settings from the environment,
    see :meth:`ArxivSettings.from_env`) or ``"dir:PATH"``.

    Raises ``ValueError`` naming the allowed forms. Does no I/O (a missing folder is reported by
    :meth:`DirSource.list_papers`).
    """
    text = spec.strip()
    if text == "arxiv":
        return ArxivSource(ArxivSettings.from_env(), cache_dir=cache_dir)
    if text.startswith("dir:") and text[4:].strip():
        return DirSource(Path(text[4:].strip()).expanduser())
    raise ValueError(f"unknown paper source {spec!r}: use 'arxiv' or 'dir:PATH' "
                     "(e.g. dir:../shared/corpus/pdfs)")
