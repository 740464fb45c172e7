"""Assembly of findings into observations: links, their reasons, review states, derived measures."""

from __future__ import annotations

import json

import pytest

from extract.observations import assemble, is_own_row, labels_match, model_key

PAPERS = {"1512.03385": {"arxiv_id": "1512.03385", "title": "Deep Residual Learning", "abs_url": None, "published_at": None}}


def _f(fid, kind, value=None, **kw):
    base = {"finding_id": fid, "paper_id": "1512.03385", "kind": kind, "value": value, "value_text": None,
            "unit": "%", "model_label": None, "benchmark": None, "metric": None, "reported_as": None, "page": 1,
            "bbox_x0": 0.0, "bbox_top": 0.0, "source_text": "", "method": "sentence", "confidence": 0.7,
            "extractor": "t", "context": {}}
    base.update(kw)
    return base


@pytest.mark.parametrize(("a", "b", "same"), [
    ("ResNet-152", "ResNet 152", True),
    ("ResNet-152", "152-layer", True),
    ("152 layers", "ResNet-152", True),
    ("ResNet-152", "ResNet-101", False),
    ("152-layer", "VGG-16", False),
    ("ResNet_152 [12]", "resnet152", True),
])
def test_labels_match(a, b, same):
    assert labels_match(a, b) is same


def test_model_key_drops_citations_and_ours():
    assert model_key("SE-ResNet-50 (ours) [12]") == "seresnet50"


def test_own_row_by_citation():
    assert is_own_row("VGG [41] 28.07 9.33", "VGG") is False
    assert is_own_row("ResNet-152 21.43 5.71", "ResNet-152") is True
    assert is_own_row("GNMT (Wu et al., 2016) 24.6", "GNMT") is False


def test_links_same_row_label_match_and_paper_level():
    findings = [
        _f("s1", "score", 78.57, model_label="ResNet-152", benchmark="imagenet", metric="top1", page=6,
           source_text="ResNet-152 21.43 5.71", method="table_cell", confidence=0.9),
        _f("o1", "ops_per_forward_pass", 22.6e9, unit="FLOP", model_label="152-layer", page=5,
           source_text="FLOPs 1.8 3.6 3.8 7.6 11.3", method="table_cell"),
        _f("c1", "chip_count", 8.0, unit="count", source_text="We train on 8 P100 GPUs for 3 days.",
           context={"phase": "training", "device": "gpu"}),
        _f("m1", "chip_model", None, unit="chip", value_text="nvidia-tesla-p100", source_text="We train on 8 P100 GPUs for 3 days."),
        _f("t1", "training_time", 3 * 86400.0, unit="s", source_text="We train on 8 P100 GPUs for 3 days."),
        _f("s2", "score", 71.0, model_label="VGG", benchmark="imagenet", metric="top1", page=6,
           source_text="VGG [41] 29.0", method="table_cell", confidence=0.9),
    ]
    rows = assemble(findings, PAPERS)
    by = {r["model_name"]: r for r in rows}
    r = by["ResNet-152"]
    assert r["ops_per_forward_pass_flop"] == 22.6e9
    assert (r["chip_model"], r["chip_count"], r["training_time_s"]) == ("nvidia-tesla-p100", 8.0, 259200.0)
    assert r["hardware_burden_flop"] == pytest.approx(8 * 10.6e12 * 259200.0)
    assert r["paper_link"] == "https://arxiv.org/abs/1512.03385"
    links = json.loads(r["raw"])["links"]
    assert links["ops_per_forward_pass"]["reason"].startswith("model label match")
    assert links["chip_count"]["reason"].startswith("paper-level")
    assert set(r["finding_ids"]) == {"s1", "o1", "c1", "m1", "t1"}
    assert by["VGG"]["chip_count"] is None  # a cited competitor row gets no paper-level statement


def test_size_word_splits_paper_statements():
    findings = [
        _f("a", "score", 27.3, model_label="Transformer (base model)", benchmark="wmt14_en_de", metric="bleu", source_text="Transformer (base model) 27.3"),
        _f("b", "score", 28.4, model_label="Transformer (big)", benchmark="wmt14_en_de", metric="bleu", source_text="Transformer (big) 28.4"),
        _f("t1", "training_time", 43200.0, unit="s", source_text="We trained the base models for 12 hours."),
        _f("t2", "training_time", 302400.0, unit="s", source_text="The big models were trained for 3.5 days."),
    ]
    by = {r["model_name"]: r for r in assemble(findings, PAPERS)}
    assert by["Transformer (base model)"]["training_time_s"] == 43200.0
    assert by["Transformer (big)"]["training_time_s"] == 302400.0


def test_chip_model_stated_for_one_benchmark_carries_over_but_not_count_or_time():
    stmt = "On WMT En→Fr, it takes around 6 days to train a basic model using 96 NVIDIA K80 GPUs."
    findings = [
        _f("fr", "score", 39.92, model_label="GNMT", benchmark="wmt14_en_fr", metric="bleu", source_text="GNMT 39.92"),
        _f("de", "score", 24.6, model_label="GNMT", benchmark="wmt14_en_de", metric="bleu", source_text="GNMT 24.60"),
        _f("m", "chip_model", None, value_text="nvidia-tesla-k80", unit=None, source_text=stmt),
        _f("n", "chip_count", 96.0, unit=None, source_text=stmt),
        _f("t", "training_time", 518400.0, unit="s", source_text=stmt),
    ]
    by = {r["benchmark"]: r for r in assemble(findings, PAPERS)}
    assert (by["wmt14_en_fr"]["chip_model"], by["wmt14_en_fr"]["chip_count"]) == ("nvidia-tesla-k80", 96.0)
    de = by["wmt14_en_de"]
    assert (de["chip_model"], de["chip_count"], de["training_time_s"]) == ("nvidia-tesla-k80", None, None)
    # two chip models, each stated for its own benchmark: neither crosses over
    # two chip models stated for En→Fr runs: which one En→De used is unknown, neither crosses over
    findings[2:] = [_f("m", "chip_model", None, value_text="nvidia-tesla-k80", unit=None, source_text=stmt),
                    _f("m2", "chip_model", None, value_text="nvidia-tesla-p100", unit=None,
                       source_text="On WMT En→Fr we fine-tune on 8 NVIDIA P100 GPUs.")]
    by = {r["benchmark"]: r for r in assemble(findings, PAPERS)}
    assert by["wmt14_en_de"]["chip_model"] is None


def test_reviews_reject_correct_and_pending():
    findings = [_f("s1", "score", 78.0, model_label="ResNet-152", benchmark="imagenet", metric="top1"),
                _f("c1", "chip_count", 8.0, unit="count")]
    assert assemble(findings, PAPERS, {}, include_pending=False) == []
    rows = assemble(findings, PAPERS, {"s1": {"decision": "correct", "value": 78.5, "value_text": None},
                                       "c1": {"decision": "reject", "value": None, "value_text": None}},
                    include_pending=False)
    assert len(rows) == 1 and rows[0]["score"] == 78.5 and rows[0]["chip_count"] is None
    assert rows[0]["source"] == "reviewed"
    rows = assemble(findings, PAPERS, {"s1": {"decision": "accept", "value": None, "value_text": None}})
    assert rows[0]["source"] == "pending" and rows[0]["chip_count"] == 8.0


def test_pretraining_schedule_ranks_above_fine_tuning():
    findings = [
        _f("s", "score", 90.9, model_label="BERTLARGE", benchmark="squad11", metric="f1", source_text="BERTLARGE 90.9"),
        _f("e1", "epochs", 3.0, unit=None, page=6, source_text="We fine-tune for 3 epochs with a learning rate of 5e-5.",
           context={"phase": "finetuning"}),
        _f("e2", "epochs", 40.0, unit=None, page=13, source_text="for 1,000,000 steps, which is approximately 40 epochs",
           context={"phase": "training"}),
    ]
    assert assemble(findings, PAPERS)[0]["epochs"] == 40.0


def test_run_statement_in_another_benchmarks_section_stays_there():
    # CBAM: "We train the networks for 90 epochs." sits in the ImageNet section; COCO rows train otherwise
    findings = [
        _f("i", "score", 77.3, model_label="ResNet50 + CBAM", benchmark="imagenet", metric="top1", source_text="ResNet50 + CBAM 22.66"),
        _f("c", "score", 28.1, model_label="ResNet50 + CBAM", benchmark="coco", metric="box_ap", source_text="ResNet50 + CBAM 28.1"),
        _f("e", "epochs", 90.0, unit=None, source_text="We train the networks for 90 epochs.",
           context={"dataset": "imagenet", "dataset_named": False}),
        _f("n", "chip_count", 8.0, unit=None, source_text="We use 8 GPUs in training.",
           context={"dataset": "imagenet", "dataset_named": False}),
        _f("m", "chip_model", None, value_text="nvidia-tesla-v100", unit=None, source_text="We use 8 GPUs (NVIDIA V100) in training.",
           context={"dataset": "imagenet", "dataset_named": False}),
    ]
    by = {r["benchmark"]: r for r in assemble(findings, PAPERS)}
    assert (by["imagenet"]["epochs"], by["imagenet"]["chip_count"]) == (90.0, 8.0)
    assert (by["coco"]["epochs"], by["coco"]["chip_count"], by["coco"]["chip_model"]) == (None, None, "nvidia-tesla-v100")


def test_table_marking_its_own_rows_makes_the_others_not_own():
    # BiDAF Table 1: leaderboard rows cite by footnote letters, the paper's rows say "(Ours)"
    t = {"caption": "Table 1: Results on the SQuAD test set"}
    findings = [
        _f("a", "score", 77.3, model_label="BIDAF (Ours)", benchmark="squad11", metric="f1", page=6, method="table_cell",
           source_text="BIDAF (Ours) 67.7 77.3", context=t),
        _f("b", "score", 73.7, model_label="Match-LSTM", benchmark="squad11", metric="f1", page=6, method="table_cell",
           source_text="Match-LSTM (Wang & Jiang)c 64.7 73.7", context=t),
        _f("h", "chip_model", None, value_text="nvidia-geforce-gtx-titan-x", unit=None,
           source_text="The training process takes roughly 20 hours on a single Titan X GPU."),
    ]
    by = {r["model_name"]: r for r in assemble(findings, PAPERS)}
    assert by["BIDAF (Ours)"]["chip_model"] == "nvidia-geforce-gtx-titan-x"
    assert by["Match-LSTM"]["chip_model"] is None
    # without any "(Ours)" mark in the table, an uncited row stays the paper's own
    findings[0]["model_label"], findings[0]["source_text"] = "BIDAF", "BIDAF 67.7 77.3"
    by = {r["model_name"]: r for r in assemble(findings, PAPERS)}
    assert by["Match-LSTM"]["chip_model"] == "nvidia-geforce-gtx-titan-x"


def test_reading_order_and_column_group_of_same_row_values():
    # SENet Table 4: two crop sizes; cells of one printed row differ in top by fractions of a point
    row = "ResNet-200 [11] 21.7 5.8 20.1 4.8"
    findings = [
        _f("a", "score", 78.3, model_label="ResNet-200", benchmark="imagenet", metric="top1", page=6, bbox_x0=430.7, bbox_top=231.37, source_text=row, method="table_cell"),
        _f("b", "score", 94.2, model_label="ResNet-200", benchmark="imagenet", metric="top5", page=6, bbox_x0=462.6, bbox_top=231.46, source_text=row, method="table_cell"),
        _f("c", "score", 79.9, model_label="ResNet-200", benchmark="imagenet", metric="top1", page=6, bbox_x0=490.2, bbox_top=231.46, source_text=row, method="table_cell"),
        _f("d", "score", 95.2, model_label="ResNet-200", benchmark="imagenet", metric="top5", page=6, bbox_x0=521.9, bbox_top=231.37, source_text=row, method="table_cell"),
    ]
    got = {r["metric"]: r["score"] for r in assemble(findings, PAPERS)}
    assert got == {"top1": 78.3, "top5": 94.2}  # both from the first (224 x 224) pair
    # SENet Table 2: "original | re-implementation | SENet" groups, each with its own GFLOPs
    row = "ResNet-50 [10] 24.7 7.8 3.86 24.80 7.48 3.86 23.29 6.62 3.87"
    se = {"column_variant": "SENet", "column": "SENet top-1 err."}
    findings = [
        _f("s", "score", 76.71, model_label="ResNet-50", benchmark="imagenet", metric="top1", page=5, source_text=row, method="table_cell", context=se),
        _f("o1", "ops_per_forward_pass", 3.86e9, unit="FLOP", model_label="ResNet-50", page=5, bbox_x0=300.0, source_text=row,
           method="table_cell", context={"column": "re-implementation GFLOPs"}),
        _f("o2", "ops_per_forward_pass", 3.87e9, unit="FLOP", model_label="ResNet-50", page=5, bbox_x0=400.0, source_text=row,
           method="table_cell", context={"column": "SENet GFLOPs"}),
    ]
    assert assemble(findings, PAPERS)[0]["ops_per_forward_pass_flop"] == 3.87e9


def test_statements_ranked_in_text_order_not_page_position():
    # two-column page: the right column's statement sits higher on the page but is read later
    findings = [
        _f("s", "score", 71.0, model_label="CondenseNet", benchmark="imagenet", metric="top1", source_text="CondenseNet 29.0"),
        _f("a", "epochs", 120.0, unit=None, page=7, bbox_x0=60.0, bbox_top=500.0, source_text="All models are trained for 120 epochs.",
           context={"dataset": "imagenet", "offset": 1200}),
        _f("b", "epochs", 300.0, unit=None, page=7, bbox_x0=320.0, bbox_top=100.0, source_text="pruned once after training (for 300 epochs).",
           context={"dataset": "imagenet", "offset": 4800}),
    ]
    assert assemble(findings, PAPERS)[0]["epochs"] == 120.0


def _detectors(rfp_caption: str, *extra: dict) -> dict[str, float | None]:
    """DetectoRS in small: an RFP row in a table captioned ``rfp_caption``, the main DetectoRS row
    (Table 4), "For ablation studies, we train models for 12 epochs" and "We train the models for
    40 epochs", plus ``extra`` findings; returns each row's epochs."""
    t4 = {"caption": "Table 4: Comparison with state-of-the-art methods on COCO test-dev."}
    findings = [
        _f("a", "score", 46.2, model_label="RFP", benchmark="coco", metric="box_ap", page=5, method="table_cell",
           source_text="RFP 46.2", context={"caption": rfp_caption}),
        _f("b", "score", 53.3, model_label="DetectoRS", benchmark="coco", metric="box_ap", page=7, method="table_cell",
           source_text="DetectoRS 53.3", context=t4),
        _f("d", "epochs", 12.0, unit=None, page=5, source_text="For ablation studies, we train models for 12 epochs.", context={"offset": 900}),
        _f("e", "epochs", 40.0, unit=None, page=5, source_text="We train the models for 40 epochs.", context={"offset": 1200}),
        *extra,
    ]
    return {r["model_name"]: r["epochs"] for r in assemble(findings, PAPERS)}


def test_caption_statement_applies_to_its_table_and_side_runs_give_no_schedule():
    # DetectoRS: "Table 2: ... The models are trained for 12 epochs." (ablations) and, in the text,
    # "For ablation studies, we train models for 12 epochs" / "We train the models for 40 epochs"
    in_caption = _f("c", "epochs", 12.0, unit=None, page=5, source_text="The models are trained for 12 epochs.",
                    context={"dataset": "coco", "caption_of": "Table 2", "offset": 10})
    by = _detectors("Table 2: Detection results on COCO val2017 with ResNet-50 as backbone.", in_caption)
    assert by == {"RFP": 12.0, "DetectoRS": 40.0}


def test_backbone_flops_sentence_does_not_reach_a_detection_row():
    findings = [
        _f("c", "score", 26.4, model_label="SE-ResNet-50", benchmark="coco", metric="box_ap", method="table_cell", source_text="SE-ResNet-50 26.4"),
        _f("i", "score", 76.7, model_label="SE-ResNet-50", benchmark="imagenet", metric="top1", method="table_cell", source_text="SE-ResNet-50 23.29"),
        _f("o", "ops_per_forward_pass", 3.87e9, unit="FLOP", model_label="SE-ResNet-50",
           source_text="In aggregate, SE-ResNet-50 requires ∼3.87 GFLOPs.", context={}),
    ]
    by = {r["benchmark"]: r["ops_per_forward_pass_flop"] for r in assemble(findings, PAPERS)}
    assert by == {"imagenet": 3.87e9, "coco": None}


def test_ablation_table_rows_take_the_ablation_schedule():
    assert _detectors("Table 3: Ablation study of RFP and SAC on COCO val2017 with ResNet-50.") == {"RFP": 12.0, "DetectoRS": 40.0}


def test_our_implementation_of_another_model_is_not_an_own_mark():
    # a baseline the authors re-ran ("BiLSTM-CRF (our impl.)") does not make the table's other rows
    # (the paper's models, uncited) other work
    t = {"caption": "Table 1: F1 on the CoNLL-2003 English NER data"}
    findings = [
        _f("a", "score", 90.87, model_label="BiLSTM-CRF (our impl.)", benchmark="conll2003", metric="f1", page=2,
           method="table_cell", source_text="BiLSTM-CRF (our impl.) 94.38 ± 0.14 90.87 ± 0.18", context=t),
        _f("b", "score", 91.64, model_label="CGE-LSTM", benchmark="conll2003", metric="f1", page=2,
           method="table_cell", source_text="CGE-LSTM 94.91 ± 0.12 91.64 ± 0.15", context=t),
        _f("h", "chip_model", None, value_text="nvidia-geforce-gtx-1080-ti", unit=None,
           source_text="All experiments were run on a single GeForce GTX 1080 Ti."),
    ]
    by = {r["model_name"]: r for r in assemble(findings, PAPERS)}
    assert by["CGE-LSTM"]["chip_model"] == "nvidia-geforce-gtx-1080-ti"


def test_statement_naming_one_of_the_papers_models_applies_to_it_only():
    t = {"caption": "Table 1: ImageNet results"}
    findings = [
        _f(k, "score", v, model_label=m, benchmark="imagenet", metric="top1", page=3, method="table_cell",
           source_text=f"{m} {v}", context=t)
        for k, m, v in (("a", "FooNet-S", 80.1), ("b", "FooNet-B", 82.3), ("c", "FooNet-T", 76.0))
    ]
    times = "Training FooNet-S takes roughly 40 hours, while FooNet-B needs about 3.5 days."
    findings += [
        _f("t1", "training_time", 144000.0, unit="s", source_text=times, context={"match": "40 hours"}),
        _f("t2", "training_time", 302400.0, unit="s", source_text=times, context={"match": "3.5 days"}),
        # bracketed timing remarks name models as the timed ones, not as the only ones on the machine
        _f("h", "chip_count", 8.0, unit="count",
           source_text="A pass through FooNet-S takes 190 ms (timings are performed on a server with 8 NVIDIA Titan X GPUs).",
           context={"match": "8 NVIDIA Titan X GPUs"}),
    ]
    by = {r["model_name"]: r for r in assemble(findings, PAPERS)}
    assert [by[m]["training_time_s"] for m in ("FooNet-S", "FooNet-B", "FooNet-T")] == [144000.0, 302400.0, None]
    assert [by[m]["chip_count"] for m in ("FooNet-S", "FooNet-B", "FooNet-T")] == [8.0, 8.0, 8.0]


def test_title_model_of_one_word():
    from extract.observations import title_model_name

    assert title_model_name("Quill: Span Pretraining for Reading") == "quill"
    assert title_model_name("Rethinking: Why Batch Size Matters") is None
    assert title_model_name("Deep Residual Learning for Image Recognition") is None


def test_backbone_pretraining_on_imagenet_is_not_the_coco_run():
    t = {"caption": "Table 1: COCO val2017, Mask R-CNN 1x"}
    findings = [
        _f("a", "score", 44.5, model_label="TesselNet-T", benchmark="coco", metric="box_ap", page=3,
           method="table_cell", source_text="TesselNet-T 44.5", context=t),
        _f("e", "epochs", 300.0, unit="epoch", source_text="Both backbones are pre-trained on ImageNet-1k for 300 epochs.",
           context={"match": "for 300 epochs", "phase": "pretraining", "dataset": "imagenet"}),
    ]
    by = {r["model_name"]: r for r in assemble(findings, PAPERS)}
    assert by["TesselNet-T"]["epochs"] is None


def test_statement_naming_a_range_or_list_of_models():
    t = {"caption": "Table 1: ImageNet results"}
    names = ("Kestrel-S0", "Kestrel-S1", "Kestrel-S2", "Kestrel-S3", "Kestrel-S4", "Kestrel-S5")
    findings = [_f(f"r{i}", "score", 77.0 + i, model_label=m, benchmark="imagenet", metric="top1", page=3,
                   method="table_cell", source_text=f"{m} {77.0 + i}", context=t) for i, m in enumerate(names)]
    findings += [
        _f("c1", "chip_count", 16.0, unit="count", context={"match": "32 TPU v3 cores"},
           source_text="Kestrel-S0 to Kestrel-S3 are trained on 32 TPU v3 cores."),
        _f("c2", "chip_count", 64.0, unit="count", context={"match": "128 TPU v3 cores"},
           source_text="Kestrel-S4 and Kestrel-S5 are trained on 128 TPU v3 cores."),
    ]
    by = {r["model_name"]: r["chip_count"] for r in assemble(findings, PAPERS)}
    assert [by[m] for m in names] == [16.0, 16.0, 16.0, 16.0, 64.0, 64.0]


def test_sentence_repeating_a_table_value_makes_no_second_row():
    t = {"caption": "Table 1: COCO test-dev"}
    findings = [
        _f("a", "score", 41.5, model_label="RingDet (ours) (R-50-FPN)", benchmark="coco", metric="box_ap", page=2,
           method="table_cell", source_text="RingDet (ours) R-50-FPN 41.5", context=t),
        _f("b", "score", 41.5, model_label="RingDet", benchmark="coco", metric="box_ap", page=1, method="sentence",
           source_text="RingDet reaches 41.5 AP on COCO test-dev.", context={"match": "41.5 AP"}),
        _f("c", "score", 47.0, model_label="RingDet-X", benchmark="coco", metric="box_ap", page=1, method="sentence",
           source_text="RingDet-X reaches 47.0 AP on COCO test-dev.", context={"match": "47.0 AP"}),
    ]
    assert sorted(r["model_name"] for r in assemble(findings, PAPERS)) == ["RingDet (ours) (R-50-FPN)", "RingDet-X"]
