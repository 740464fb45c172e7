"""OLS fits on small inputs made here: known lines, CIs, edge cases."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from analysis.fits import fit_all, fit_ols, implied_power_ci, input_hash, response_values


def test_exact_line_recovered():
    x = np.array([9.0, 10.0, 11.0, 12.0])
    f = fit_ols(x, 2.0 - 0.1 * x)
    assert f.slope == pytest.approx(-0.1)
    assert f.intercept == pytest.approx(2.0)
    assert f.r2 == pytest.approx(1.0)
    assert f.implied_power_k == pytest.approx(10.0)


def test_noisy_line_ci_covers_truth():
    rng = np.random.default_rng(20220710)
    x = rng.uniform(15, 22, 200)
    y = -0.5 - 0.09 * x + rng.normal(0, 0.05, 200)
    f = fit_ols(x, y)
    assert f.slope_ci_low < -0.09 < f.slope_ci_high
    assert f.k_ci_low < f.implied_power_k < f.k_ci_high


def test_too_few_points_and_constant_x():
    with pytest.raises(ValueError, match="at least 3"):
        fit_ols(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="constant"):
        fit_ols(np.array([1.0, 1.0, 1.0]), np.array([1.0, 2.0, 3.0]))


def test_k_ci_unbounded_when_slope_ci_crosses_zero():
    assert implied_power_ci(-0.01, 0.03) == (pytest.approx(1 / 0.03), None)
    lo, hi = implied_power_ci(-0.2, -0.1)
    assert (lo, hi) == (pytest.approx(5.0), pytest.approx(10.0))


def test_response_forms():
    assert response_values("imagenet", np.array([90.0]))[0] == pytest.approx(-1.0)
    assert response_values("squad11", np.array([90.0]))[0] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        response_values("coco", np.array([100.0]))


def test_input_hash_ignores_order_but_not_values():
    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    h = input_hash(["a", "b"], x, y)
    assert h == input_hash(["b", "a"], x[::-1], y[::-1])
    assert h != input_hash(["a", "b"], x, y + 1e-6)


def test_fit_all_skips_groups_below_three_points():
    obs = pl.DataFrame({
        "observation_id": ["1", "2", "3", "4", "5"],
        "benchmark": ["imagenet"] * 3 + ["coco"] * 2,
        "metric": ["top1"] * 3 + ["box_ap"] * 2,
        "score": [70.0, 75.0, 80.0, 40.0, 45.0],
        "ops_per_forward_pass_flop": [1e9, 4e9, 1.6e10, 1e10, 1e11],
        "network_operations_flop": [None, None, None, None, None],
        "hardware_burden_flop": [None, None, None, None, None],
    }, schema_overrides={"network_operations_flop": pl.Float64, "hardware_burden_flop": pl.Float64})
    fits = fit_all(obs)
    assert [(f["benchmark"], f["compute_measure"], f["n"]) for f in fits] == [("imagenet", "ops_per_forward_pass", 3)]
