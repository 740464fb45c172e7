"""Extraction settings: a validated dataclass with named defaults."""

from __future__ import annotations

from dataclasses import dataclass

#: Default page limit: longer documents (theses, books) are skipped with status ``too_many_pages``.
DEFAULT_MAX_PAGES = 200
#: Fewer non-space characters than this over the whole document means ``no_text_layer``.
DEFAULT_MIN_TEXT_CHARS = 200


@dataclass(frozen=True)
class ExtractSettings:
    """How :func:`extract.extract_pdf` works.

    Attributes:
        max_pages: documents with more pages get status ``too_many_pages`` (int >= 1; default 200).
        min_text_chars: fewest non-space characters of text for a document to count as having a
            text layer (int >= 0; default 200).
        tables: read tables (True) or only sentences (False).
        sentences: read sentences (True) or only tables (False).
        min_confidence: drop findings below this confidence (0..1; default 0.0).
        pdfplumber_check: re-read every table-cell finding's box with pdfplumber (its own
            character parser, pdfminer) and compare with the text the pdfium path read: agreement
            raises confidence by 0.05 (score and ops cells) (to at most 0.95), disagreement halves it and records
            pdfplumber's text in ``context["pdfplumber_check"]`` (default True; about 0.2 s per
            page with table findings).

    Raises:
        ValueError: on construction, naming the field and what it allows.
    """

    max_pages: int = DEFAULT_MAX_PAGES
    min_text_chars: int = DEFAULT_MIN_TEXT_CHARS
    tables: bool = True
    sentences: bool = True
    min_confidence: float = 0.0
    pdfplumber_check: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.max_pages, int) or isinstance(self.max_pages, bool) or self.max_pages < 1:
            raise ValueError(f"max_pages must be an int >= 1, got {self.max_pages!r}")
        if not isinstance(self.min_text_chars, int) or isinstance(self.min_text_chars, bool) or self.min_text_chars < 0:
            raise ValueError(f"min_text_chars must be an int >= 0, got {self.min_text_chars!r}")
        for name in ("tables", "sentences", "pdfplumber_check"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be True or False, got {getattr(self, name)!r}")
        if not isinstance(self.min_confidence, (int, float)) or isinstance(self.min_confidence, bool) or not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError(f"min_confidence must be a number in [0, 1], got {self.min_confidence!r}")
