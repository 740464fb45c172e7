"""Evaluation against the reference: name pairing, counting rules, and the export layout."""

from __future__ import annotations

import csv

import pytest

from extract.evaluate import RefRow, evaluate, name_similarity, normalise_chip, read_reference
from extract.export import LAYOUT, export_thompson
from tests.extract.conftest import shared_dir


@pytest.mark.parametrize(("ref", "obs", "ok"), [
    ("ResNet-152", "ResNet-152", True),
    ("ResNet-152", "152-layer", True),
    ("BERT (single model)", "BERTLARGE (Single)", True),
    ("ResNet-152", "ResNet-101", False),
    ("EfficientNet-B7", "EfficientNet-B6", False),
    ("MobileNetV2 (1.4)", "MobileNetV2 (1.4)", True),
])
def test_name_similarity(ref, obs, ok):
    assert (name_similarity(ref, obs) >= 0.5) is ok


def test_normalise_chip():
    assert normalise_chip("Tesla P100 PCIe 16 GB") == "nvidia-tesla-p100"
    assert normalise_chip("nvidia-tesla-p100") == "nvidia-tesla-p100"
    assert normalise_chip("GeForce Titan X") == "nvidia-geforce-gtx-titan-x"


def _ref(model, **values):
    r = RefRow("f.csv", 5, "imagenet", model, "1512.03385", None)
    r.values = {"score": values.pop("score", {}), **values}
    return r


def _obs(model, metric, score, **kw):
    return {"paper_id": "1512.03385", "benchmark": "imagenet", "model_name": model, "metric": metric, "score": score,
            "finding_ids": [], **kw}


PAPERS = [{"paper_id": "1512.03385", "arxiv_id": "1512.03385", "title": "Deep Residual Learning"}]


def test_counting_rules():
    ref = [_ref("ResNet-152", score={"top1": 78.57, "top5": 94.29}, ops_per_forward_pass=2.26e10, chip_count=8.0,
                training_time=None),
           _ref("ResNet-50", score={"top1": 75.0})]
    obs = [_obs("ResNet-152", "top1", 78.6, ops_per_forward_pass_flop=2.26e10 * 1.01, chip_count=2.0, training_time_s=86400.0),
           _obs("ResNet-152", "top5", 94.0),
           _obs("VGG-16", "top1", 71.0, chip_count=4.0)]
    ev = evaluate(ref, obs, PAPERS, out_of_scope_scores=2)
    s = ev.lenient["score"]
    assert (s.tp, s.fp, s.fn) == (1, 1 + 2, 1 + 1)  # top1 ok; top5 off by 0.29; ResNet-50 missed; 2 out of scope
    assert (ev.lenient["ops_per_forward_pass"].tp, ev.lenient["ops_per_forward_pass"].fp) == (1, 0)  # within 2%
    c = ev.lenient["chip_count"]
    assert (c.tp, c.fp, c.fn) == (0, 1, 1)  # 2 vs 8: both FP and FN; VGG's 4 not counted (no rival)
    assert ev.lenient["training_time"].fp == 0 and ev.strict["training_time"].fp == 1  # unverified: strict only
    assert ev.strict["chip_count"].fp == 2  # VGG's chip count is a strict FP
    assert ev.reference_rows == 2 and ev.matched_rows == 1


def test_export_header_matches_reference(tmp_path):
    ref_dir = shared_dir() / "reference" / "thompson2022"
    if not ref_dir.is_dir():
        pytest.skip("needs ../shared/reference/thompson2022 (beside the project root): not present")
    export_thompson([], tmp_path)
    for name in LAYOUT:
        with (ref_dir / name).open(newline="", encoding="utf-8") as fh:
            ref_head = next(csv.reader(fh))
        with (tmp_path / name).open(newline="", encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == ref_head, name
    assert len(read_reference(ref_dir)) > 500  # model rows (662 metric rows)
