"""Hardware versus scale: split the hardware-burden ratio of two models into chips x time x per-chip peak.

Hardware burden = chips x peak FLOP/s per chip x training seconds (Thompson et al. 2022), so the
ratio between two models is exactly (chip-count ratio) x (training-time ratio) x (peak ratio) x
(other), where *other* is the published burden ratio divided by the product of the three: it is
1 when a row has one phase and one chip type, and differs when the published burden sums several
phases or chip types, or rounds. This is the calculation behind "of AlexNet -> NASNet-A's 1000x
more hardware burden, only 6x came from better chips" (about 500/2 chips x 4/6 of the time x
9.53/1.58 TFLOP/s per chip).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

#: Columns that must be present and positive for a model to enter a decomposition.
_NEEDED = ("hardware_burden_flop", "chip_count", "peak_flops_per_s", "training_time_s")


class DecomposeError(ValueError):
    """A model named for the decomposition is missing or lacks the hardware components."""


@dataclass(frozen=True)
class Decomposition:
    """Ratio of hardware burdens (to / from) and its factors (all dimensionless).

    Attributes:
        from_model, to_model: model names; from_year, to_year: their years.
        burden_ratio: published hardware burden ratio.
        chips_ratio, time_ratio, peak_ratio: the three factors.
        other_ratio: burden_ratio / (chips x time x peak) (1 for single-phase, single-chip rows).
        from_chip, to_chip: chip names as the data give them.
    """

    benchmark: str
    metric: str
    from_model: str
    to_model: str
    from_year: int | None
    to_year: int | None
    from_chip: str | None
    to_chip: str | None
    burden_ratio: float
    chips_ratio: float
    time_ratio: float
    peak_ratio: float
    other_ratio: float

    def sentence(self) -> str:
        """Return the one-line reading, e.g. "AlexNet -> NASNET-A(6): 1000x the hardware burden;
        chips 250x, time 0.67x, better chips (peak per chip) 6.0x"."""
        s = (f"{self.from_model} -> {self.to_model}: {self.burden_ratio:,.0f}x the hardware burden; "
             f"chip count {self.chips_ratio:,.3g}x, training time {self.time_ratio:.3g}x, "
             f"better chips (peak FLOP/s per chip, {self.from_chip} -> {self.to_chip}) {self.peak_ratio:.3g}x")
        if abs(self.other_ratio - 1) > 0.05:
            s += f", other (extra phases or chip types in the published burden) {self.other_ratio:.3g}x"
        return s


def _row(df: pl.DataFrame, model: str) -> dict:
    r = df.filter(pl.col("model_name") == model)
    if r.height == 0:
        near = df.filter(pl.col("model_name").str.to_lowercase().str.contains(model.lower()[:6], literal=True))
        hint = f"; similar names: {near['model_name'].unique().to_list()[:5]}" if near.height else ""
        raise DecomposeError(f"model {model!r} has no row with chip count, peak and training time{hint}")
    return r.row(0, named=True)


def decomposable(observations: pl.DataFrame, benchmark: str, metric: str) -> pl.DataFrame:
    """Return the observations of benchmark/metric with every hardware component present and > 0."""
    cond = (pl.col("benchmark") == benchmark) & (pl.col("metric") == metric)
    for c in _NEEDED:
        cond = cond & pl.col(c).is_not_null() & (pl.col(c) > 0)
    return observations.filter(cond)


def best_of_latest_year(observations: pl.DataFrame, benchmark: str, metric: str) -> str:
    """Return the model name with the best score in the latest year among decomposable rows.

    Raises:
        DecomposeError: no row has the hardware components.
    """
    df = decomposable(observations, benchmark, metric).filter(pl.col("year").is_not_null())
    if df.height == 0:
        raise DecomposeError(f"no {benchmark}/{metric} observation has chip count, peak and training time")
    latest = df["year"].max()
    return df.filter(pl.col("year") == latest).sort("score", descending=True)["model_name"][0]


def decompose(observations: pl.DataFrame, benchmark: str = "imagenet", metric: str = "top1",
              from_model: str = "AlexNet", to_model: str | None = None) -> Decomposition:
    """Decompose the hardware-burden ratio from ``from_model`` to ``to_model``.

    Args:
        observations: observations (polars) with hardware_burden_flop, chip_count,
            peak_flops_per_s (FLOP/s) and training_time_s (s).
        to_model: default :func:`best_of_latest_year`.

    Raises:
        DecomposeError: a model is missing or lacks a component.
    """
    df = decomposable(observations, benchmark, metric)
    to_model = to_model or best_of_latest_year(observations, benchmark, metric)
    a, b = _row(df, from_model), _row(df, to_model)
    burden = b["hardware_burden_flop"] / a["hardware_burden_flop"]
    chips = b["chip_count"] / a["chip_count"]
    time = b["training_time_s"] / a["training_time_s"]
    peak = b["peak_flops_per_s"] / a["peak_flops_per_s"]
    return Decomposition(benchmark, metric, from_model, to_model, a["year"], b["year"], a["chip_model"],
                         b["chip_model"], burden, chips, time, peak, burden / (chips * time * peak))
