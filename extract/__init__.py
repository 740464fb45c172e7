"""PDF extraction: findings with provenance (see :mod:`extract.models`).

Public API::

    from extract import extract_pdf, ExtractSettings, EXTRACTOR_VERSION, load_chips, find_chips
    result = extract_pdf("paper.pdf")            # -> DocumentResult, never raises for a bad PDF
    for f in result.findings: print(f.kind, f.value, f.page, f.bbox, f.source_text)

Importing touches neither disk nor network: the chip table is read on first use.
"""

from extract.chips import Chip, ChipMention, chip_by_key, find_chips, load_chips
from extract.models import BENCHMARK_METRICS, DOCUMENT_STATUSES, KINDS, DocumentResult, Finding
from extract.pipeline import extract_pdf
from extract.settings import ExtractSettings
from extract.version import EXTRACTOR_VERSION

__all__ = [
    "BENCHMARK_METRICS", "Chip", "ChipMention", "DOCUMENT_STATUSES", "DocumentResult", "EXTRACTOR_VERSION",
    "ExtractSettings", "Finding", "KINDS", "chip_by_key", "extract_pdf", "find_chips", "load_chips",
]
