"""Compute measures (Epoch-convention hardware burden) and the constants file."""

from __future__ import annotations

import polars as pl
import pytest

from analysis.constants import EpochConvention, load_constants
from analysis.measures import epoch_factor, load_chip_table, parse_chip_table, with_measures

CHIPS = parse_chip_table(
    "chip_key,aliases,kind,peak_fp32_flops_per_s,peak_fp16_flops_per_s\n"
    "nvidia-tesla-v100,(?<![\\w])V100(?![\\w]),gpu,15.7e12,125e12\n"
    "nvidia-geforce-gtx-580,GTX\\s?580,gpu,1.5811e12,\n"
    "google-tpu-v3,TPU\\s?-?v3,tpu,420e12,\n"
)


@pytest.mark.parametrize("chip,year,factor,label", [
    ("Tesla V100 PCIe 32 GB", 2019, 125 / 15.7, "fp16"),
    ("Tesla V100 PCIe 32 GB", 2017, 1.0, "fp32"),   # before mixed precision became the norm
    ("GeForce GTX 580", 2012, 1.0, "fp32"),         # no FP16 peak listed
    ("Cloud TPU v3", 2020, 1.0, "tpu_native"),      # the data's TPU peaks are bfloat16 already
    ("Some Unknown Chip", 2021, 1.0, "fp32"),
    (None, 2021, 1.0, "fp32"),
])
def test_epoch_factor(chip, year, factor, label):
    f, lab = epoch_factor(chip, year, CHIPS, EpochConvention())
    assert (f, lab) == (pytest.approx(factor), label)


def test_with_measures_fills_components_and_epoch_burden():
    obs = pl.DataFrame({
        "chip_model": ["Tesla V100 PCIe 32 GB", "GeForce GTX 580", None],
        "year": [2019, 2012, 2020],
        "chip_count": [8.0, 2.0, None], "peak_flops_per_s": [14.1e12, 1.58e12, None],
        "training_time_s": [1e5, 5e5, None],
        "hardware_burden_flop": [None, 1.6e18, None],   # published value kept where present
        "ops_per_forward_pass_flop": [1e10, 1.4e9, 2e9], "epochs": [90.0, 90.0, None],
        "training_set_size": [1.28e6, 1.2e6, 1.28e6], "network_operations_flop": [None, 5.38e17, None],
    })
    out = with_measures(obs, EpochConvention(utilisation=0.4), CHIPS)
    assert out["hardware_burden_flop"].to_list() == [pytest.approx(8 * 14.1e12 * 1e5), 1.6e18, None]
    assert out["network_operations_flop"].to_list() == [pytest.approx(1e10 * 3 * 90 * 1.28e6), 5.38e17, None]
    epo = out["hardware_burden_epoch_flop"].to_list()
    assert epo[0] == pytest.approx(8 * 14.1e12 * 1e5 * 125 / 15.7 * 0.4)
    assert epo[1] == pytest.approx(1.6e18 * 0.4) and epo[2] is None
    assert out["hardware_burden_epoch_precision"].to_list() == ["fp16", "fp32", None]


def test_missing_chip_table_means_fp32(tmp_path):
    assert load_chip_table(tmp_path / "absent.csv") == []
    assert epoch_factor("Tesla V100", 2020, [], EpochConvention()) == (1.0, "fp32")


def test_project_chip_table_is_read_when_present():
    table = load_chip_table()
    if not table:
        pytest.skip("extract/data/chips.csv not present in this checkout")
    f, lab = epoch_factor("Tesla V100 PCIe 16 GB", 2019, table, EpochConvention())
    assert lab == "fp16" and f > 5


def test_packaged_constants_are_complete():
    c = load_constants()
    assert c.cost.pue == 1.58
    assert c.cost.co2_lbs_per_kwh == 0.954
    assert c.fit.bootstrap_reps >= 2000 and c.fit.quantile == 0.1 and c.fit.theory_k == 4.0
    assert c.epoch.utilisation == 0.4
    assert c.targets["imagenet"]["top1"] == [5.0, 3.0, 1.0]
    assert c.anchors.compute_flop == 1e28 and c.anchors.cost_usd == 1e11


def test_constants_errors(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text("[fit]\nbootstrap_reps = 10\n")
    with pytest.raises(ValueError, match="missing key"):
        load_constants(p)
    good = load_constants()
    text = open(good.path, encoding="utf-8").read().replace("top1 = [5.0, 3.0, 1.0]", "top1 = [105.0]")
    p.write_text(text)
    with pytest.raises(ValueError, match="targets.imagenet.top1"):
        load_constants(p)
