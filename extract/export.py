"""Export assembled observations: in the layout of Thompson et al.'s published data, or plain.

``thompson2022``: one CSV per benchmark, with the file names and the flat column names (the
first header row; one header row only) of the published data (MIT-FutureTech/
TheComputationalLimitsOfDeepLearning, commit 62f1e4d; see ../shared/README.md), one row per
(paper, model, benchmark) with its metrics side by side. Conventions of that layout kept here:
``flops`` holds FLOP per forward pass, or, when the paper wrote multiply-adds, ``multiadds``
holds them (ops / 2) and ``flops`` stays empty; ``fp_bp_ratio`` is 3; ``*_ptp_gflops`` is the FP32
peak in GFLOP/s per chip (TPUs per board); ``time_total_sec`` in seconds; values go to the
``pretraining_`` columns when the statement was about pre-training, else ``training_``;
``paper_link`` is the arXiv abstract URL; ``comments`` lists the finding ids behind the row with
how each was found (method, confidence, link reason).

``csv`` / ``parquet``: the observation rows as assembled (columns of the ``observations``
table), in ``observations.csv`` (``finding_ids`` joined with ``;``) or ``observations.parquet``.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

#: Output formats.
FORMATS: tuple[str, ...] = ("thompson2022", "csv", "parquet")

_PHASE_COLS = ("epochs", "set_size", "dataset", "time_total", "time_total_sec", "time_tpu_core_days",
               "gpu_model", "gpu_amount", "gpu_ptp_gflops", "tpu_model", "tpu_amount", "tpu_ptp_gflops",
               "cpu_model", "cpu_amount", "cpu_ptp_gflops")
_HEAD = ("name", "year", "parameters", "title", "paper_with_code", "paper_link", "flops", "multiadds", "fp_bp_ratio")
_PHASES = tuple(f"{ph}{c}" for ph in ("training_", "pretraining_", "finetuning_") for c in _PHASE_COLS)

#: File name -> (benchmark key, flat column names of the published file, metric column -> metric).
LAYOUT: dict[str, tuple[str, tuple[str, ...], dict[str, str]]] = {
    "image-classification-on-imagenet.csv": (
        "imagenet",
        _HEAD + _PHASES + ("network_operations", "hardware_burden", "log10net", "log10hw", "computing_power",
                           "comments", "relevant", "(TOP 1 score)", "(TOP 5 score)"),
        {"(TOP 1 score)": "top1", "(TOP 5 score)": "top5"}),
    "object-detection-on-coco.csv": (
        "coco",
        _HEAD + _PHASES + ("network_operations", "hardware_burden", "lo10net", "log10hw", "computing_power",
                           "comments", "(BOX AP)", "(AP50)", "(AP75)", "(APS)", "(APM)", "(APL)"),
        {"(BOX AP)": "box_ap"}),
    "question-answering-on-squad-1-1.csv": (
        "squad11", _HEAD + _PHASES + ("network_operations", "hardware_burden", "comments", "(EM score)", "(F1 score)"),
        {"(EM score)": "em", "(F1 score)": "f1"}),
    "named-entity-recognition-on-conll-2003.csv": (
        "conll2003", _HEAD + _PHASES + ("network_operations", "hardware_burden", "comments", "(F1 score)"),
        {"(F1 score)": "f1"}),
    "machine-translation-on-wmt2014-en-fr.csv": (
        "wmt14_en_fr", _HEAD + _PHASES + ("network_operations", "hardware_burden", "comments", "(BLEU)", "(SACREBLEU)"),
        {"(BLEU)": "bleu"}),
    "machine-translation-on-wmt2014-en-de.csv": (
        "wmt14_en_de", _HEAD + _PHASES + ("network_operations", "hardware_burden", "comments", "(BLEU)", "(SACREBLEU)"),
        {"(BLEU)": "bleu"}),
}


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return f"{v:.6g}" if abs(v) < 1e6 else f"{v:.4E}"
    return str(v)


def _human_time(seconds: float) -> str:
    for unit, s in (("weeks", 604800.0), ("days", 86400.0), ("hours", 3600.0), ("minutes", 60.0)):
        if seconds >= s and abs(seconds / s - round(seconds / s, 2)) < 1e-9:
            return f"{seconds / s:g} {unit}"
    return f"{seconds:g} s"


def thompson_rows(observations: list[dict[str, Any]], benchmark: str, columns: tuple[str, ...],
                  metric_cols: dict[str, str]) -> list[dict[str, str]]:
    """Given observation dicts (columns of :data:`extract.observations.COLUMNS`), a benchmark key and
    the layout of its file, return the CSV rows (column -> text), one per (paper, model): metrics
    side by side, compute fields from the first metric row that has them."""
    from extract.chips import load_chips

    chips = {c.key: c for c in load_chips()}
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for o in observations:
        if o["benchmark"] == benchmark:
            groups.setdefault((o["paper_key"], o["model_name"]), []).append(o)
    out: list[dict[str, str]] = []
    for (_pk, model), obs in groups.items():
        row = {c: "" for c in columns}
        first = obs[0]
        raw = [json.loads(o["raw"]) if isinstance(o.get("raw"), str) else (o.get("raw") or {}) for o in obs]
        links: dict[str, dict] = {}
        for r in raw:
            for k, v in (r.get("links") or {}).items():
                links.setdefault(k if k != "score" else f"score:{len(links)}", v)

        def pick(col: str) -> Any:
            return next((o[col] for o in obs if o.get(col) is not None), None)

        row.update({"name": model, "year": _fmt(first.get("year")), "title": first.get("title") or "",
                    "paper_link": first.get("paper_link") or "", "fp_bp_ratio": "3"})
        row["parameters"] = _fmt(pick("parameters"))
        ops = pick("ops_per_forward_pass_flop")
        if ops is not None:
            rep = (links.get("ops_per_forward_pass") or {}).get("reported_as") or ""
            if rep.startswith("multiply-adds"):
                row["multiadds"] = _fmt(ops / 2.0)
            else:
                row["flops"] = _fmt(ops)
        for kind, col in (("epochs", "epochs"), ("training_set_size", "set_size"), ("training_time", "time_total_sec")):
            v = pick({"training_time": "training_time_s"}.get(kind, kind))
            if v is None:
                continue
            phase = "pretraining_" if (links.get(kind) or {}).get("phase") == "pretraining" else "training_"
            row[phase + col] = _fmt(v)
            if kind == "training_time":
                row[phase + "time_total"] = _human_time(float(v))
        chip_key, count = pick("chip_model"), pick("chip_count")
        if chip_key is not None or count is not None:
            chip = chips.get(chip_key) if chip_key else None
            kind = chip.kind if chip is not None else "gpu"
            phase = "pretraining_" if (links.get("chip_count") or links.get("chip_model") or {}).get("phase") == "pretraining" else "training_"
            if chip is not None:
                row[f"{phase}{kind}_model"] = chip.model
                if chip.peak_fp32_flops_per_s:
                    row[f"{phase}{kind}_ptp_gflops"] = _fmt(chip.peak_fp32_flops_per_s / 1e9)
            if count is not None:
                row[f"{phase}{kind}_amount"] = _fmt(count)
        net, hw = pick("network_operations_flop"), pick("hardware_burden_flop")
        row["network_operations"], row["hardware_burden"] = _fmt(net), _fmt(hw)
        for lc in ("log10net", "lo10net"):
            if lc in row and net:
                row[lc] = f"{math.log10(net):.4f}"
        if "log10hw" in row and hw:
            row["log10hw"] = f"{math.log10(hw):.4f}"
        for col, metric in metric_cols.items():
            row[col] = _fmt(next((o["score"] for o in obs if o["metric"] == metric), None))
        notes = []
        for k, v in links.items():
            notes.append(f"{k.split(':')[0]}={v['finding_id']} ({v.get('method')}, confidence {v.get('confidence')}, {v.get('reason')})")
        src = {o["source"] for o in obs}
        row["comments"] = f"{'/'.join(sorted(src))}; " + "; ".join(notes)
        out.append(row)
    return out


def export_thompson(observations: list[dict[str, Any]], out_dir: str | Path) -> dict[str, int]:
    """Write one CSV per benchmark into ``out_dir`` (created if needed), in the published layout
    (module docstring), and return file name -> rows written (files with no rows are still
    written, header only)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name, (bench, columns, metric_cols) in LAYOUT.items():
        rows = thompson_rows(observations, bench, columns, metric_cols)
        with (out / name).open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(columns))
            w.writeheader()
            w.writerows(rows)
        counts[name] = len(rows)
    return counts


def export_plain(df, out_dir: str | Path, fmt: str) -> Path:
    """Given the observations DataFrame (polars) and ``fmt`` ``csv`` or ``parquet``, write
    ``observations.<fmt>`` into ``out_dir`` and return its path.

    Raises:
        ValueError: for another format.
    """
    import polars as pl

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        p = out / "observations.parquet"
        df.write_parquet(p)
    elif fmt == "csv":
        p = out / "observations.csv"
        df.with_columns(pl.col("finding_ids").list.join(";")).write_csv(p)
    else:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    return p
