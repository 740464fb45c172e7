"""Golden tests: the published fits of Thompson et al. (2022) on their own data, to 3 decimals.

Numbers from ../shared/README.md (and the paper): ImageNet log10(top-1 error) on log10(hardware
burden) n 36, slope -0.0933 (95% CI -0.111 to -0.075), R^2 0.766; on network operations n 77,
slope -0.0836, R^2 0.720; on ops per forward pass n 110, slope -0.0821, R^2 0.606; SQuAD 1.1
log10(1/(1-EM)) on hardware burden n 12, slope 0.0956, R^2 0.872.
"""

from __future__ import annotations

import polars as pl
import pytest

from analysis.fits import fit_all
from analysis.reference import read_reference_dir

GOLDEN = [
    # benchmark, metric, measure, n, slope, r2
    ("imagenet", "top1", "hardware_burden", 36, -0.0933, 0.766),
    ("imagenet", "top1", "network_operations", 77, -0.0836, 0.720),
    ("imagenet", "top1", "ops_per_forward_pass", 110, -0.0821, 0.606),
    ("squad11", "em", "hardware_burden", 12, 0.0956, 0.872),
    ("coco", "box_ap", "hardware_burden", 13, 0.0599, 0.776),
    ("conll2003", "f1", "hardware_burden", 12, 0.0269, 0.417),
    ("wmt14_en_fr", "bleu", "hardware_burden", 14, 0.0236, None),
    ("wmt14_en_de", "bleu", "hardware_burden", 12, 0.0141, None),
]


@pytest.fixture(scope="module")
def fits(reference_dir):
    obs = pl.DataFrame(read_reference_dir(reference_dir).rows, infer_schema_length=None)
    return {(f["benchmark"], f["metric"], f["compute_measure"]): f for f in fit_all(obs)}


@pytest.mark.reference
@pytest.mark.parametrize("benchmark,metric,measure,n,slope,r2", GOLDEN)
def test_published_fit_reproduced(fits, benchmark, metric, measure, n, slope, r2):
    f = fits[(benchmark, metric, measure)]
    assert f["n"] == n
    assert f["slope"] == pytest.approx(slope, abs=5e-5)
    if r2 is not None:
        assert round(f["r2"], 3) == r2
    assert f["implied_power_k"] == pytest.approx(1 / abs(f["slope"]))


@pytest.mark.reference
def test_imagenet_hardware_burden_ci(fits):
    f = fits[("imagenet", "top1", "hardware_burden")]
    assert round(f["slope_ci_low"], 4) == -0.1113
    assert round(f["slope_ci_high"], 4) == -0.0754


@pytest.mark.reference
@pytest.mark.parametrize("pair", ["wmt14_en_fr", "wmt14_en_de"])
def test_wmt_k_unbounded_when_ci_crosses_zero(fits, pair):
    f = fits[(pair, "bleu", "hardware_burden")]
    assert f["slope_ci_low"] < 0 < f["slope_ci_high"]
    assert f["k_ci_high"] is None


@pytest.mark.reference
def test_reference_import_counts(reference_dir):
    ref = read_reference_dir(reference_dir)
    ids = [r["observation_id"] for r in ref.rows]
    assert len(ids) == len(set(ids))
    assert ref.files["image-classification-on-imagenet.csv"] > 200
    alexnet = [r for r in ref.rows if r["model_name"] == "AlexNet" and r["metric"] == "top1"]
    assert alexnet and alexnet[0]["year"] == 2012
