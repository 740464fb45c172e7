"""Extrapolation to target errors with cost and CO2, and the hardware decomposition."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from analysis import models
from analysis.constants import load_constants
from analysis.decompose import DecomposeError, decompose
from analysis.extrapolate import chip_seconds, costs, extrapolate, inverse_prediction_interval
from analysis.measures import with_measures
from analysis.reference import read_reference_dir


@pytest.fixture(scope="module")
def consts():
    return load_constants()


@pytest.fixture(scope="module")
def obs(reference_dir, consts):
    return with_measures(pl.DataFrame(read_reference_dir(reference_dir).rows, infer_schema_length=None), consts.epoch)


def test_costs_follow_the_constants(consts):
    c = consts.cost
    got = costs(24.0, "hardware_burden", consts)
    hours = 1e24 / c.peak_fp32_flop_per_s / 3600
    assert got["chip_hours"] == pytest.approx(hours)
    assert got["cost_usd"] == pytest.approx(hours * c.price_usd_per_chip_hour)
    assert got["energy_kwh"] == pytest.approx(hours * c.power_w / 1000 * 1.58)
    assert got["co2_kg"] == pytest.approx(got["energy_kwh"] * 0.954 * 0.45359237)
    assert chip_seconds(24.0, "network_operations", consts) == pytest.approx(1e24 / (c.peak_fp16_flop_per_s * 0.4))
    assert costs(24.0, "ops_per_forward_pass", consts)["cost_usd"] is None
    with pytest.raises(ValueError):
        chip_seconds(24.0, "parameters", consts)


def test_inverse_prediction_interval_brackets_the_point():
    rng = np.random.default_rng(models.seed_for("tests|ipi"))
    x = rng.uniform(0, 10, 40)
    X = np.column_stack([np.ones(40), x])
    res = models.ols(X, 1 + 0.5 * x + rng.normal(0, 0.3, 40))
    lo, hi = inverse_prediction_interval(res, 4.0)
    x_star = (4.0 - res.beta[0]) / res.beta[1]
    assert lo < x_star < hi
    # at the interval's ends the target sits exactly on the prediction band
    fit, _, pi, _ = models.prediction_interval(res, np.array([[1, lo], [1, hi]]))
    assert abs(4.0 - fit[0]) == pytest.approx(pi[0], rel=1e-6) and abs(4.0 - fit[1]) == pytest.approx(pi[1], rel=1e-6)
    flat = models.ols(X, 1 + rng.normal(0, 1, 40))  # no slope: the set is unbounded
    assert inverse_prediction_interval(flat, 10.0) == (None, None)


@pytest.mark.reference
def test_imagenet_extrapolation_on_hardware_burden(obs, consts):
    ex = extrapolate(obs, "imagenet", "top1", "hardware_burden", [5.0, 3.0, 1.0], consts)
    five = ex[0]
    assert five.n == 36
    assert five.ci_low < five.log10_compute < five.ci_high
    assert five.pi_low < five.ci_low and five.pi_high > five.ci_high  # a new model is less certain than the line
    assert [e.log10_compute for e in ex] == sorted(e.log10_compute for e in ex)  # lower error, more compute
    assert round(five.log10_compute, 1) == 26.3
    assert five.cost_usd == pytest.approx(costs(five.log10_compute, "hardware_burden", consts)["cost_usd"])
    assert five.cost_usd_ci[0] < five.cost_usd < five.cost_usd_ci[1]


@pytest.mark.reference
def test_extrapolation_rejects_bad_requests(obs, consts):
    with pytest.raises(ValueError, match="cannot be extrapolated"):
        extrapolate(obs, "imagenet", "top1", "hardware_burden", [5.0], consts, form="polynomial_year")
    with pytest.raises(ValueError, match="target error"):
        extrapolate(obs, "imagenet", "top1", "hardware_burden", [0.0], consts)
    with pytest.raises(ValueError, match="too few points"):
        extrapolate(obs.filter(pl.col("year") == 2012), "imagenet", "top1", "hardware_burden", [5.0], consts)


@pytest.mark.reference
def test_alexnet_to_nasnet_only_six_x_from_better_chips(obs):
    d = decompose(obs, to_model="NASNET-A(6)")
    assert round(d.burden_ratio) == 1000
    assert d.chips_ratio == 250 and round(d.peak_ratio, 2) == 6.03
    assert d.chips_ratio * d.time_ratio * d.peak_ratio * d.other_ratio == pytest.approx(d.burden_ratio)
    assert "6.03x" in d.sentence()


@pytest.mark.reference
def test_default_target_is_best_model_of_latest_year(obs):
    d = decompose(obs)
    assert (d.to_model, d.to_year) == ("CoCa", 2022)
    assert math.isclose(d.chips_ratio * d.time_ratio * d.peak_ratio * d.other_ratio, d.burden_ratio)
    with pytest.raises(DecomposeError, match="NASNet"):
        decompose(obs, to_model="NASNet")
