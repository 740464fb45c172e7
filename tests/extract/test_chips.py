"""The chip table and chip recognition in text."""

from __future__ import annotations

import pytest

from extract.chips import CHIP_COLUMNS, find_chips, load_chips, parse_chips

REQUIRED = [
    "nvidia-geforce-gtx-580", "nvidia-geforce-gtx-680", "nvidia-geforce-gtx-titan", "nvidia-geforce-gtx-titan-x",
    "nvidia-titan-x-pascal", "nvidia-titan-xp", "nvidia-titan-v", "nvidia-titan-rtx", "nvidia-geforce-gtx-980",
    "nvidia-geforce-gtx-1080", "nvidia-geforce-gtx-1080-ti", "nvidia-geforce-rtx-2080-ti", "nvidia-tesla-k20",
    "nvidia-tesla-k40", "nvidia-tesla-k80", "nvidia-tesla-m40", "nvidia-tesla-p40", "nvidia-tesla-p100",
    "nvidia-tesla-v100", "nvidia-tesla-t4", "nvidia-a100", "nvidia-h100", "google-tpu-v1", "google-tpu-v2",
    "google-tpu-v3", "google-tpu-v4",
]


def test_table_covers_required_chips_with_sources() -> None:
    chips = {c.key: c for c in load_chips()}
    for key in REQUIRED:
        assert key in chips, key
        assert chips[key].source_url.startswith("http"), key
    assert chips["nvidia-tesla-p100"].peak_fp32_flops_per_s == pytest.approx(10.6e12)
    assert chips["google-tpu-v2"].peak_fp32_flops_per_s == pytest.approx(180e12)
    assert chips["google-tpu-v3"].peak_fp32_flops_per_s == pytest.approx(420e12)
    assert chips["google-tpu-v4"].peak_fp32_flops_per_s == pytest.approx(275e12)
    assert chips["google-tpu-v1"].peak_fp32_flops_per_s is None


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("8 NVIDIA P100 GPUs", ["nvidia-tesla-p100"]),
        ("trained on 4 Quadro P6000 GPUs", ["nvidia-quadro-p6000"]),
        ("two GTX 780 GPUs", ["nvidia-geforce-gtx-780"]),
        ("four A40 GPUs", ["nvidia-a40"]),
        ("the A40-B model", []),  # a model name, not the GPU
        ("a Quadro RTX 6000", ["nvidia-quadro-rtx-6000"]),
        ("two GTX 580 3GB GPUs", ["nvidia-geforce-gtx-580"]),
        ("a TPUv3 pod with 512 cores", ["google-tpu-v3"]),
        ("on 16 Cloud TPUs", ["google-cloud-tpu"]),
        ("on 16 Cloud TPU v3 devices", ["google-tpu-v3"]),
        ("NVIDIA Titan X GPU", ["nvidia-geforce-gtx-titan-x"]),
        ("a Titan Xp", ["nvidia-titan-xp"]),
        ("TITAN X (Pascal)", ["nvidia-titan-x-pascal"]),
        ("GTX 1080 Ti and GTX 1080", ["nvidia-geforce-gtx-1080-ti", "nvidia-geforce-gtx-1080"]),
        ("K80 and K40 GPUs", ["nvidia-tesla-k80", "nvidia-tesla-k40"]),
        ("ResNet-50 on ImageNet", []),
    ],
)
def test_find_chips(text: str, keys: list[str]) -> None:
    assert [m.chip.key for m in find_chips(text)] == keys


def test_parse_chips_rejects_missing_column() -> None:
    with pytest.raises(ValueError, match="lacks columns"):
        parse_chips("chip_key,vendor\nx,y\n")


def test_parse_chips_rejects_bad_kind() -> None:
    header = ",".join(CHIP_COLUMNS)
    row = "k,v,m,X1,fpga,1e12,,note,https://example.org,src"
    with pytest.raises(ValueError, match="allowed: gpu, tpu, cpu"):
        parse_chips(f"{header}\n{row}\n")
