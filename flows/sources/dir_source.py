"""Papers from a local folder of PDFs, with ids from a manifest, file names or page-1 stamps."""

from __future__ import annotations

import csv
import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from extract.stamp import find_arxiv_stamp, parse_arxiv_filename
from flows.sources.records import FetchError, ManifestError, PaperRef, SourceError, split_versioned_id

logger = logging.getLogger(__name__)

#: Where an arXiv abstract page lives (https://info.arxiv.org/help/arxiv_identifier.html).
ARXIV_ABS_URL = "https://arxiv.org/abs"
_VERSION_RE = re.compile(r"^v\d+$")
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 16

def sha256_file(path: Path) -> str:
    """Given a file path, return the hex SHA-256 of its bytes (read in 64 KiB chunks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_stamp(path: Path) -> tuple[str, str | None] | None:
    """Given a PDF path, return ``(arxiv_id, version)`` from the page-1 arXiv stamp, else None.

    Reads page-1 text with pypdfium2 (milliseconds). Never raises for a bad PDF: an unreadable,
    encrypted or empty file gives None (logged at INFO).
    """
    import pypdfium2 as pdfium  # imported here: keeps ``import flows.sources`` light

    try:
        pdf = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError, ValueError) as err:
        logger.info("cannot open %s to read its arXiv stamp: %s", path, err)
        return None
    try:
        if len(pdf) == 0:
            return None
        page = pdf[0]
        text = page.get_textpage().get_text_range()
    except pdfium.PdfiumError as err:
        logger.info("cannot read page 1 of %s: %s", path, err)
        return None
    finally:
        pdf.close()
    return find_arxiv_stamp(text)

@dataclass(frozen=True)
class ManifestRow:
    """One validated ``manifest.csv`` row: ``file`` name, ``arxiv_id`` (no version) or None,
    ``version`` or None, ``sha256`` (hex) or None, ``title`` (``title_guess``) or None, and
    ``row``, its 1-based data row number."""

    file: str
    arxiv_id: str | None
    version: str | None
    sha256: str | None
    title: str | None
    row: int = field(compare=False, default=0)


def read_manifest(path: Path) -> dict[str, ManifestRow]:
    """Given a ``manifest.csv`` path, return its rows by file name.

    Needs columns ``file`` and ``arxiv_id``; uses ``arxiv_version``, ``sha256`` and
    ``title_guess`` when present. Raises :class:`ManifestError` naming the row for a missing
    file name, a duplicate, a malformed id / version / sha256, or a versioned ``arxiv_id``.
    """
    rows: dict[str, ManifestRow] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"file", "arxiv_id"} - set(reader.fieldnames or ())
        if missing:
            raise ManifestError(f"manifest lacks column(s) {sorted(missing)}; has {reader.fieldnames}",
                                path=path)
        for n, raw in enumerate(reader, start=1):
            def bad(why: str) -> ManifestError:
                return ManifestError(f"manifest row {n} (file {raw.get('file')!r}): {why}",
                                     row=n, path=path)
            name = (raw.get("file") or "").strip()
            arxiv_id = (raw.get("arxiv_id") or "").strip() or None
            version = (raw.get("arxiv_version") or "").strip() or None
            digest = (raw.get("sha256") or "").strip().lower() or None
            if not name:
                raise bad("empty 'file'")
            if name in rows:
                raise bad(f"duplicate of row {rows[name].row}")
            if arxiv_id is not None:
                try:
                    if split_versioned_id(arxiv_id)[1] is not None:
                        raise bad(f"arxiv_id {arxiv_id!r} carries a version: put it in arxiv_version")
                except ValueError as err:
                    raise bad(str(err)) from None
            if version is not None and (arxiv_id is None or not _VERSION_RE.match(version)):
                raise bad(f"arxiv_version {version!r} must look like 'v2' and needs an arxiv_id")
            if digest is not None and not _SHA256_RE.match(digest):
                raise bad(f"sha256 {digest!r} is not 64 hex digits")
            title = " ".join((raw.get("title_guess") or "").split()) or None
            rows[name] = ManifestRow(name, arxiv_id, version, digest, title, row=n)
    return rows


class DirSource:
    """Papers from a local folder of PDFs (``*.pdf``, not recursive), e.g. a mirror.

    Ids, in order of trust: ``manifest.csv`` beside the PDFs, or else in the folder above them
    (the ``shared/corpus/{manifest.csv,pdfs/}`` layout; columns as that manifest), the file name (``1512.03385v1.pdf``), the arXiv stamp on
    page 1; else ``id_source="none"`` and ``paper_id="file:<sha256[:16]>"``.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def list_papers(self) -> list[PaperRef]:
        """Return one :class:`PaperRef` per PDF, sorted by file name.

        Hashes every file (SHA-256) and reads page 1 of files whose id is otherwise unknown.
        Raises :class:`SourceError` if the folder is missing, :class:`ManifestError` for a bad
        manifest row or a manifest sha256 that differs from the file's bytes. A PDF that cannot
        be opened never raises; it gets ``id_source="none"``.
        """
        if not self.path.is_dir():
            raise SourceError(f"paper folder {self.path} does not exist or is not a folder: create "
                              "it and put PDFs in it, or pass dir:PATH naming an existing folder",
                              path=str(self.path))
        manifest_path = self.path / "manifest.csv"
        if not manifest_path.is_file():
            manifest_path = self.path.parent / "manifest.csv"  # corpus layout: pdfs/ + manifest.csv
        manifest = read_manifest(manifest_path) if manifest_path.is_file() else {}
        pdfs = sorted(p for p in self.path.iterdir() if p.suffix.lower() == ".pdf" and p.is_file())
        return [self._ref(p, manifest.get(p.name), manifest_path) for p in pdfs]

    def _ref(self, pdf: Path, row: ManifestRow | None, manifest_path: Path) -> PaperRef:
        digest = sha256_file(pdf)
        if row is not None and row.sha256 is not None and row.sha256 != digest:
            raise ManifestError(f"manifest row {row.row} says {pdf.name} has sha256 {row.sha256[:12]}..., "
                                f"the file has {digest[:12]}...: regenerate {manifest_path.name} "
                                "or remove the row", row=row.row, path=str(pdf))
        found, id_source = None, "none"
        if row is not None and row.arxiv_id:
            found, id_source = (row.arxiv_id, row.version), "manifest"
        elif (parsed := parse_arxiv_filename(pdf.stem)) is not None:
            found, id_source = parsed, "filename"
        elif (stamped := read_stamp(pdf)) is not None:
            found, id_source = stamped, "stamp"
        arxiv_id, version = found if found else (None, None)
        return PaperRef(
            source="dir", paper_id=arxiv_id or f"file:{digest[:16]}", arxiv_id=arxiv_id,
            version=version, title=row.title if row else None,
            abs_url=f"{ARXIV_ABS_URL}/{arxiv_id}{version or ''}" if arxiv_id else None,
            local_path=pdf, sha256=digest, id_source=id_source)

    def fetch_pdf(self, ref: PaperRef) -> PaperRef:
        """Return ``ref`` unchanged: a listed PDF is already local (same call as ArxivSource).

        Raises :class:`FetchError` when its ``local_path`` is gone."""
        if ref.local_path is None or not Path(ref.local_path).is_file():
            raise FetchError(f"{ref.paper_id}: local PDF missing; list the folder again",
                             path=None if ref.local_path is None else str(ref.local_path))
        return ref
