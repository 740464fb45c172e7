"""Scaling-law fits of benchmark performance on computation (polars + scipy).

Model (Thompson et al. 2022, section 3): ``response = a + b * log10(C)`` by ordinary least squares,
where C is one compute measure in FLOP and the response is

* ``log10_error`` = log10(1 - score/100) for ImageNet (error as a fraction; top-1 and top-5);
* ``log10_inv_one_minus_score`` = log10(1 / (1 - score/100)) for COCO box AP, SQuAD EM/F1,
  CoNLL-2003 F1 and WMT BLEU (BLEU/100 as the score fraction), the form of the reference code.

The implied polynomial power is k = 1/|b|: compute must grow as (1/error)^k, so halving the
error takes 2^k times the compute. The slope CI is the analytic OLS interval (t distribution
with n-2 degrees of freedom).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import polars as pl
from scipy import stats

#: Version of the analysis code, stored with every fit.
ANALYSIS_VERSION = "0.2.0"

#: Compute measures (all in FLOP) -> observation column.
COMPUTE_MEASURES: dict[str, str] = {
    "ops_per_forward_pass": "ops_per_forward_pass_flop",
    "network_operations": "network_operations_flop",
    "hardware_burden": "hardware_burden_flop",
}

#: Benchmarks whose response is the log error (the rest use log10(1/(1 - score))).
ERROR_FORM_BENCHMARKS: frozenset[str] = frozenset({"imagenet"})

#: Fewest points a fit needs (two for a line, one more for a CI).
MIN_POINTS = 3


def response_name(benchmark: str) -> str:
    """Return the response form used for ``benchmark`` (see module docstring)."""
    return "log10_error" if benchmark in ERROR_FORM_BENCHMARKS else "log10_inv_one_minus_score"


def response_values(benchmark: str, score_pct: np.ndarray) -> np.ndarray:
    """Given scores in percent (or BLEU points), shape (n,), float64, return the response, shape (n,).

    Raises:
        ValueError: a score is outside (0, 100), where the logarithm is undefined.
    """
    s = np.asarray(score_pct, dtype=float) / 100.0
    if np.any((s <= 0) | (s >= 1)):
        raise ValueError(f"{benchmark}: scores must lie strictly between 0 and 100, got {score_pct[(s <= 0) | (s >= 1)]}")
    if benchmark in ERROR_FORM_BENCHMARKS:
        return np.log10(1.0 - s)
    return np.log10(1.0 / (1.0 - s))


@dataclass(frozen=True)
class OLSFit:
    """Result of :func:`fit_ols`.

    Attributes:
        n: number of points.
        slope, intercept: b and a of y = a + b x.
        slope_se: standard error of b.
        slope_ci_low, slope_ci_high: 95% CI of b (t, n-2 df).
        r2: coefficient of determination.
        implied_power_k: 1/|b| (inf when b == 0).
        k_ci_low, k_ci_high: CI of k from the slope CI; ``k_ci_high`` is None (unbounded)
            when the slope CI crosses 0.
    """

    n: int
    slope: float
    intercept: float
    slope_se: float
    slope_ci_low: float
    slope_ci_high: float
    r2: float
    implied_power_k: float
    k_ci_low: float | None
    k_ci_high: float | None


def implied_power_ci(lo: float, hi: float) -> tuple[float | None, float | None]:
    """Given the slope CI [lo, hi], return the CI of k = 1/|b|; the upper end is None when it crosses 0."""
    a, b = abs(lo), abs(hi)
    if lo <= 0 <= hi:
        far = max(a, b)
        return (1.0 / far if far > 0 else None), None
    return 1.0 / max(a, b), 1.0 / min(a, b)


def fit_ols(x: np.ndarray, y: np.ndarray, confidence: float = 0.95) -> OLSFit:
    """Fit y = a + b x by OLS.

    Args:
        x, y: shape (n,), float64; n >= 3 and x not constant.
        confidence: level of the slope CI.

    Raises:
        ValueError: fewer than 3 points or constant x.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(x)
    if n < MIN_POINTS:
        raise ValueError(f"need at least {MIN_POINTS} points, got {n}")
    if np.ptp(x) == 0:
        raise ValueError("x is constant: slope undefined")
    res = stats.linregress(x, y)
    t = stats.t.ppf(0.5 + confidence / 2, n - 2)
    lo, hi = res.slope - t * res.stderr, res.slope + t * res.stderr
    k_lo, k_hi = implied_power_ci(lo, hi)
    return OLSFit(
        n=n, slope=float(res.slope), intercept=float(res.intercept), slope_se=float(res.stderr),
        slope_ci_low=float(lo), slope_ci_high=float(hi), r2=float(res.rvalue**2),
        implied_power_k=(1.0 / abs(res.slope)) if res.slope != 0 else math.inf,
        k_ci_low=k_lo, k_ci_high=k_hi,
    )


def input_hash(ids: list[str], x: np.ndarray, y: np.ndarray) -> str:
    """Return the SHA-256 (hex) of the sorted (observation_id, x, y) triples, x and y to 12 digits."""
    h = hashlib.sha256()
    for oid, xi, yi in sorted(zip(ids, x.tolist(), y.tolist())):
        h.update(f"{oid}|{xi:.12g}|{yi:.12g}\n".encode())
    return h.hexdigest()


def fit_points(observations: pl.DataFrame, benchmark: str, metric: str, measure: str) -> pl.DataFrame:
    """Return the rows usable for one fit: a score in (0, 100) and a positive compute value.

    Columns: observation_id (str), x = log10(compute in FLOP) (f64), y = response (f64), plus
    the observation's paper_key, model_name, year, score.
    """
    col = COMPUTE_MEASURES[measure]
    df = observations.filter(
        (pl.col("benchmark") == benchmark) & (pl.col("metric") == metric)
        & pl.col(col).is_not_null() & (pl.col(col) > 0)
        & pl.col("score").is_not_null() & (pl.col("score") > 0) & (pl.col("score") < 100)
    )
    if df.height == 0:
        return df.with_columns(pl.lit(None, pl.Float64).alias("x"), pl.lit(None, pl.Float64).alias("y"))
    return df.with_columns(
        pl.col(col).log10().alias("x"),
        pl.Series("y", response_values(benchmark, df["score"].to_numpy())),
    )


def fit_all(observations: pl.DataFrame) -> list[dict[str, Any]]:
    """Fit every (benchmark, metric, compute measure) with at least :data:`MIN_POINTS` points.

    Args:
        observations: the ``observations`` table (polars), at least the columns observation_id,
            benchmark, metric, score and the compute columns of :data:`COMPUTE_MEASURES`.

    Returns:
        Dicts with the keys of ``warehouse.load.FIT_COLUMNS`` except fit_id, created_at and
        run_id, sorted by (benchmark, metric, compute_measure).
    """
    out: list[dict[str, Any]] = []
    if observations.height == 0:
        return out
    pairs = observations.select("benchmark", "metric").unique().sort("benchmark", "metric").iter_rows()
    for benchmark, metric in pairs:
        for measure in COMPUTE_MEASURES:
            pts = fit_points(observations, benchmark, metric, measure)
            if pts.height < MIN_POINTS or pts["x"].n_unique() < 2:
                continue
            x, y = pts["x"].to_numpy(), pts["y"].to_numpy()
            ids = pts["observation_id"].to_list()
            fit = fit_ols(x, y)
            out.append({
                "benchmark": benchmark, "metric": metric, "compute_measure": measure,
                "model_form": "polynomial", "response": response_name(benchmark),
                **asdict(fit),
                "input_hash": input_hash(ids, x, y), "code_version": ANALYSIS_VERSION,
                "observation_ids": sorted(ids),
            })
    return out
