"""Extrapolate a fitted law to target errors: compute needed, with intervals, and its energy, CO2 and cost.

For a line ``g(err) = a + b x`` (x = log10 compute in FLOP; g = log10(err) for ImageNet,
-log10(err) elsewhere, 1/err for the exponential form) the compute needed for a target error is
x* = (g(target) - a) / b. Intervals:

* ``ci``: bootstrap percentile interval of x* over the case-bootstrap resamples (uncertainty of
  the fitted line);
* ``pi`` (OLS forms only): the inverse prediction interval, the x where g(target) lies inside the
  prediction interval of a new model (what a single next model may need); None at an end when
  the slope is not significant enough for the set to be bounded.

Cost, energy and carbon use the constants of ``analysis/constants.toml`` (reference chip NVIDIA
V100; cloud price AWS p3.2xlarge on demand; PUE 1.58 and 0.954 lbs CO2e/kWh after Strubell et al.
2019). Chip-seconds are compute / peak for the hardware burden (FP32 peak x time by definition),
compute / (FP16 peak x utilisation) for FLOP actually performed (network operations and the
Epoch-convention burden); ops per forward pass is not a training cost and gets no cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from analysis import models
from analysis.constants import Constants, FitSettings
from analysis.fits import ERROR_FORM_BENCHMARKS
from analysis.forms import estimate, form_data, points

#: Forms that can be extrapolated (a line in x without a year term).
EXTRAPOLATABLE_FORMS: tuple[str, ...] = ("polynomial", "exponential", "quantile", "record_frontier", "huber")


@dataclass(frozen=True)
class Extrapolation:
    """Compute and cost needed for one target error.

    Attributes:
        benchmark, metric, measure, form: what was extrapolated.
        target_error_pct: target error in percent (100 - score).
        log10_compute: x* = log10 of the compute needed (FLOP), point estimate.
        ci_low, ci_high: bootstrap percentile interval of x* (log10 FLOP); NaN without bootstrap.
        pi_low, pi_high: inverse prediction interval of x* (log10 FLOP); None = unbounded or n/a.
        chip_hours, energy_kwh, co2_kg, cost_usd: at the point estimate on the reference chip;
            None for ops per forward pass.
        cost_usd_ci: (low, high) cost at the ends of the bootstrap interval, or None.
        n: points in the fit.
    """

    benchmark: str
    metric: str
    measure: str
    form: str
    target_error_pct: float
    log10_compute: float
    ci_low: float
    ci_high: float
    pi_low: float | None
    pi_high: float | None
    chip_hours: float | None
    energy_kwh: float | None
    co2_kg: float | None
    cost_usd: float | None
    cost_usd_ci: tuple[float, float] | None
    n: int


def response_of_error(benchmark: str, form: str, err: float) -> float:
    """Given an error fraction in (0, 1), return the form's response g(err)."""
    if not 0 < err < 1:
        raise ValueError(f"target error must lie in (0, 100) percent, got {err * 100}")
    if form == "exponential":
        return 1.0 / err
    return math.log10(err) if benchmark in ERROR_FORM_BENCHMARKS else -math.log10(err)


def chip_seconds(log10_compute: float, measure: str, consts: Constants) -> float | None:
    """Return reference-chip seconds for compute 10^x in ``measure`` (None for ops per forward pass).

    Raises:
        ValueError: unknown measure.
    """
    c = consts.cost
    if measure == "hardware_burden":
        per_s = c.peak_fp32_flop_per_s
    elif measure in ("network_operations", "hardware_burden_epoch"):
        per_s = c.peak_fp16_flop_per_s * consts.epoch.utilisation
    elif measure == "ops_per_forward_pass":
        return None
    else:
        raise ValueError(f"unknown compute measure {measure!r}")
    return 10.0 ** (log10_compute - math.log10(per_s))


def costs(log10_compute: float, measure: str, consts: Constants) -> dict[str, float | None]:
    """Return chip_hours, energy_kwh (chip power x PUE), co2_kg and cost_usd for compute 10^x."""
    s = chip_seconds(log10_compute, measure, consts)
    if s is None:
        return {"chip_hours": None, "energy_kwh": None, "co2_kg": None, "cost_usd": None}
    c = consts.cost
    h = s / 3600.0
    kwh = h * c.power_w / 1000.0 * c.pue
    return {"chip_hours": h, "energy_kwh": kwh, "co2_kg": kwh * c.co2_lbs_per_kwh * c.kg_per_lb,
            "cost_usd": h * c.price_usd_per_chip_hour}


def inverse_prediction_interval(res: models.OLSResult, g: float, confidence: float = 0.95) -> tuple[float | None, float | None]:
    """Return the x where g lies within the OLS prediction interval of a line y = a + b x.

    Solves (g - a - b x)^2 = t^2 s^2 (1 + v(x)), v(x) = [1, x] (X'X)^-1 [1, x]'. When the
    quadratic's leading coefficient is not positive (slope not significant at this level) the
    set is unbounded and (None, None) is returned.
    """
    from scipy import stats

    a, b = res.beta[:2]
    V = res.xtx_inv
    k = stats.t.ppf(0.5 + confidence / 2, res.df) ** 2 * res.resid_se ** 2
    d = g - a
    A = b * b - k * V[1, 1]
    B = -2 * d * b - 2 * k * V[0, 1]
    C = d * d - k * (1 + V[0, 0])
    disc = B * B - 4 * A * C
    if A <= 0 or disc < 0:
        return None, None
    r = math.sqrt(disc)
    lo, hi = sorted(((-B - r) / (2 * A), (-B + r) / (2 * A)))
    return lo, hi


def extrapolate(observations: pl.DataFrame, benchmark: str, metric: str, measure: str,
                targets_pct: list[float], consts: Constants, form: str = "polynomial",
                settings: FitSettings | None = None) -> list[Extrapolation]:
    """Extrapolate one fit to each target error.

    Args:
        observations: observations with every measure (:func:`analysis.measures.with_measures`).
        targets_pct: target errors in percent (100 - score), each in (0, 100).
        consts: constants (cost, energy, fit settings).
        form: one of :data:`EXTRAPOLATABLE_FORMS`.

    Raises:
        ValueError: unknown form, or too few points to fit.
    """
    if form not in EXTRAPOLATABLE_FORMS:
        raise ValueError(f"form {form!r} cannot be extrapolated; choose one of {EXTRAPOLATABLE_FORMS}")
    settings = settings or consts.fit
    prepared = form_data(points(observations, benchmark, metric, measure), form, settings)
    if prepared is None:
        raise ValueError(f"too few points to fit {benchmark}/{metric} on {measure} ({form})")
    _, X, y = prepared
    W = models.bootstrap_counts(len(y), settings.bootstrap_reps, f"bootstrap|{benchmark}|{metric}|{measure}|{form}")
    beta, boot, res, _ = estimate(form, X, y, settings, W)
    out = []
    for t in targets_pct:
        g = response_of_error(benchmark, form, t / 100.0)
        x_star = (g - beta[0]) / beta[1]
        with np.errstate(divide="ignore", invalid="ignore"):
            xs = (g - boot[:, 0]) / boot[:, 1]
        lo, hi = models.percentile_ci(xs, settings.confidence) if len(boot) else (float("nan"), float("nan"))
        pi = inverse_prediction_interval(res, g, settings.confidence) if res is not None else (None, None)
        c = costs(x_star, measure, consts)
        cost_ci = None
        if c["cost_usd"] is not None and np.isfinite(lo):
            cost_ci = (costs(lo, measure, consts)["cost_usd"], costs(hi, measure, consts)["cost_usd"])
        out.append(Extrapolation(benchmark, metric, measure, form, t, float(x_star), lo, hi, pi[0], pi[1],
                                 c["chip_hours"], c["energy_kwh"], c["co2_kg"], c["cost_usd"], cost_ci, len(y)))
    return out
