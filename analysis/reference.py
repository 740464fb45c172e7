"""Read the hand-curated data of Thompson, Greenewald, Lee & Manso (2022) into observations.

Source: *The Computational Limits of Deep Learning* (arXiv 2007.05558 v2), data published in
MIT-FutureTech/TheComputationalLimitsOfDeepLearning (commit 62f1e4d, GPL-3.0), one CSV per
benchmark. Layout (../shared/README.md): four header rows (row 1 holds the flat column names),
then one row per model. Definitions used by the authors and kept here:

* ops per forward pass = ``flops``, else 2 x ``multiadds`` (1 multiply-add = 2 FLOP);
* network operations (``network_operations``) = ops per forward pass x ``fp_bp_ratio`` (3) x
  epochs x training-set size;
* hardware burden (``hardware_burden``) = sum over chip types of count x FP32 peak GFLOP/s x 1e9
  x ``time_total_sec`` (TPUs per board).

The two derived measures are taken as published (they are part of the curated data); the
components are kept alongside, and the whole row is stored as JSON for traceability.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warehouse.db import stable_id

#: Source tag of observations imported from the published data.
SOURCE = "thompson2022"

#: Reference file -> benchmark key.
REFERENCE_FILES: dict[str, str] = {
    "image-classification-on-imagenet.csv": "imagenet",
    "object-detection-on-coco.csv": "coco",
    "question-answering-on-squad-1-1.csv": "squad11",
    "named-entity-recognition-on-conll-2003.csv": "conll2003",
    "machine-translation-on-wmt2014-en-fr.csv": "wmt14_en_fr",
    "machine-translation-on-wmt2014-en-de.csv": "wmt14_en_de",
}

#: Reference metric column -> metric key (columns not listed, e.g. AP50, are not imported).
METRIC_COLUMNS: dict[str, str] = {
    "(TOP 1 score)": "top1",
    "(TOP 5 score)": "top5",
    "(BOX AP)": "box_ap",
    "(EM score)": "em",
    "(F1 score)": "f1",
    "(BLEU)": "bleu",
}

#: Number of header rows before the data (row 1: flat names; rows 2-4: group labels).
HEADER_ROWS = 4

_ARXIV_LINK_RE = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?", re.I)
_PHASES = ("training_", "pretraining_", "finetuning_")
_CHIPS = ("gpu", "tpu", "cpu")


class ReferenceError(ValueError):
    """The reference folder or one of its files is not in the expected layout."""


def parse_number(text: str | None) -> float | None:
    """Given a cell like ``"4.32E+05"``, ``"1,280,000"`` or ``""``, return a float or None.

    Thousands separators and surrounding spaces are ignored; a cell that is not a number
    (``"n/a"``, ``"?"``) gives None.
    """
    if text is None:
        return None
    t = text.strip().replace(",", "")
    if not t:
        return None
    try:
        return float(t)
    except ValueError:
        return None


def normalise_title(title: str) -> str:
    """Given a paper title, return a key: lower case, letters and digits only, single spaces."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", title.lower()).split())


def arxiv_id_from_link(link: str | None) -> str | None:
    """Given a paper link such as ``https://arxiv.org/pdf/2205.01917v1.pdf``, return ``2205.01917``."""
    if not link:
        return None
    m = _ARXIV_LINK_RE.search(link)
    return m.group(1) if m else None


def first_chip(row: dict[str, str]) -> tuple[str | None, float | None, float | None]:
    """Given a reference CSV row (flat column name -> cell text), return (chip model, count, FP32
    peak FLOP/s per chip) of the first phase (training, pre-training, fine-tuning) and chip type
    (GPU, TPU, CPU) that names a model or a non-zero count; (None, None, None) when none does."""
    for ph in _PHASES:
        for chip in _CHIPS:
            model = (row.get(f"{ph}{chip}_model") or "").strip()
            amount = parse_number(row.get(f"{ph}{chip}_amount"))
            gflops = parse_number(row.get(f"{ph}{chip}_ptp_gflops"))
            if model or amount:
                return model or None, amount, gflops * 1e9 if gflops is not None else None
    return None, None, None


def first_value(row: dict[str, str], suffix: str) -> float | None:
    """Given a reference CSV row and a column suffix (``time_total_sec``, ``epochs``), return the
    number of the first phase (training, pre-training, fine-tuning) that has one, else None."""
    for ph in _PHASES:
        v = parse_number(row.get(ph + suffix))
        if v is not None:
            return v
    return None


def read_reference_file(path: Path) -> list[dict[str, Any]]:
    """Read one reference CSV and return observation dicts, one per (model row, metric with a score).

    Keys are those of :data:`warehouse.load.OBSERVATION_COLUMNS` except ``imported_at``.
    Scores are percent (ImageNet top-1/top-5 as accuracy) or BLEU points, as in the file.

    Raises:
        ReferenceError: the file name is not one of :data:`REFERENCE_FILES`, or its first row
            lacks the ``name`` column.
    """
    benchmark = REFERENCE_FILES.get(path.name)
    if benchmark is None:
        raise ReferenceError(f"{path}: not a known reference file; expected one of {sorted(REFERENCE_FILES)}")
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    if not rows or not rows[0] or rows[0][0] != "name":
        raise ReferenceError(f"{path}: first header row must start with 'name' (layout in ../shared/README.md)")
    header = rows[0]
    metric_cols = [(c, METRIC_COLUMNS[c]) for c in header if c in METRIC_COLUMNS]
    out: list[dict[str, Any]] = []
    for line_no, values in enumerate(rows[HEADER_ROWS:], start=HEADER_ROWS + 1):
        if not any(v.strip() for v in values):
            continue
        row = dict(zip(header, values))
        name = (row.get("name") or "").strip()
        if not name:
            continue
        title = (row.get("title") or "").strip() or None
        link = (row.get("paper_link") or "").strip() or None
        arxiv_id = arxiv_id_from_link(link)
        paper_key = arxiv_id or (normalise_title(title) if title else normalise_title(name))
        flops = parse_number(row.get("flops"))
        multiadds = parse_number(row.get("multiadds"))
        ops = flops if flops is not None else (2.0 * multiadds if multiadds is not None else None)
        chip_model, chip_count, peak = first_chip(row)
        year = parse_number(row.get("year"))
        for col, metric in metric_cols:
            score = parse_number(row.get(col))
            if score is None:
                continue
            out.append({
                "observation_id": stable_id("observation", SOURCE, path.name, line_no, benchmark, metric),
                "source": SOURCE,
                "source_file": path.name,
                "source_row": line_no,
                "paper_key": paper_key,
                "arxiv_id": arxiv_id,
                "title": title,
                "paper_link": link,
                "model_name": name,
                "year": int(year) if year is not None else None,
                "benchmark": benchmark,
                "metric": metric,
                "score": score,
                "ops_per_forward_pass_flop": ops,
                "parameters": parse_number(row.get("parameters")),
                "epochs": first_value(row, "epochs"),
                "training_set_size": first_value(row, "set_size"),
                "training_time_s": first_value(row, "time_total_sec"),
                "chip_model": chip_model,
                "chip_count": chip_count,
                "peak_flops_per_s": peak,
                "network_operations_flop": parse_number(row.get("network_operations")),
                "hardware_burden_flop": parse_number(row.get("hardware_burden")),
                "finding_ids": None,
                "raw": json.dumps({k: v for k, v in row.items() if v.strip()}, ensure_ascii=False),
            })
    return out


@dataclass
class ReferenceImport:
    """Observations read from a reference folder.

    Attributes:
        rows: observation dicts (see :func:`read_reference_file`).
        files: file name -> number of observations read from it.
    """

    rows: list[dict[str, Any]]
    files: dict[str, int]


def read_reference_dir(folder: str | Path) -> ReferenceImport:
    """Read every known reference CSV in ``folder``.

    Raises:
        ReferenceError: the folder does not exist or holds none of :data:`REFERENCE_FILES`.
    """
    d = Path(folder)
    if not d.is_dir():
        raise ReferenceError(
            f"reference folder not found: {d} (expected e.g. ../shared/reference/thompson2022)"
        )
    rows: list[dict[str, Any]] = []
    files: dict[str, int] = {}
    for name in REFERENCE_FILES:
        p = d / name
        if p.exists():
            got = read_reference_file(p)
            rows.extend(got)
            files[name] = len(got)
    if not files:
        raise ReferenceError(f"{d} holds none of the reference files {sorted(REFERENCE_FILES)}")
    return ReferenceImport(rows, files)
