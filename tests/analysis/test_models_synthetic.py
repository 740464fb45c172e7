"""Synthetic recovery: data drawn from a known law plus seeded noise; every form's intervals cover
the law's parameters, and the estimators agree with independent solvers."""

from __future__ import annotations


import numpy as np
import polars as pl
import pytest
from scipy import stats

from analysis import models
from analysis.constants import FitSettings
from analysis.forms import fit_form, points

SETTINGS = FitSettings(bootstrap_reps=2000)
A, B, C = 1.2, -0.09, -0.03  # log10(err) = A + B log10(C) + C (year - 2012)


def _frame(x, err, years, benchmark="imagenet"):
    n = len(x)
    return pl.DataFrame({
        "observation_id": [f"o{i:04d}" for i in range(n)], "benchmark": [benchmark] * n, "metric": ["top1"] * n,
        "model_name": [f"m{i}" for i in range(n)], "year": [int(v) for v in years],
        "score": 100.0 * (1.0 - np.asarray(err)), "network_operations_flop": 10.0 ** np.asarray(x),
        "paper_key": [f"p{i}" for i in range(n)],
    })


def _fit(df, form, settings=SETTINGS):
    pts = points(df, df["benchmark"][0], "top1", "network_operations")
    return fit_form(pts, df["benchmark"][0], "top1", "network_operations", form, settings)


@pytest.fixture(scope="module")
def rng():
    return np.random.default_rng(models.seed_for("tests|synthetic"))


def test_polynomial_recovers_slope_and_k(rng):
    x = rng.uniform(15, 22, 80)
    err = 10 ** (A + B * x + rng.normal(0, 0.03, 80))
    f = _fit(_frame(x, err, np.full(80, 2015)), "polynomial")
    assert f["slope_ci_low"] < B < f["slope_ci_high"]
    assert f["boot_slope_ci_low"] < B < f["boot_slope_ci_high"]
    assert f["k_ci_low"] < 1 / abs(B) < f["k_ci_high"]
    assert f["slope_ci_high"] - f["slope_ci_low"] < 0.02  # informative, not vacuous


def test_polynomial_year_recovers_year_term_and_compute_per_year(rng):
    n = 120
    years = rng.integers(2012, 2023, n)
    x = 15 + 0.4 * (years - 2012) + rng.uniform(0, 4, n)
    err = 10 ** (A + B * x + C * (years - 2012) + rng.normal(0, 0.02, n))
    f = _fit(_frame(x, err, years), "polynomial_year")
    assert f["slope_ci_low"] < B < f["slope_ci_high"]
    assert f["year_coef_ci_low"] < C < f["year_coef_ci_high"]
    truth = 10 ** (C / B)
    assert f["compute_per_year_ci_low"] < truth < f["compute_per_year_ci_high"]
    assert f["boot_compute_per_year_ci_low"] < truth < f["boot_compute_per_year_ci_high"]


def test_exponential_recovers_inverse_error_law(rng):
    x = rng.uniform(15, 22, 80)
    inv = 2.0 + 0.8 * (x - 15) + rng.normal(0, 0.2, 80)
    f = _fit(_frame(x, 1 / inv, np.full(80, 2015)), "exponential")
    # 1/err = a + b x with a = 2 - 0.8 * 15
    assert f["slope_ci_low"] < 0.8 < f["slope_ci_high"]
    assert f["boot_slope_ci_low"] < 0.8 < f["boot_slope_ci_high"]
    assert f["implied_power_k"] is None and f["response"] == "inv_error"


def test_quantile_recovers_slope_of_the_lower_decile(rng):
    n = 150
    x = rng.uniform(15, 22, n)
    e = rng.normal(0, 0.05, n)
    err = 10 ** (A + B * x + e)
    f = _fit(_frame(x, err, np.full(n, 2015)), "quantile")
    assert f["slope_ci_low"] < B < f["slope_ci_high"]
    # the intercept is that of the 10% line: A + sigma * z_0.1
    assert f["intercept"] == pytest.approx(A + 0.05 * stats.norm.ppf(0.1), abs=0.1)


def test_record_frontier_recovers_the_law_of_records_only(rng):
    """One record per year on the law, plus two worse points per year: the polynomial form on all
    points is biased, the record frontier is not."""
    xs, errs, years = [], [], []
    best = None
    for i, yr in enumerate(range(2000, 2030)):
        x = 15 + 0.25 * i
        y = A + B * x + rng.normal(0, 0.003)
        xs.append(x); errs.append(10 ** y); years.append(yr)
        for _ in range(2 if best is not None else 0):  # dominated: more compute, worse than last year's record
            xs.append(x + rng.uniform(0.5, 2)); errs.append(10 ** (best + rng.uniform(0.01, 0.05))); years.append(yr)
        best = y
    df = _frame(np.array(xs), np.array(errs), np.array(years))
    rec = _fit(df, "record_frontier")
    assert rec["n"] == 30
    assert rec["slope_ci_low"] < B < rec["slope_ci_high"]
    allp = _fit(df, "polynomial")
    assert not allp["slope_ci_low"] < B < allp["slope_ci_high"]


def test_huber_is_robust_to_outliers(rng):
    n = 100
    x = rng.uniform(15, 22, n)
    y = A + B * x + rng.normal(0, 0.01, n)
    y[:10] += 0.4  # ten gross outliers
    f = _fit(_frame(x, 10 ** y, np.full(n, 2015)), "huber")
    assert f["slope_ci_low"] < B < f["slope_ci_high"]
    assert f["slope"] == pytest.approx(B, abs=0.005)
    ols = _fit(_frame(x, 10 ** y, np.full(n, 2015)), "polynomial")
    assert abs(ols["intercept"] - A) > abs(f["intercept"] - A)


def test_batched_wls_matches_lstsq(rng):
    n = 30
    X = np.column_stack([np.ones(n), rng.uniform(0, 5, n), rng.integers(0, 5, n)])
    y = X @ [1, 2, -1] + rng.normal(0, 0.1, n)
    W = models.bootstrap_counts(n, 50, "tests|wls")
    got = models.batched_wls(X, y, W)
    for b in range(5):
        sw = np.sqrt(W[b])
        want = np.linalg.lstsq(X * sw[:, None], y * sw, rcond=None)[0]
        np.testing.assert_allclose(got[b], want, rtol=1e-8)
    got2 = models.batched_wls(X[:, :2], y, W)
    sw = np.sqrt(W[0])
    np.testing.assert_allclose(got2[0], np.linalg.lstsq(X[:, :2] * sw[:, None], y * sw, rcond=None)[0], rtol=1e-8)


def test_batched_wls_flags_single_x_resample():
    X = np.column_stack([np.ones(4), [1.0, 2.0, 3.0, 4.0]])
    W = np.array([[4.0, 0, 0, 0], [1, 1, 1, 1]])
    beta = models.batched_wls(X, np.array([1.0, 2, 3, 4]), W)
    assert np.isnan(beta[0]).all() and beta[1] == pytest.approx([0.0, 1.0])


def test_quantile_line_matches_linear_program(rng):
    x = rng.uniform(0, 10, 60)
    y = 1 + 0.5 * x + rng.standard_t(3, 60)
    for q in (0.1, 0.5, 0.9):
        a, b = models.quantile_line(x, y, q)
        a2, b2 = models._quantile_lp(x, y, q)
        loss = models.check_loss(y - a - b * x, q).sum()
        loss2 = models.check_loss(y - a2 - b2 * x, q).sum()
        assert loss == pytest.approx(loss2, rel=1e-9)


def test_quantile_matches_statsmodels_when_installed(rng):
    sm = pytest.importorskip("statsmodels.api")
    x = rng.uniform(0, 10, 80)
    y = 1 + 0.5 * x + rng.normal(0, 1, 80)
    a, b = models.quantile_line(x, y, 0.1)
    r = sm.QuantReg(y, sm.add_constant(x)).fit(q=0.1)
    assert b == pytest.approx(r.params[1], abs=1e-4)


def test_quantile_bootstrap_equals_per_resample_solution(rng):
    x = rng.uniform(0, 10, 25)
    y = 2 - 0.3 * x + rng.normal(0, 0.5, 25)
    W = models.bootstrap_counts(25, 20, "tests|qboot")
    boot = models.quantile_line_boot(x, y, 0.1, W)
    for r in range(20):
        a, b = models._quantile_lp(x, y, 0.1, W[r])
        want = models.check_loss(y - a - b * x, 0.1) @ W[r]
        got = models.check_loss(y - boot[r, 0] - boot[r, 1] * x, 0.1) @ W[r]
        assert got == pytest.approx(want, rel=1e-9, abs=1e-12)


def test_huber_lbfgs_and_batched_irls_agree(rng):
    n = 60
    X = np.column_stack([np.ones(n), rng.uniform(15, 22, n)])
    y = X @ [1.0, -0.08] + rng.normal(0, 0.03, n)
    beta, ok = models.huber_fit(X, y, 1e-3)
    assert ok >= 1
    irls = models.huber_boot(X, y, 1e-3, np.ones((1, n)), iters=300)[0]
    obj = lambda b: models.huber_loss(models.LN10 * (y - X @ b), 1e-3).sum()
    assert obj(beta) <= obj(irls) * (1 + 1e-6)
    np.testing.assert_allclose(beta, irls, atol=2e-3)


def test_record_mask_beats_strictly_earlier_years():
    years = np.array([2012, 2012, 2013, 2013, 2014, 2015])
    scores = np.array([60.0, 62.0, 61.0, 63.0, 62.5, 70.0])
    assert models.record_mask(years, scores).tolist() == [True, True, False, True, False, True]
    with pytest.raises(ValueError):
        models.record_mask(np.array([np.nan]), np.array([1.0]))


def test_delta_method_matches_simulation():
    cov = np.array([[1e-5, 2e-6], [2e-6, 4e-6]])
    g, lo, hi = models.ratio_ci_delta(-0.064, -0.025, cov, 10_000)
    sims = np.random.default_rng(1).multivariate_normal([-0.064, -0.025], cov, 200_000)
    r = sims[:, 1] / sims[:, 0]
    assert g == pytest.approx(0.025 / 0.064)
    assert (hi - lo) == pytest.approx(np.percentile(r, 97.5) - np.percentile(r, 2.5), rel=0.1)


def test_seed_is_by_name_and_reproducible():
    a = models.bootstrap_counts(10, 5, "x")
    assert np.array_equal(a, models.bootstrap_counts(10, 5, "x"))
    assert not np.array_equal(a, models.bootstrap_counts(10, 5, "y"))
    assert (a.sum(axis=1) == 10).all()


def test_settings_validation():
    with pytest.raises(ValueError, match="quantile"):
        FitSettings(quantile=1.5)
    with pytest.raises(ValueError, match="huber_delta"):
        FitSettings(huber_delta=0)
    with pytest.raises(ValueError, match="bootstrap_reps"):
        FitSettings(bootstrap_reps=-1)


def test_too_few_points_give_no_fit():
    df = _frame(np.array([15.0, 16.0]), np.array([0.3, 0.2]), np.array([2015, 2016]))
    assert _fit(df, "polynomial") is None
    df3 = _frame(np.array([15.0, 16.0, 17.0]), np.array([0.3, 0.2, 0.15]), np.array([2015, 2015, 2015]))
    assert _fit(df3, "polynomial_year") is None  # one year: the year term is not identified
    with pytest.raises(ValueError, match="unknown model form"):
        _fit(df3, "cubic")


def test_unfittable_combinations_are_recorded_with_a_reason():
    from analysis.forms import fit_all_forms

    df = _frame(np.array([15.0, 16.0, 17.0]), np.array([0.3, 0.2, 0.15]), np.array([2015, 2015, 2015]))
    skipped: list = []
    fits = fit_all_forms(df, FitSettings(bootstrap_reps=0), measures=("network_operations",), skipped=skipped)
    assert {f["model_form"] for f in fits} == {"polynomial", "exponential", "quantile", "record_frontier", "huber"}
    assert skipped == [{"benchmark": "imagenet", "metric": "top1", "compute_measure": "network_operations",
                        "model_form": "polynomial_year", "n": 3, "reason": "3 usable points, 4 needed (with a year)"}]
