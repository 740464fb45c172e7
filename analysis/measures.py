"""Compute measures per observation, including a second hardware-burden convention after Epoch AI.

All measures are in FLOP (see the table in :data:`MEASURES`):

==========================  =====================================================================
measure                     definition
==========================  =====================================================================
ops_per_forward_pass        FLOP of one forward pass (``flops``, else 2 x multiply-adds)
network_operations          ops per forward pass x 3 (forward + backward) x epochs x training-set size
hardware_burden             sum over chip types of chips x FP32 peak FLOP/s x training seconds
                            (Thompson et al. 2022; published values kept for reference rows)
hardware_burden_epoch       chips x peak FLOP/s *at the precision used* x utilisation x seconds
                            (Epoch AI, Sevilla et al. 2022, utilisation 0.4 by default)
==========================  =====================================================================

The Epoch convention on the reference rows is an approximation, because the published data give
FP32 peaks only and no precision: the published hardware burden is multiplied by
``peak_fp16 / peak_fp32`` of the row's (first) chip when the chip table
(``extract/data/chips.csv``) lists an FP16 peak for it and the model is from
``mixed_precision_from_year`` (2018) or later, i.e. mixed-precision training on tensor cores is
assumed; TPU peaks in the data are already bfloat16 (their native precision) and are kept; then
everything is multiplied by the utilisation. Rows with several chip types are scaled by the
factor of their first chip type. Each row records which precision was assumed.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from analysis.constants import EpochConvention

#: Compute measure -> observation column (FLOP). The first three are those of analysis.fits.
MEASURES: dict[str, str] = {
    "ops_per_forward_pass": "ops_per_forward_pass_flop",
    "network_operations": "network_operations_flop",
    "hardware_burden": "hardware_burden_flop",
    "hardware_burden_epoch": "hardware_burden_epoch_flop",
}

#: Forward + backward pass cost relative to a forward pass (Thompson et al. 2022, ``fp_bp_ratio``).
FP_BP_RATIO = 3.0


@dataclass(frozen=True)
class ChipPeak:
    """Peaks of one chip of the chip table.

    Attributes:
        key: chip_key of extract/data/chips.csv.
        pattern: compiled alias pattern (case-insensitive).
        kind: gpu, tpu or cpu.
        peak_fp32_flops_per_s, peak_fp16_flops_per_s: FLOP/s, None when not listed.
    """

    key: str
    pattern: re.Pattern[str]
    kind: str
    peak_fp32_flops_per_s: float | None
    peak_fp16_flops_per_s: float | None


def _opt(text: str | None) -> float | None:
    t = (text or "").strip()
    return float(t) if t else None


def parse_chip_table(text: str) -> list[ChipPeak]:
    """Given the text of chips.csv (header ``chip_key, ..., aliases, kind, peak_fp32_flops_per_s,
    peak_fp16_flops_per_s, ...``), return its rows in file order.

    Raises:
        ValueError: a needed column is missing.
    """
    rows = list(csv.DictReader(io.StringIO(text)))
    need = {"chip_key", "aliases", "kind", "peak_fp32_flops_per_s"}
    if rows and not need <= set(rows[0]):
        raise ValueError(f"chip table lacks columns {sorted(need - set(rows[0]))}")
    return [ChipPeak(r["chip_key"], re.compile(r["aliases"], re.I), r["kind"],
                     _opt(r.get("peak_fp32_flops_per_s")), _opt(r.get("peak_fp16_flops_per_s")))
            for r in rows]


def load_chip_table(path: str | Path | None = None) -> list[ChipPeak]:
    """Read the project's chip table (default: ``extract/data/chips.csv`` of the installed package).

    Returns an empty list when the table is absent (the Epoch convention then assumes FP32 for
    every GPU, see the module docstring). Never edits the file.
    """
    if path is not None:
        p = Path(path)
        return parse_chip_table(p.read_text(encoding="utf-8")) if p.exists() else []
    try:
        from importlib import resources

        ref = resources.files("extract").joinpath("data/chips.csv")
        if not ref.is_file():
            return []
        return parse_chip_table(ref.read_text(encoding="utf-8"))
    except (ImportError, FileNotFoundError):
        return []


def match_chip(name: str | None, table: list[ChipPeak]) -> ChipPeak | None:
    """Given a chip name as a source writes it (e.g. ``"Tesla V100 PCIe 32 GB"``), return the first
    chip of ``table`` whose alias pattern matches it, or None."""
    if not name:
        return None
    for c in table:
        if c.pattern.search(name):
            return c
    return None


def epoch_factor(chip_name: str | None, year: int | None, table: list[ChipPeak],
                 conv: EpochConvention) -> tuple[float, str]:
    """Return (precision factor relative to the FP32 peak, precision label) for one row.

    The label is ``fp16`` (GPU with a listed FP16 peak, year >= conv.mixed_precision_from_year),
    ``tpu_native`` (TPU: the data's peaks are bfloat16 already), or ``fp32`` (everything else,
    including unknown chips).
    """
    chip = match_chip(chip_name, table)
    if chip is not None and chip.kind == "tpu":
        return 1.0, "tpu_native"
    if (chip is not None and chip.kind == "gpu" and chip.peak_fp16_flops_per_s and chip.peak_fp32_flops_per_s
            and year is not None and year >= conv.mixed_precision_from_year):
        return chip.peak_fp16_flops_per_s / chip.peak_fp32_flops_per_s, "fp16"
    return 1.0, "fp32"


def with_measures(observations: pl.DataFrame, conv: EpochConvention | None = None,
                  chips: list[ChipPeak] | None = None) -> pl.DataFrame:
    """Return ``observations`` with every measure of :data:`MEASURES` filled in where possible.

    * network operations and hardware burden keep their stored (for reference rows: published)
      values; where they are NULL they are computed from their components (ops x 3 x epochs x set
      size; chips x peak x seconds);
    * ``hardware_burden_epoch_flop`` = hardware burden x precision factor x utilisation, and
      ``hardware_burden_epoch_precision`` (str) says which precision was assumed.

    Args:
        observations: the observations table (polars); needs the compute component columns.
        conv: the Epoch convention (default: :class:`EpochConvention` defaults, utilisation 0.4).
        chips: chip table (default: :func:`load_chip_table`).
    """
    conv = conv or EpochConvention()
    chips = load_chip_table() if chips is None else chips
    df = observations
    if df.height == 0:
        return df.with_columns(pl.lit(None, pl.Float64).alias("hardware_burden_epoch_flop"),
                               pl.lit(None, pl.Utf8).alias("hardware_burden_epoch_precision"))
    df = df.with_columns(
        pl.coalesce(pl.col("network_operations_flop"),
                    pl.col("ops_per_forward_pass_flop") * FP_BP_RATIO * pl.col("epochs") * pl.col("training_set_size"))
        .alias("network_operations_flop"),
        pl.coalesce(pl.col("hardware_burden_flop"),
                    pl.col("chip_count") * pl.col("peak_flops_per_s") * pl.col("training_time_s"))
        .alias("hardware_burden_flop"),
    )
    cache: dict[tuple[str | None, int | None], tuple[float, str]] = {}
    factors, labels = [], []
    for name, year in zip(df["chip_model"].to_list(), df["year"].to_list()):
        key = (name, year)
        if key not in cache:
            cache[key] = epoch_factor(name, year, chips, conv)
        f, lab = cache[key]
        factors.append(f)
        labels.append(lab)
    return df.with_columns(
        (pl.col("hardware_burden_flop") * pl.Series(factors, dtype=pl.Float64) * conv.utilisation)
        .alias("hardware_burden_epoch_flop"),
        pl.when(pl.col("hardware_burden_flop").is_not_null()).then(pl.Series(labels, dtype=pl.Utf8))
        .otherwise(None).alias("hardware_burden_epoch_precision"),
    )
