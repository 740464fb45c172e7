"""Every scaling-law form x compute measure x benchmark, with analytic and bootstrap uncertainty.

x = log10(compute in FLOP); the error is err = 1 - score/100 (BLEU/100 as the score fraction).
Forms (``model_form`` in the fits table):

================  ====================================================  ===========================
form              model                                                 estimator, intervals
================  ====================================================  ===========================
polynomial        y = a + b x, y as in :func:`analysis.fits.response_values`  OLS; t and bootstrap
polynomial_year   y = a + b x + c (year - year_base)                    OLS; t, delta method, boot.
exponential       1/err = a + b x                                       OLS; t and bootstrap
quantile          q-th quantile of y = a + b x (q = 0.1)                exact LP optimum; bootstrap
record_frontier   polynomial on record-setting points only              OLS; t and bootstrap
huber             y = a + b x, Huber loss on natural-log residuals      multi-start L-BFGS; boot.
================  ====================================================  ===========================

y is log10(err) for ImageNet and log10(1/(1 - score)) = -log10(err) elsewhere (the reference
code's form), so the slope is negative for ImageNet and positive elsewhere. The implied power is
k = 1/|b| (compute ~ (1/err)^k) for every form but ``exponential`` (no power there: NULL);
halving the error takes 2^k times the compute; the theoretical floor is k = 4.

Algorithmic progress (``polynomial_year``): at equal error one year of progress is worth
10^(c/b) times the compute (Thompson et al. 2022 report 2.47x per year on ImageNet network
operations); the interval is the delta method on c/b (t, n - 3 df) and the bootstrap percentile.
Bootstrap: case resampling, ``bootstrap_reps`` resamples from a generator seeded by the fit's name
(``bootstrap|benchmark|metric|measure|form``), all resamples solved at once.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

import numpy as np
import polars as pl

from analysis import models
from analysis.constants import FitSettings
from analysis.fits import ANALYSIS_VERSION, MIN_POINTS, implied_power_ci, input_hash, response_name, response_values
from analysis.measures import MEASURES

#: Model forms, in the order they are fitted and shown.
FORMS: tuple[str, ...] = ("polynomial", "polynomial_year", "exponential", "quantile", "record_frontier", "huber")

#: Columns the fits table gains in schema version 2 (see warehouse/schema.sql).
EXTRA_FIT_COLUMNS: tuple[str, ...] = (
    "settings", "ci_method", "residual_se", "year_coef", "year_coef_se", "year_coef_ci_low", "year_coef_ci_high",
    "compute_per_year", "compute_per_year_ci_low", "compute_per_year_ci_high", "compute_per_3_years",
    "boot_reps", "boot_slope_ci_low", "boot_slope_ci_high", "boot_k_ci_low", "boot_k_ci_high",
    "boot_compute_per_year_ci_low", "boot_compute_per_year_ci_high", "halving_compute_factor", "theory_k",
    "x_ref",
)


def points(observations: pl.DataFrame, benchmark: str, metric: str, measure: str) -> pl.DataFrame:
    """Return the rows usable for one fit, sorted by observation_id: a score in (0, 100) and a
    positive compute value of ``measure`` (a key of :data:`analysis.measures.MEASURES`).

    Columns added: x = log10(compute, FLOP) (f64), y = polynomial response (f64), inv_err =
    1/err (f64). ``observations`` must hold the measure's column (see
    :func:`analysis.measures.with_measures`).
    """
    col = MEASURES[measure]
    df = observations.filter(
        (pl.col("benchmark") == benchmark) & (pl.col("metric") == metric)
        & pl.col(col).is_not_null() & (pl.col(col) > 0)
        & pl.col("score").is_not_null() & (pl.col("score") > 0) & (pl.col("score") < 100)
    ).sort("observation_id")
    s = df["score"].to_numpy().astype(float) if df.height else np.zeros(0)
    return df.with_columns(
        pl.col(col).log10().alias("x"),
        pl.Series("y", response_values(benchmark, s) if df.height else np.zeros(0), dtype=pl.Float64),
        pl.Series("inv_err", 1.0 / (1.0 - s / 100.0), dtype=pl.Float64),
    )


def _k_fields(slope: float | None, lo: float | None, hi: float | None, k_applies: bool) -> dict[str, Any]:
    if not k_applies or slope is None or not np.isfinite(slope):
        return {"implied_power_k": None, "k_ci_low": None, "k_ci_high": None, "halving_compute_factor": None}
    k = 1.0 / abs(slope) if slope != 0 else math.inf
    k_lo, k_hi = implied_power_ci(lo, hi) if lo is not None and np.isfinite(lo) else (None, None)
    return {"implied_power_k": k, "k_ci_low": k_lo, "k_ci_high": k_hi,
            "halving_compute_factor": 2.0 ** k if k < 1000 else math.inf}


def _nan_to_none(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def form_data(pts: pl.DataFrame, form: str, settings: FitSettings) -> tuple[pl.DataFrame, np.ndarray, np.ndarray] | None:
    """Select a form's rows from :func:`points` and build its design.

    Returns:
        (rows used, X of shape (n, p) with columns 1, x[, year - year_base], response y of shape
        (n,)), or None when the form cannot be fitted (too few points, constant x or year).

    Raises:
        ValueError: unknown form.
    """
    if form not in FORMS:
        raise ValueError(f"unknown model form {form!r}; expected one of {FORMS}")
    df = pts
    if form in ("polynomial_year", "record_frontier"):
        df = df.filter(pl.col("year").is_not_null())
    if form == "record_frontier" and df.height:
        df = df.filter(pl.Series(models.record_mask(df["year"].to_numpy(), df["score"].to_numpy())))
    n = df.height
    p = 3 if form == "polynomial_year" else 2
    if n < max(MIN_POINTS, p + 1) or df["x"].n_unique() < 2:
        return None
    x = df["x"].to_numpy()
    y = (df["inv_err"] if form == "exponential" else df["y"]).to_numpy()
    X = np.column_stack([np.ones(n), x])
    if form == "polynomial_year":
        X = np.column_stack([X, df["year"].to_numpy().astype(float) - settings.year_base])
        if np.linalg.matrix_rank(X) < 3:
            return None
    return df, X, y


def estimate(form: str, X: np.ndarray, y: np.ndarray, settings: FitSettings,
             W: np.ndarray) -> tuple[np.ndarray, np.ndarray, models.OLSResult | None, dict[str, Any]]:
    """Estimate one form's coefficients and their bootstrap replicates.

    Args:
        X, y: from :func:`form_data`; W: bootstrap counts, shape (B, n) (B may be 0).

    Returns:
        (beta (p,), bootstrap betas (B, p) with NaN rows for degenerate resamples, the OLS result
        for OLS forms else None, extra settings to record).
    """
    p = X.shape[1]
    if form in ("polynomial", "polynomial_year", "exponential", "record_frontier"):
        res = models.ols(X, y, settings.confidence)
        return res.beta, (models.batched_wls(X, y, W) if len(W) else np.zeros((0, p))), res, {}
    if form == "quantile":
        a, b = models.quantile_line(X[:, 1], y, settings.quantile)
        boot = models.quantile_line_boot(X[:, 1], y, settings.quantile, W) if len(W) else np.zeros((0, 2))
        return np.array([a, b]), boot, None, {"quantile": settings.quantile}
    if form == "huber":
        beta, converged = models.huber_fit(X, y, settings.huber_delta)
        boot = models.huber_boot(X, y, settings.huber_delta, W) if len(W) else np.zeros((0, p))
        return beta, boot, None, {"huber_delta": settings.huber_delta, "residual_units": "natural log",
                                  "starts_converged": converged}
    raise ValueError(f"unknown model form {form!r}; expected one of {FORMS}")


def fit_form(pts: pl.DataFrame, benchmark: str, metric: str, measure: str, form: str,
             settings: FitSettings, x_ref: float | None = None) -> dict[str, Any] | None:
    """Fit one form on the points of :func:`points` and return a fits-table row (dict), or None when
    there are too few usable points (fewer than 3, or than parameters + 1, or constant x).

    Args:
        pts: output of :func:`points`.
        form: one of :data:`FORMS`.
        settings: fit settings (bootstrap reps, confidence, quantile, Huber delta, year base).
        x_ref: log10 compute of the normalising model (quantile form); only the intercept's
            reference point moves with it, and the stored intercept is on the raw log10(FLOP) scale.

    Returns:
        Keys of ``warehouse.load.FIT_COLUMNS`` without fit_id, created_at, run_id, plus
        :data:`EXTRA_FIT_COLUMNS`.

    Raises:
        ValueError: unknown form.
    """
    if form not in FORMS:
        raise ValueError(f"unknown model form {form!r}; expected one of {FORMS}")
    conf = settings.confidence
    prepared = form_data(pts, form, settings)
    if prepared is None:
        return None
    df, X, y = prepared
    n, p = X.shape
    x = X[:, 1]
    t_year = X[:, 2] if form == "polynomial_year" else None
    ids = df["observation_id"].to_list()
    name = f"bootstrap|{benchmark}|{metric}|{measure}|{form}"
    W = models.bootstrap_counts(n, settings.bootstrap_reps, name) if settings.bootstrap_reps else np.zeros((0, n))

    row: dict[str, Any] = {k: None for k in EXTRA_FIT_COLUMNS}
    row_settings: dict[str, Any] = {"bootstrap_reps": settings.bootstrap_reps, "confidence": conf,
                                    "bootstrap_seed_name": name}
    beta, boot, res, extra = estimate(form, X, y, settings, W)
    row_settings.update(extra)
    analytic = res is not None
    if analytic:
        se, lo, hi, r2 = float(res.se[1]), float(res.ci_low[1]), float(res.ci_high[1]), res.r2
        row["residual_se"] = res.resid_se
        ci_method = "t"
    else:
        if x_ref is not None and form == "quantile":
            row_settings["normalised_to"] = settings.normalise_to_model
        ci_method = "bootstrap"
    boot_lo, boot_hi = models.percentile_ci(boot[:, 1], conf) if len(boot) else (float("nan"), float("nan"))
    if not analytic:
        # descriptive R^2 of the fitted line (not the criterion these estimators optimise)
        tss = float(((y - y.mean()) ** 2).sum())
        rss = float(((y - X @ beta) ** 2).sum())
        se, lo, hi, r2 = None, boot_lo, boot_hi, (1.0 - rss / tss if tss > 0 else None)
        if len(boot):
            se = float(np.nanstd(boot[:, 1], ddof=1))
    k_applies = form != "exponential"
    row.update(_k_fields(float(beta[1]), lo, hi, k_applies))
    if k_applies and np.isfinite(boot_lo):
        row["boot_k_ci_low"], row["boot_k_ci_high"] = implied_power_ci(boot_lo, boot_hi)
    row["boot_reps"] = int(np.isfinite(boot[:, 1]).sum()) if len(boot) else 0
    row["boot_slope_ci_low"], row["boot_slope_ci_high"] = boot_lo, boot_hi

    if form == "polynomial_year":
        b, c = float(beta[1]), float(beta[2])
        row["year_coef"], row["year_coef_se"] = c, float(res.se[2])
        row["year_coef_ci_low"], row["year_coef_ci_high"] = float(res.ci_low[2]), float(res.ci_high[2])
        g, glo, ghi = models.ratio_ci_delta(b, c, res.cov[1:, 1:], res.df, conf)
        row["compute_per_year"] = 10.0 ** g
        row["compute_per_year_ci_low"], row["compute_per_year_ci_high"] = 10.0 ** glo, 10.0 ** ghi
        row["compute_per_3_years"] = 10.0 ** (3 * g)
        if len(boot):
            glo_b, ghi_b = models.percentile_ci(boot[:, 2] / boot[:, 1], conf)
            row["boot_compute_per_year_ci_low"], row["boot_compute_per_year_ci_high"] = 10.0 ** glo_b, 10.0 ** ghi_b
        row_settings["year_base"] = settings.year_base
    if form == "quantile" and x_ref is not None:
        row["x_ref"] = x_ref
    if form == "record_frontier":
        row_settings["records"] = "score beats every score of strictly earlier years, among points with this measure"
    row["settings"] = json.dumps(row_settings, sort_keys=True)
    row["ci_method"] = ci_method
    row["theory_k"] = settings.theory_k if k_applies else None

    h = input_hash(ids, x, y)
    if t_year is not None:
        h = hashlib.sha256((h + "|years|" + ",".join(f"{v:.0f}" for v in t_year)).encode()).hexdigest()
    h = hashlib.sha256((h + "|settings|" + row["settings"]).encode()).hexdigest()
    out = {
        "benchmark": benchmark, "metric": metric, "compute_measure": measure, "model_form": form,
        "response": "inv_error" if form == "exponential" else response_name(benchmark),
        "n": n, "slope": float(beta[1]), "intercept": float(beta[0]), "slope_se": se,
        "slope_ci_low": lo, "slope_ci_high": hi, "r2": r2,
        "input_hash": h, "code_version": ANALYSIS_VERSION, "observation_ids": sorted(ids),
    }
    out.update({k: v for k, v in row.items() if k not in out})
    for k in ("implied_power_k", "k_ci_low", "k_ci_high"):
        out[k] = row[k]
    return {k: _nan_to_none(v) for k, v in out.items()}


def reference_x(observations: pl.DataFrame, benchmark: str, metric: str, measure: str, model: str) -> float | None:
    """Return log10 of ``model``'s compute (``measure``) on ``benchmark``/``metric``, or None."""
    if not model:
        return None
    col = MEASURES[measure]
    r = observations.filter((pl.col("benchmark") == benchmark) & (pl.col("metric") == metric)
                            & (pl.col("model_name") == model) & pl.col(col).is_not_null() & (pl.col(col) > 0))
    return math.log10(r[col][0]) if r.height else None


def skip_reason(pts: pl.DataFrame, form: str, settings: FitSettings) -> str:
    """Say why :func:`form_data` gives no fit for these points (for the ``skipped`` list)."""
    df = pts.filter(pl.col("year").is_not_null()) if form in ("polynomial_year", "record_frontier") else pts
    need = 4 if form == "polynomial_year" else MIN_POINTS
    if form == "record_frontier" and df.height:
        df = df.filter(pl.Series(models.record_mask(df["year"].to_numpy(), df["score"].to_numpy())))
    if df.height < need:
        return f"{df.height} usable points, {need} needed" + (" (with a year)" if form == "polynomial_year" else "")
    if df["x"].n_unique() < 2:
        return "all points have the same compute"
    return "year term not identified (one year only, or year collinear with compute)"


def fit_all_forms(observations: pl.DataFrame, settings: FitSettings | None = None,
                  forms: tuple[str, ...] = FORMS, measures: tuple[str, ...] | None = None,
                  skipped: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Fit every (benchmark, metric) x measure x form with enough points.

    Args:
        observations: observations with every measure column (:func:`analysis.measures.with_measures`).
        settings: fit settings (default :class:`FitSettings` defaults, as in constants.toml).
        forms, measures: subsets to fit (default all).
        skipped: when given, a dict (benchmark, metric, compute_measure, model_form, n, reason) is
            appended for every combination with some data that could not be fitted.

    Returns:
        Row dicts (see :func:`fit_form`), sorted by benchmark, metric, measure, form order.
    """
    settings = settings or FitSettings()
    measures = tuple(MEASURES) if measures is None else measures
    out: list[dict[str, Any]] = []
    if observations.height == 0:
        return out
    for benchmark, metric in observations.select("benchmark", "metric").unique().sort("benchmark", "metric").iter_rows():
        for measure in measures:
            if MEASURES[measure] not in observations.columns:
                continue
            pts = points(observations, benchmark, metric, measure)
            if pts.height == 0:
                continue
            x_ref = reference_x(observations, benchmark, metric, measure, settings.normalise_to_model)
            for form in forms:
                f = fit_form(pts, benchmark, metric, measure, form, settings, x_ref=x_ref)
                if f is not None:
                    out.append(f)
                elif skipped is not None:
                    skipped.append({"benchmark": benchmark, "metric": metric, "compute_measure": measure,
                                    "model_form": form, "n": pts.height, "reason": skip_reason(pts, form, settings)})
    return out


def k_by_year(observations: pl.DataFrame, benchmark: str, metric: str, measure: str,
              confidence: float = 0.95) -> list[dict[str, Any]]:
    """Refit the polynomial form on the data known by each year (points with year <= Y).

    Returns:
        One dict per year Y with at least 3 points and two distinct x: year, n, slope,
        slope_ci_low, slope_ci_high, implied_power_k, k_ci_low, k_ci_high (None = unbounded).
    """
    pts = points(observations, benchmark, metric, measure).filter(pl.col("year").is_not_null())
    out = []
    for yr in sorted(set(pts["year"].to_list())):
        d = pts.filter(pl.col("year") <= yr)
        if d.height < MIN_POINTS or d["x"].n_unique() < 2:
            continue
        X = np.column_stack([np.ones(d.height), d["x"].to_numpy()])
        r = models.ols(X, d["y"].to_numpy(), confidence)
        b, lo, hi = float(r.beta[1]), float(r.ci_low[1]), float(r.ci_high[1])
        k_lo, k_hi = implied_power_ci(lo, hi)
        out.append({"year": int(yr), "n": d.height, "slope": b, "slope_ci_low": lo, "slope_ci_high": hi,
                    "implied_power_k": 1 / abs(b) if b else math.inf, "k_ci_low": k_lo, "k_ci_high": k_hi})
    return out
