"""Golden tests of every published number of Thompson et al. (2022) the forms reproduce, to 3 decimals.

Published (paper sec. 3 and ../shared/README.md): ImageNet top-1 on hardware burden n 36, slope
-0.0933 (CI -0.1113 to -0.0754), R^2 0.766; network operations n 77, -0.0836, R^2 0.720; ops per
forward pass n 110, -0.0821, R^2 0.606; with a year term on network operations n 77, slope
-0.0638, year -0.0250, R^2 0.831 (one year = 2.47x compute); quantile q = 0.1 on network
operations normalised to AlexNet, slope -0.0841. Other benchmarks on hardware burden, response
log10(1/(1 - score)): SQuAD 1.1 EM n 12, 0.0956, R^2 0.872; COCO box AP n 13, 0.0599, 0.776;
CoNLL-2003 F1 n 12, 0.0269, 0.417; WMT14 En-Fr n 14, 0.0236 and En-De n 12, 0.0141, both CIs
crossing 0 (k unbounded).
"""

from __future__ import annotations

import math

import polars as pl
import pytest

from analysis.constants import FitSettings
from analysis.forms import fit_all_forms
from analysis.measures import with_measures
from analysis.reference import read_reference_dir
from tests.test_reference_fits import GOLDEN

pytestmark = pytest.mark.reference


@pytest.fixture(scope="module")
def fits(reference_dir):
    obs = with_measures(pl.DataFrame(read_reference_dir(reference_dir).rows, infer_schema_length=None))
    rows = fit_all_forms(obs, FitSettings(bootstrap_reps=2000))
    return {(f["benchmark"], f["metric"], f["compute_measure"], f["model_form"]): f for f in rows}


@pytest.mark.parametrize("benchmark,metric,measure,n,slope,r2", GOLDEN)  # the published fits, one table
def test_polynomial_form_reproduces_published_fit(fits, benchmark, metric, measure, n, slope, r2):
    f = fits[(benchmark, metric, measure, "polynomial")]
    assert f["n"] == n
    assert round(f["slope"], 4) == slope
    if r2 is not None:
        assert round(f["r2"], 3) == r2
    assert f["halving_compute_factor"] == pytest.approx(2 ** (1 / abs(f["slope"])))
    assert f["theory_k"] == 4.0


def test_imagenet_hardware_burden_analytic_ci(fits):
    f = fits[("imagenet", "top1", "hardware_burden", "polynomial")]
    assert (round(f["slope_ci_low"], 4), round(f["slope_ci_high"], 4)) == (-0.1113, -0.0754)
    assert f["ci_method"] == "t"
    # the case bootstrap agrees with the t interval to within a hundredth of the slope
    assert f["boot_slope_ci_low"] == pytest.approx(-0.1113, abs=0.01)
    assert f["boot_slope_ci_high"] == pytest.approx(-0.0754, abs=0.01)
    assert f["boot_reps"] == 2000


def test_year_model_on_network_operations(fits):
    f = fits[("imagenet", "top1", "network_operations", "polynomial_year")]
    assert f["n"] == 77
    assert round(f["slope"], 4) == -0.0638
    assert round(f["year_coef"], 4) == -0.0250
    assert round(f["r2"], 3) == 0.831
    assert round(f["compute_per_year"], 2) == 2.47
    assert f["compute_per_year_ci_low"] < 2.47 < f["compute_per_year_ci_high"]
    assert f["boot_compute_per_year_ci_low"] < 2.47 < f["boot_compute_per_year_ci_high"]
    assert f["compute_per_3_years"] == pytest.approx(f["compute_per_year"] ** 3)


def test_quantile_frontier_normalised_to_alexnet(fits):
    f = fits[("imagenet", "top1", "network_operations", "quantile")]
    assert f["n"] == 77
    assert round(f["slope"], 4) == -0.0841
    assert f["x_ref"] == pytest.approx(math.log10(5.38e17))  # AlexNet's network operations
    assert f["ci_method"] == "bootstrap"
    assert f["slope_ci_low"] < f["slope"] < f["slope_ci_high"]


@pytest.mark.parametrize("pair", ["wmt14_en_fr", "wmt14_en_de"])
def test_wmt_k_unbounded(fits, pair):
    f = fits[(pair, "bleu", "hardware_burden", "polynomial")]
    assert f["slope_ci_low"] < 0 < f["slope_ci_high"]
    assert f["k_ci_high"] is None and f["k_ci_low"] is not None


def test_every_form_and_measure_fitted_on_imagenet(fits):
    forms = {k[3] for k in fits if k[:3] == ("imagenet", "top1", "hardware_burden_epoch")}
    assert forms == {"polynomial", "polynomial_year", "exponential", "quantile", "record_frontier", "huber"}
    exp = fits[("imagenet", "top1", "hardware_burden", "exponential")]
    assert exp["response"] == "inv_error" and exp["slope"] > 0 and exp["implied_power_k"] is None
    rec = fits[("imagenet", "top1", "hardware_burden", "record_frontier")]
    assert rec["n"] < 36


def test_epoch_convention_moves_the_exponent(fits):
    """FP16 peaks on 2018+ V100/A100 rows and utilisation 0.4: same n, a different slope."""
    ref = fits[("imagenet", "top1", "hardware_burden", "polynomial")]
    epo = fits[("imagenet", "top1", "hardware_burden_epoch", "polynomial")]
    assert epo["n"] == ref["n"] == 36
    assert epo["slope"] != pytest.approx(ref["slope"], abs=1e-4)
