"""Data records that extraction produces: :class:`Finding` and :class:`DocumentResult`.

Coordinates
-----------
All bounding boxes are ``(x0, top, x1, bottom)`` in PDF points (1/72 inch), origin at the
top-left corner of the page, as pdfplumber reports them. Pages are numbered from 1.

Kinds, units and value conventions
----------------------------------
=======================  ==============  ==========================================================
kind                     unit            value
=======================  ==============  ==========================================================
``ops_per_forward_pass`` ``FLOP``        operations for one forward pass of one example;
                                         1 multiply-add (MAC) = 2 FLOP
``parameters``           ``count``       number of trainable parameters
``chip_model``           ``chip``        ``value`` is None; ``value_text`` is the chip key of
                                         ``extract/data/chips.csv`` (e.g. ``nvidia-tesla-p100``)
``chip_count``           ``count``       number of chips used for training (TPUs per board as in the
                                         reference data: a "TPUv3 pod with 512 cores" -> 256 chips)
``training_time``        ``s``           wall-clock training time in seconds
``epochs``               ``epoch``       passes over the training set
``training_set_size``    ``examples``    number of training examples (images, sentence pairs ...)
``score``                ``%`` or        benchmark score; ``benchmark`` and ``metric`` say which.
                         ``BLEU``        ImageNet top-1/top-5 are stored as *accuracy* in percent
                                         (an error of 21.3% is stored as 78.7 with
                                         ``reported_as='error'``), box AP / EM / F1 in percent,
                                         BLEU in BLEU points.
=======================  ==============  ==========================================================

Benchmarks and metrics (``benchmark`` / ``metric``):
``imagenet``: ``top1``, ``top5``; ``coco``: ``box_ap``; ``squad11``: ``em``, ``f1``;
``conll2003``: ``f1``; ``wmt14_en_de`` and ``wmt14_en_fr``: ``bleu``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Finding kinds, in the order summaries print them.
KINDS: tuple[str, ...] = (
    "ops_per_forward_pass",
    "parameters",
    "chip_model",
    "chip_count",
    "training_time",
    "epochs",
    "training_set_size",
    "score",
)

#: The unit every kind is normalised to (see the module docstring).
KIND_UNITS: dict[str, tuple[str, ...]] = {
    "ops_per_forward_pass": ("FLOP",),
    "parameters": ("count",),
    "chip_model": ("chip",),
    "chip_count": ("count",),
    "training_time": ("s",),
    "epochs": ("epoch",),
    "training_set_size": ("examples",),
    "score": ("%", "BLEU"),
}

#: Benchmark -> metrics it reports, as in Thompson et al. (2022), reference CSVs.
BENCHMARK_METRICS: dict[str, tuple[str, ...]] = {
    "imagenet": ("top1", "top5"),
    "coco": ("box_ap",),
    "squad11": ("em", "f1"),
    "conll2003": ("f1",),
    "wmt14_en_de": ("bleu",),
    "wmt14_en_fr": ("bleu",),
}

#: Per-document statuses, with what each means.
DOCUMENT_STATUSES: dict[str, str] = {
    "ok": "text extracted and at least one finding",
    "no_findings": "text extracted, nothing the extractors recognise",
    "no_text_layer": "no extractable text (scanned or image-only PDF)",
    "parse_error": "the PDF could not be opened or parsed",
    "encrypted": "the PDF is encrypted and cannot be read without a password",
    "too_many_pages": "more pages than the configured limit; skipped",
    "timeout": "extraction exceeded the per-document time limit",
    "memory_limit": "extraction exceeded the per-document memory limit",
    "fetch_error": "the PDF could not be downloaded",
}


@dataclass(frozen=True)
class Finding:
    """One value a paper reports, with where it was read.

    Attributes:
        kind: one of :data:`KINDS`.
        value: the value normalised to ``unit`` (float64), or None for ``chip_model``.
        unit: the unit of ``value`` (see :data:`KIND_UNITS`).
        page: 1-based page number.
        bbox: ``(x0, top, x1, bottom)`` in PDF points, origin top-left, of the source text
            (the table cell or the words of the sentence match); None when unknown.
        source_text: the exact text the value was read from (a sentence, or the table row).
        extractor: name of the rule that produced it, e.g. ``"table.score"``.
        extractor_version: version string of that rule set.
        value_text: textual value (chip key for ``chip_model``), else None.
        model_label: the model the value belongs to (table row label, e.g. ``"ResNet-152"``),
            None for paper-level statements.
        benchmark: benchmark key (:data:`BENCHMARK_METRICS`) for scores, else None.
        metric: metric key for scores, else None.
        reported_as: how the paper wrote it when it differs from the stored convention
            (``"error"``, ``"multiply-adds"``, ``"GFLOPs"``, ``"days"`` ...), else None.
        method: how it was found: ``"table_cell"`` (a cell under a matching header),
            ``"sentence"`` (a sentence pattern), ...
        confidence: 0..1, how sure the rule is.
        context: free-form extra facts (JSON-serialisable dict), e.g. table header, column.
    """

    kind: str
    value: float | None
    unit: str
    page: int
    bbox: tuple[float, float, float, float] | None
    source_text: str
    extractor: str
    extractor_version: str
    value_text: str | None = None
    model_label: str | None = None
    benchmark: str | None = None
    metric: str | None = None
    reported_as: str | None = None
    method: str = "sentence"
    confidence: float = 0.5
    context: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown finding kind {self.kind!r}; allowed: {', '.join(KINDS)}")
        if self.unit not in KIND_UNITS[self.kind]:
            raise ValueError(
                f"unit {self.unit!r} not allowed for kind {self.kind!r}; allowed: {KIND_UNITS[self.kind]}"
            )
        if self.page < 1:
            raise ValueError(f"page must be >= 1, got {self.page}")
        if self.kind == "score":
            metrics = BENCHMARK_METRICS.get(self.benchmark or "")
            if metrics is None or self.metric not in metrics:
                raise ValueError(
                    f"score needs a known benchmark/metric, got {self.benchmark!r}/{self.metric!r}"
                )

    def as_dict(self) -> dict[str, Any]:
        """Return the finding as a plain dict (bbox as a list), for loading and JSON."""
        d = asdict(self)
        d["bbox"] = list(self.bbox) if self.bbox is not None else None
        return d


@dataclass
class DocumentResult:
    """What extraction made of one PDF.

    Attributes:
        status: one of :data:`DOCUMENT_STATUSES`.
        reason: human-readable detail for any status other than ``ok`` (None for ok).
        pages: number of pages (0 when the PDF could not be opened).
        findings: the findings, in page order.
        arxiv_stamp: the arXiv margin stamp read on page 1 (e.g. ``"1512.03385v1"``), if any.
        title: a best guess of the title from page 1 (first text lines), if any.
        seconds: wall time of the extraction, in seconds.
        pages_analysed: how many pages went through pdfplumber's layout/table analysis.
    """

    status: str
    reason: str | None = None
    pages: int = 0
    findings: list[Finding] = field(default_factory=list)
    arxiv_stamp: str | None = None
    title: str | None = None
    seconds: float = 0.0
    pages_analysed: int = 0
