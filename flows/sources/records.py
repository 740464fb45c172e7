"""Records of the sources package: :class:`PaperRef` and the error classes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from extract.stamp import parse_arxiv_filename, validate_arxiv_id

#: Values of :attr:`PaperRef.id_source`.
ID_SOURCES = ("filename", "manifest", "stamp", "api", "none")


@dataclass(frozen=True)
class PaperRef:
    """One paper as a source knows it, before any extraction.

    Attributes:
        source: ``"arxiv"`` (from the API) or ``"dir"`` (from a local folder).
        paper_id: stable key: the arXiv id without version (``"1512.03385"``,
            ``"hep-th/9901001"``) when known, else ``"file:<first 16 hex of sha256>"``.
        arxiv_id: arXiv id without version, or None when unknown.
        version: ``"v1"``, ``"v2"`` ... or None (unknown, or the file is not an arXiv build).
        title: title, whitespace collapsed; for ``dir`` papers the manifest's noisy
            ``title_guess``; None when unknown.
        authors: author names in feed order (empty for ``dir`` papers).
        published: first-version submission time (UTC), or None.
        updated: this version's time (UTC), or None.
        categories: arXiv categories, e.g. ``("cs.CV", "cs.LG")``.
        abs_url: abstract page URL, or None.
        pdf_url: PDF URL as the API gave it, or None.
        local_path: path of the PDF on disk once fetched (or listed), else None.
        sha256: hex SHA-256 of the PDF bytes once on disk, else None.
        id_source: where ``arxiv_id`` came from: ``"filename"``, ``"manifest"``, ``"stamp"``
            (page-1 arXiv margin stamp), ``"api"`` or ``"none"``.
    """

    source: str
    paper_id: str
    arxiv_id: str | None = None
    version: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    updated: datetime | None = None
    categories: tuple[str, ...] = ()
    abs_url: str | None = None
    pdf_url: str | None = None
    local_path: Path | None = None
    sha256: str | None = None
    id_source: str = "none"


class SourceError(Exception):
    """Base error of this module; carries its context and pickles cleanly (Dask, Prefect states).

    Attributes:
        message: what went wrong and, where possible, what to do.
        url: the URL requested, or None.
        status: the HTTP status received, or None.
        try_number: 0 for the first try, 1 for the first retry round ...; None if not counted.
        path: the local file or folder involved, or None.
    """

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None,
                 try_number: int | None = None, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.url = url
        self.status = status
        self.try_number = try_number
        self.path = None if path is None else str(path)

    def __reduce__(self):  # keyword-only context goes through the state dict
        return (self.__class__, (self.message,), dict(self.__dict__))

    def __str__(self) -> str:
        ctx = [f"{k}={v}" for k, v in (("status", self.status), ("url", self.url),
                                       ("try", self.try_number), ("path", self.path)) if v is not None]
        return f"{self.message} [{', '.join(ctx)}]" if ctx else self.message


class FeedError(SourceError):
    """The arXiv API failed: a permanent HTTP error (e.g. 400), or retries ran out."""


class MalformedFeedError(FeedError):
    """The API answered 200 with a body that is not well-formed Atom XML (often a cut-off
    transfer): retried like a transient error, then raised."""


class FetchError(SourceError):
    """A PDF could not be downloaded, or the body was not a PDF."""


class ManifestError(SourceError):
    """A ``manifest.csv`` row is invalid or contradicts the file it describes.

    Attributes (in addition to :class:`SourceError`'s): ``row``: 1-based data row number.
    """

    def __init__(self, message: str, *, row: int | None = None, **context) -> None:
        super().__init__(message, **context)
        self.row = row

def split_versioned_id(value: str) -> tuple[str, str | None]:
    """Given ``"1512.03385v1"`` or ``"hep-th/9901001"``, return ``(id, version or None)``.

    Raises ``ValueError`` (from :func:`extract.stamp.validate_arxiv_id`) when malformed.
    """
    parsed = parse_arxiv_filename(validate_arxiv_id(value))
    if parsed is None:  # validate_arxiv_id accepted it, so this is an id with '_' in it
        raise ValueError(f"not an arXiv identifier: {value!r}")
    return parsed
