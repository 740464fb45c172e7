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


def test_family_name_pairs_with_the_best_covered_variant():
    # the reference's "ShuffleNet V2" is the paper's best v2 variant, not the first one listed
    ref = [_ref("ShuffleNet V2", score={"top1": 75.4})]
    obs = [_obs("ShuffleNet v2 2× (ours)", "top1", 74.9), _obs("ShuffleNet v2 2x (ours, with SE)", "top1", 75.4),
           _obs("ShuffleNet v1 2× (g=3)", "top1", 73.7)]
    ev = evaluate(ref, obs, PAPERS)
    paired = [it for it in ev.items if it["paired_by"]]
    assert [(it["observation_model"], it["outcome"], it["paired_by"]) for it in paired] == [
        ("ShuffleNet v2 2x (ours, with SE)", "TP", "name")]


def test_curator_names_pair_by_agreeing_scores_and_a_shared_word():
    ref = [_ref("VGG-19", score={"top1": 76.3, "top5": 93.2}, chip_count=4.0),
           _ref("AlexNet", score={"top1": 63.3})]
    obs = [_obs("VGG (2 nets, multi-crop & dense eval.)", "top1", 76.3, chip_count=4.0),
           _obs("VGG (2 nets, multi-crop & dense eval.)", "top5", 93.2),
           _obs("VGG (1 net, multi-crop & dense eval.)", "top1", 75.6),
           _obs("7 CNNs", "top1", 63.3)]  # right score, but no word in common with "AlexNet": not paired
    ev = evaluate(ref, obs, PAPERS)
    assert ev.matched_rows == 1 and ev.matched_by_scores == 1
    vgg = {(it["field"], it["metric"]): (it["outcome"], it["paired_by"]) for it in ev.items if it["reference_model"] == "VGG-19"}
    assert vgg == {("score", "top1"): ("TP", "scores"), ("score", "top5"): ("TP", "scores"),
                   ("chip_count", None): ("TP", "scores")}
    assert ev.lenient["score"].fn == 1  # AlexNet stays a miss


def test_two_agreeing_scores_pair_without_a_shared_word():
    # AlexNet's paper never prints "AlexNet": its row is "7 CNNs", with both top-1 and top-5 agreeing
    ref = [_ref("AlexNet", score={"top1": 63.3, "top5": 84.6}, chip_count=2.0)]
    obs = [_obs("7 CNNs", "top1", 63.3, chip_count=2.0), _obs("7 CNNs", "top5", 84.6),
           _obs("5 CNNs", "top1", 61.9), _obs("5 CNNs", "top5", 83.6)]
    ev = evaluate(ref, obs, PAPERS)
    assert ev.matched_rows == 1 and ev.matched_by_scores == 1
    assert {(it["field"], it["metric"]): it["outcome"] for it in ev.items if it["reference_model"]} == {
        ("score", "top1"): "TP", ("score", "top5"): "TP", ("chip_count", None): "TP"}
    # one agreeing value of two shared metrics is not enough
    obs_off = [_obs("7 CNNs", "top1", 63.3), _obs("7 CNNs", "top5", 85.0)]
    assert evaluate(ref, obs_off, PAPERS).matched_rows == 0


def test_score_pairing_needs_one_candidate():
    ref = [_ref("Net-A", score={"top1": 70.0})]
    obs = [_obs("Net A (x)", "top1", 70.0), _obs("Net A (y)", "top1", 70.05)]  # two agree: ambiguous
    from extract.evaluate import pair_by_scores
    rows = [{"model_name": o["model_name"], "score": {"top1": o["score"]}} for o in obs]
    assert pair_by_scores(ref, rows, {}, set()) == {}


def test_stated_in_text():
    from extract.evaluate import stated_in

    text = "VGG (2 nets) 23.7 6.8 6.8\nWe train on four NVIDIA Titan Black GPUs."
    assert stated_in(text, "score", 76.3)  # printed as a top-1 error of 23.7
    assert stated_in(text, "score", 93.2)  # 6.8
    assert not stated_in(text, "score", 79.8)
    assert not stated_in("193.25 and 1.38", "score", 93.2)  # no digits borrowed from a longer number
    assert stated_in(text, "chip_model", "GeForce GTX Titan Black")
    assert not stated_in(text, "chip_model", "Tesla V100 PCIe 32 GB")


def test_mark_stated_counts_misses_the_pdf_does_not_print(tmp_path):
    from extract.evaluate import mark_stated

    ref = [_ref("ResNet-152", score={"top1": 78.57, "top5": 99.99})]
    obs = [_obs("ResNet-152", "top1", 78.57)]
    ev = evaluate(ref, obs, PAPERS)
    mark_stated(ev, {"1512.03385": str(tmp_path / "gone.pdf")})  # PDF gone: unknown, not counted
    assert ev.not_stated == {} and [it["stated_in_pdf"] for it in ev.items if "stated_in_pdf" in it] == [None]


def test_shared_words_ignore_plurals_and_function_words():
    from extract.evaluate import _words

    assert _words("SMT+LSTM5") & _words("Rescoring the baseline 1000-best with an ensemble of 5 reversed LSTMs") == {"lstm"}
    assert not _words("an ensemble of models")


def test_covered_variant_with_agreeing_scores_pairs_before_the_same_name():
    # SSD: the curators' "SSD512" 28.8 is the paper's SSD512* (more augmentation); its SSD512 is 26.8
    ref = [_ref("SSD512", score={"box_ap": 28.8})]
    obs = [_obs("SSD512", "box_ap", 26.8), _obs("SSD512*", "box_ap", 28.8)]
    ev = evaluate(ref, obs, PAPERS)
    got = {(it["observation_model"], it["outcome"]) for it in ev.items}
    assert ("SSD512*", "TP") in got
    assert ("SSD512", "contradicts reference (FP)") in got  # the same-name row still counts against us
