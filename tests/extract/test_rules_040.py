"""Rules of extractor 0.4.0: glued '+' variants, dev vs test splits, single/ensemble columns,
benchmarks inferred from column patterns, workers as devices, sizes named by table captions."""

from __future__ import annotations

import json

import pytest

from extract.chips import find_chips
from extract.evaluate import name_similarity
from extract.observations import assemble, glued_plus, model_key, score_split
from extract.scores import benchmark_rowed, inferred_benchmark, paper_benchmarks, table_scores
from extract.sentences import _Emitter, hardware_findings
from extract.tables import Cell, Column, Row, Table

PAPERS = {"p": {"arxiv_id": "0000.00000", "title": "A paper", "abs_url": None, "published_at": None}}


def _f(fid, kind, value=None, **kw):
    base = {"finding_id": fid, "paper_id": "p", "kind": kind, "value": value, "value_text": None,
            "unit": "%", "model_label": None, "benchmark": None, "metric": None, "reported_as": None, "page": 1,
            "bbox_x0": 0.0, "bbox_top": 0.0, "source_text": "", "method": "table_cell", "confidence": 0.85,
            "extractor": "t", "context": {}}
    base.update(kw)
    return base


# --- glued '+' --------------------------------------------------------------------------------

def test_glued_plus_names_another_model():
    assert model_key("RefineDet512+ (ResNet-101)") == "refinedet512plusresnet101"
    assert model_key("RefineDet512 (ResNet-101)") == "refinedet512resnet101"
    assert model_key("OHEM++ [41]") == "ohemplusplus"
    assert glued_plus("ResNeXt-101 + CutMix") == "ResNeXt-101 + CutMix"
    assert glued_plus("BiDAF+ELMo (Single)") == "BiDAF+ELMo (Single)"


def test_glued_plus_in_evaluation_pairing():
    assert name_similarity("RefineDet512+ (ResNet-101)", "RefineDet512+ (ResNet-101)") == 1.0
    assert name_similarity("RefineDet512+ (ResNet-101)", "RefineDet512 (ResNet-101)") < 1.0


def test_plus_rows_are_kept_apart():
    fs = [_f("a", "score", 36.4, model_label="RefineDet512 (ResNet-101)", benchmark="coco", metric="box_ap"),
          _f("b", "score", 41.8, model_label="RefineDet512+ (ResNet-101)", benchmark="coco", metric="box_ap", bbox_top=10.0)]
    rows = {r["model_name"]: r["score"] for r in assemble(fs, PAPERS)}
    assert rows == {"RefineDet512 (ResNet-101)": 36.4, "RefineDet512+ (ResNet-101)": 41.8}


# --- dev vs test --------------------------------------------------------------------------------

@pytest.mark.parametrize(("column", "caption", "split"), [
    ("Test EM 10th, 2018)", "", "test"),
    ("Dev F1 10th, 2018)", "", "dev"),
    ("EM", "Table 1: (b) Ablations on the SQuAD dev set", "dev"),
    ("EM", "Table 1: (a) Results on the SQuAD test set", "test"),
    ("AP", "Table 2: Detection results on MS COCO test-dev set.", "test"),
    ("AP", "Results on COCO minival", "dev"),
    ("F1", "Table 3: SQuAD results", None),
])
def test_score_split(column, caption, split):
    assert score_split({"context": {"column": column, "caption": caption}}) == split


def test_dev_only_rows_dropped_when_the_paper_reports_test_scores():
    """BERT Table 2 layout: BERTLARGE (Single) has dev scores only; the TriviaQA row has both."""
    fs = []
    for i, (label, dev, test) in enumerate([("BERTLARGE (Single)", 84.1, None), ("BERTLARGE (Sgl.+TriviaQA)", 84.2, 85.1)]):
        fs.append(_f(f"d{i}", "score", dev, model_label=label, benchmark="squad11", metric="em", bbox_top=i * 10.0,
                     context={"column": "Dev EM"}))
        if test is not None:
            fs.append(_f(f"t{i}", "score", test, model_label=label, benchmark="squad11", metric="em", bbox_top=i * 10.0,
                         bbox_x0=100.0, context={"column": "Test EM"}))
    rows = {r["model_name"]: r["score"] for r in assemble(fs, PAPERS)}
    assert rows == {"BERTLARGE (Sgl.+TriviaQA)": 85.1}


def test_imagenet_validation_scores_are_kept():
    fs = [_f("a", "score", 78.57, model_label="ResNet-152", benchmark="imagenet", metric="top1",
             context={"column": "top-1 err.", "caption": "Error rates on the ImageNet validation set"}),
          _f("b", "score", 80.0, model_label="ResNet (ILSVRC'15)", benchmark="imagenet", metric="top1",
             context={"column": "top-1 err.", "caption": "Error rates on the ImageNet test set"})]
    assert sorted(r["score"] for r in assemble(fs, PAPERS)) == [78.57, 80.0]


def test_single_and_ensemble_columns_make_two_rows():
    fs = [_f("a", "score", 68.0, model_label="BIDAF (Ours)", benchmark="squad11", metric="em",
             context={"column": "Single Model EM"}),
          _f("b", "score", 73.3, model_label="BIDAF (Ours)", benchmark="squad11", metric="em", bbox_x0=50.0,
             context={"column": "Ensemble EM"})]
    rows = {r["model_name"]: r["score"] for r in assemble(fs, PAPERS)}
    assert rows == {"BIDAF (Ours) (Single Model)": 68.0, "BIDAF (Ours) (Ensemble)": 73.3}
    assert name_similarity("BiDAF (single model)", "BIDAF (Ours) (Single Model)") == 1.0


# --- model size named by the table caption --------------------------------------------------------

def test_statement_naming_the_setting_of_a_tables_caption():
    """PNASNet: '50 P100 workers' in the Mobile setting, '100' in the Large setting."""
    s_mob = "In the Mobile setting, we use distributed synchronous SGD with 50 P100 workers."
    s_large = "In the Large setting, we use 100 P100 workers."
    fs = [_f("m", "score", 74.2, model_label="PNASNet-5 (N = 3, F = 54)", benchmark="imagenet", metric="top1", page=14,
             context={"caption": "Table 4. ImageNet classification results in the Mobile setting."}),
          _f("l", "score", 82.9, model_label="PNASNet-5 (N = 4, F = 216)", benchmark="imagenet", metric="top1", page=14,
             bbox_top=300.0, context={"caption": "Table 5. ImageNet classification results in the Large setting."}),
          _f("c1", "chip_count", 50.0, unit="count", page=13, method="sentence", source_text=s_mob,
             context={"match": "50 P100 workers", "device": "gpu"}),
          _f("c2", "chip_count", 100.0, unit="count", page=13, bbox_top=20.0, method="sentence", source_text=s_large,
             context={"match": "100 P100 workers", "device": "gpu"})]
    rows = {r["model_name"]: r["chip_count"] for r in assemble(fs, PAPERS)}
    assert rows == {"PNASNet-5 (N = 3, F = 54)": 50.0, "PNASNet-5 (N = 4, F = 216)": 100.0}


# --- workers as devices -----------------------------------------------------------------------------

def _hw(s):
    out = []
    hardware_findings(s, _Emitter(out, None, 1, 0, s))
    return [(f.kind, f.value, f.value_text) for f in out]


def test_workers_that_name_their_device():
    assert _hw("We use 16 GPU asynchronous workers, and a batch size of 96.") == [("chip_count", 16.0, None)]
    assert _hw("In the Large setting, we use 100 P100 workers.") == [
        ("chip_model", None, "nvidia-tesla-p100"), ("chip_count", 100.0, None)]
    assert _hw("We train with 8 workers.") == []


def _hw_phase(s):
    out = []
    hardware_findings(s, _Emitter(out, None, 1, 0, s))
    return [(f.kind, f.value, f.value_text, f.context.get("phase"), f.confidence) for f in out]


def test_inference_speed_sentence_is_not_training_hardware():
    # the hardware of the paper's timings: phase "inference", lowest usable confidence, never "training"
    assert _hw_phase("The speed is evaluated with batch size 1 on a machine with NVIDIA Titan X, CUDA 8.0 and cuDNN v6.") == [
        ("chip_model", None, "nvidia-geforce-gtx-titan-x", "inference", 0.5)]
    assert _hw_phase("It achieves 57.9 AP50 in 51 ms on a Titan X, compared to 57.5 AP50 in 198 ms by RetinaNet.") == [
        ("chip_model", None, "nvidia-geforce-gtx-titan-x", "inference", 0.5), ("chip_count", 1.0, None, "inference", 0.5)]
    assert _hw_phase("(both timings are performed on a server with 8 NVIDIA Titan X GPUs).") == [
        ("chip_model", None, "nvidia-geforce-gtx-titan-x", "inference", 0.5), ("chip_count", 8.0, None, "inference", 0.5)]
    # two chip models: which one timed what is unclear
    assert _hw_phase("Times from either an M40 or Titan X, they are basically the same GPU.") == []
    # a chip named without timing or training words says nothing
    assert _hw_phase("The NVIDIA Titan X has 12 GB of memory.") == []


def test_timing_hardware_is_used_only_without_training_hardware():
    timing = "Run times are measured on a Titan X at 256 x 256."
    train = "We train on 4 NVIDIA M40 GPUs."
    score = _f("s", "score", 33.0, model_label="YOLOv3", benchmark="coco", metric="box_ap", page=3,
               context={"caption": "Table 3. COCO test-dev"})
    t_model = _f("t1", "chip_model", None, unit="chip", value_text="nvidia-geforce-gtx-titan-x", page=2, method="sentence",
                 source_text=timing, confidence=0.5, context={"match": "Titan X", "phase": "inference"})
    t_count = _f("t2", "chip_count", 1.0, unit="count", page=2, method="sentence", source_text=timing, confidence=0.5,
                 context={"match": "a Titan X", "phase": "inference", "device": "gpu"})
    rows = assemble([score, t_model, t_count], PAPERS)
    assert [(r["chip_model"], r["chip_count"]) for r in rows] == [("nvidia-geforce-gtx-titan-x", 1.0)]
    assert "timings" in json.loads(rows[0]["raw"])["links"]["chip_model"]["reason"]
    tr_model = _f("m1", "chip_model", None, unit="chip", value_text="nvidia-tesla-m40", page=4, method="sentence",
                  source_text=train, context={"match": "M40", "phase": "training"})
    tr_count = _f("m2", "chip_count", 4.0, unit="count", page=4, method="sentence", source_text=train,
                  context={"match": "4 NVIDIA M40 GPUs", "phase": "training", "device": "gpu"})
    rows = assemble([score, t_model, t_count, tr_model, tr_count], PAPERS)
    assert [(r["chip_model"], r["chip_count"]) for r in rows] == [("nvidia-tesla-m40", 4.0)]


def test_rtx_2070_in_chip_table():
    found = find_chips("trained on a single RTX 2070 GPU")
    assert [m.chip.key for m in found] == ["nvidia-geforce-rtx-2070"]
    assert found[0].chip.peak_fp32_flops_per_s == 7.465e12
    assert [m.chip.key for m in find_chips("an RTX 2080 Ti")] == ["nvidia-geforce-rtx-2080-ti"]


# --- benchmark inferred from the columns ------------------------------------------------------------

def _table(caption, header, headers, rows):
    cols = [Column(i, 100.0 + 40 * i, 130.0 + 40 * i, h) for i, h in enumerate(headers)]
    rs = [Row(label, [Cell(t, float(t), "", (0, 0, 1, 1), i) for i, t in enumerate(vals)], f"{label} {' '.join(vals)}", (0, 0, 1, 1))
          for label, vals in rows]
    return Table(3, caption, header, "", cols, rs)


def test_paper_benchmarks():
    assert paper_benchmarks("We evaluate on ImageNet and MS COCO.") == frozenset({"imagenet", "coco"})
    assert paper_benchmarks("SQuAD v1.1 and SQuAD 2.0") == frozenset()
    assert paper_benchmarks("the SQuAD dataset") == frozenset({"squad11"})
    assert paper_benchmarks("WMT'14 En→De; dev set newstest2013") == frozenset({"wmt14"})
    assert paper_benchmarks("WMT'14 and WMT'16 En→De") == frozenset()  # two editions: a bare "WMT" is ambiguous


def test_transposed_table_reads_models_across():
    # benchmarks down the side, models across, "WMT" without a year (GNMT Table 6)
    t = _table("Table 6: Single model test BLEU scores, averaged over 8 runs, on WMT En→Fr and En→De",
               "Dataset Trained with log-likelihood Refined with RL", ["Trained with log-likelihood", "Refined with RL"],
               [("En→Fr", ["38.95", "39.92"]), ("En→De", ["24.67", "24.60"])])
    fs = table_scores(t, benchmarks=frozenset({"wmt14"}))
    assert sorted((f.model_label, f.benchmark, f.value) for f in fs) == [
        ("Refined with RL", "wmt14_en_de", 24.6), ("Refined with RL", "wmt14_en_fr", 39.92),
        ("Trained with log-likelihood", "wmt14_en_de", 24.67), ("Trained with log-likelihood", "wmt14_en_fr", 38.95)]
    assert all(f.confidence == 0.6 and "WMT'14" in f.context["benchmark_inferred"] for f in fs)
    assert table_scores(t) == []  # the paper names no WMT'14: the bare "WMT" decides nothing
    # a table whose columns are measures is not transposed, even with benchmark-named rows
    m = _table("Table 2: BLEU on WMT 2014", "Dataset BLEU Params", ["BLEU", "Params"], [("En→De", ["28.4", "213"])])
    assert benchmark_rowed(t) and not benchmark_rowed(m)
    models = _table("Table 2: BLEU on WMT 2014 En→De", "Model base big", ["base", "big"], [("Transformer", ["27.3", "28.4"])])
    assert not benchmark_rowed(models)  # row labels are models


def test_coco_metric_set_infers_coco():
    t = _table("Table 3. Ok, YOLOv3 is doing alright.", "backbone AP AP50 AP75 APS APM APL",
               ["AP", "AP50", "AP75", "APS", "APM", "APL"],
               [("YOLOv3 608 × 608 (Darknet-53)", ["33.0", "57.9", "34.4", "18.3", "35.4", "41.9"])])
    assert inferred_benchmark(t, "AP", frozenset()) is None
    fs = table_scores(t, benchmarks=frozenset({"coco"}))
    assert [(f.model_label, f.benchmark, f.metric, f.value, f.confidence) for f in fs] == [
        ("YOLOv3 608 × 608 (Darknet-53)", "coco", "box_ap", 33.0, 0.6)]
    assert "COCO's box metric set" in fs[0].context["benchmark_inferred"]
    assert table_scores(_table("Results on PASCAL VOC", t.header, [c.header for c in t.columns],
                               [("X", ["33.0", "57.9", "34.4", "18.3", "35.4", "41.9"])]), benchmarks=frozenset({"coco"})) == []


def test_top1_column_infers_imagenet_unless_another_dataset_is_named():
    rows = [("ShuffleNet v2 2x", ["25.1", "591"])]
    t = _table("Table 8: Comparison of several network architectures.", "Model Top-1 err. (%) MFLOPs",
               ["Top-1 err. (%)", "MFLOPs"], rows)
    fs = table_scores(t, benchmarks=frozenset({"imagenet"}))
    assert [(f.model_label, f.metric, f.value, f.reported_as) for f in fs] == [("ShuffleNet v2 2x", "top1", 74.9, "error")]
    cifar = _table("Table 5. CIFAR-10 Results (Test Top-1 Accuracy)", "", ["Top-1 Acc.", "MFLOPs"], [("ResNet", ["92.0", "591"])])
    assert table_scores(cifar, benchmarks=frozenset({"imagenet"})) == []


def test_other_dataset_names_are_whole_names():
    from extract.scores import _OTHER_DATASET_RE

    # "Combination" is no iNaturalist, "CNN models" no CNN/Daily Mail, "tiny models" no Tiny ImageNet
    for text in ("Combination of HMM, Maxent etc.", "CNN models on ImageNet", "tiny models", "it places"):
        assert not _OTHER_DATASET_RE.search(text), text
    for text in ("CIFAR-10", "CNN/Daily Mail", "Tiny ImageNet", "Places365", "iNaturalist", "PASCAL VOC", "SQuAD 2.0"):
        assert _OTHER_DATASET_RE.search(text), text


def test_em_f1_columns_infer_squad():
    t = _table("Table 1: Our results.", "EM F1", ["EM", "F1"], [("R-net+ (single model)", ["72.3", "80.7"])])
    fs = table_scores(t, benchmarks=frozenset({"squad11"}))
    assert [(f.metric, f.value) for f in fs] == [("em", 72.3), ("f1", 80.7)]
    assert table_scores(t, benchmarks=frozenset({"imagenet"})) == []


# --- real corpus pages ------------------------------------------------------------------------------

def test_yolov3_table3_on_coco(extracted):
    r = extracted("1804.02767.pdf")
    got = [(f.model_label, f.value) for f in r.findings if f.kind == "score" and f.benchmark == "coco" and f.page == 3]
    assert ("YOLOv3 608 × 608 (Darknet-53)", 33.0) in got
    assert ("RetinaNet (ResNeXt-101-FPN)", 40.8) in got


def test_mobilenetv2_gpu_workers(extracted):
    r = extracted("1801.04381v3.pdf")
    assert [(f.value, f.page) for f in r.findings if f.kind == "chip_count"] == [(16.0, 6)]


def test_pnasnet_p100_workers(extracted):
    r = extracted("1712.00559v3.pdf")
    counts = sorted(f.value for f in r.findings if f.kind == "chip_count" and f.page == 13)
    assert counts == [50.0, 100.0]


# --- cells with a glued delta, composite captions, resolutions in names -----------------------------

def test_cell_with_glued_delta():
    from extract.tables import parse_cell

    assert parse_cell("21.57(0.85)") == (21.57, "")
    assert parse_cell("3.8(+1.2)") == (3.8, "")
    assert parse_cell("32(4d)") is None


def test_senet_table2_rows_are_read(extracted):
    """SENet Table 2: 'SENet' columns hold '21.57(0.85)' cells (error and its gain); before, the
    rows were not recognised as data rows at all."""
    r = extracted("1709.01507v2.pdf")
    got = {(f.model_label, f.metric, f.value) for f in r.findings if f.kind == "score" and f.page == 5}
    assert ("SENet ResNet-152", "top5", 94.27) in got


def test_composite_caption_part_names_imagenet():
    caption = ("Table 1: (Left) Accuracy and latency trade-off on GPU. (Right-Top) Top-1 accuracy on ImageNet using "
               "ResNeSt. (Right-Bottom) Transfer learning results: object detection mAP on MS-COCO [42] and semantic "
               "segmentation mIoU on ADE20K [71].")
    t = _table(caption, "Crop #P Acc%", ["Crop", "Acc%", ""],
               [("ResNeSt-269 (ours)", ["416", "84.5"]), ("ResNeSt-50 (ours)", ["42.33"])])
    t.rows[1].cells = [Cell("42.33", 42.33, "", (0, 0, 1, 1), 2)]
    fs = table_scores(t)
    assert [(f.model_label, f.metric, f.value) for f in fs] == [("ResNeSt-269 (ours)", "top1", 84.5)]
    plain = _table("Table 2: ImageNet localization results", "", ["top-1 err."], [("X", ["30.1"])])
    assert table_scores(plain) == []


def test_resnest_269_on_page_2(extracted):
    r = extracted("2004.08955.pdf")
    assert [(f.model_label, f.value) for f in r.findings if f.kind == "score" and f.page == 2][-1] == ("ResNeSt-269 (ours)", 84.5)


def test_resolution_left_out_of_name_similarity():
    from extract.evaluate import names_equivalent

    assert name_similarity("YOLOv3 + Darknet-53", "YOLOv3 608 × 608 (Darknet-53)") == 1.0
    assert names_equivalent("YOLOv3 + Darknet-53", "YOLOv3 608 × 608 (Darknet-53)") is False
    assert names_equivalent("PNASNet-5", "PNASNet-5 (N = 3, F = 54)") is False
    assert names_equivalent("ResNet-152", "152-layer") is True


# --- group labels over several columns, rows split by raised markers -------------------------------

def test_group_label_spans_its_columns(extracted):
    """SENet Table 2: 'original  re-implementation  SENet' over 2 + 3 + 3 columns."""
    r = extracted("1709.01507v2.pdf")
    got = {(f.model_label, f.metric, f.value, f.context["column"]) for f in r.findings if f.kind == "score" and f.page == 5}
    assert ("SENet Inception-ResNet-v2", "top1", 80.2, "SENet top-1 err.") in got
    assert ("SENet Inception-ResNet-v2", "top5", 95.21, "SENet top-5 err.") in got
    assert ("original Inception-ResNet-v2", "top1", 80.1, "original top-1 err.") in got


def test_group_spans_only_for_sparse_label_lines():
    from extract.tables import _group_spans

    cols = [Column(i, 100.0 + 40 * i, 120.0 + 40 * i) for i in range(6)]
    label = _group_spans([("Dev", 130.0, 145.0), ("Test", 250.0, 270.0)], cols)
    assert [label(c) for c in cols] == ["Dev", "Dev", "Dev", "Test", "Test", "Test"]
    assert _group_spans([("EM", 100.0, 115.0), ("F1", 140.0, 150.0), ("EM", 180.0, 190.0), ("F1", 220.0, 230.0)], cols[:4]) is None
    assert _group_spans([("Top-1 accuracy", 100.0, 160.0)], cols) is None


def test_stitch_marker_rows():
    from extract.tables import stitch_marker_rows

    def row(label, cells, top):
        return Row(label, [Cell(t, float(t), "", (0, top, 1, top + 8), c) for t, c in cells], label, (0.0, top, 300.0, top + 8))

    rows = [row("Inception-ResNet-v2 [42]", [("19.9", 0)], 100.0), row("†", [("4.9", 1)], 101.5),
            row("†", [("20.37", 2), ("5.21", 3)], 102.0), row("VGG-16", [("27.0", 0), ("8.8", 1)], 112.0)]
    out = stitch_marker_rows(rows)
    assert [(r.label, [c.text for c in r.cells]) for r in out] == [
        ("Inception-ResNet-v2 [42]", ["19.9", "4.9", "20.37", "5.21"]), ("VGG-16", ["27.0", "8.8"])]


# --- settings in labels, headerless columns ----------------------------------------------------------

def test_seq2seq_beam_sizes_stay_in_labels(extracted):
    """seq2seq Table 1: 'Ensemble of 5 reversed LSTMs, beam size 12 | 34.81': the 12 is part of the
    label (before, it was read as a BLEU score of 12.0 under a headerless column)."""
    r = extracted("1409.3215v3.pdf")
    got = [(f.model_label, f.value) for f in r.findings if f.kind == "score" and f.page == 6]
    assert ("Ensemble of 5 reversed LSTMs, beam size 12", 34.81) in got
    assert ("Ensemble of 5 reversed LSTMs, beam size 1", 33.0) in got
    assert not [v for _l, v in got if v < 20]


def test_headerless_column_beside_headed_score_column():
    t = _table("Table 1: BLEU on WMT'14 English to French (ntst14)", "Method test BLEU score", ["", "test BLEU score"],
               [("Single LSTM, rank", ["3", "26.17"])])
    fs = table_scores(t)
    assert [(f.model_label, f.value) for f in fs] == [("Single LSTM, rank", 26.17)]


# --- COCO column spellings, model families in pairing ------------------------------------------------

def test_apbbox_column(extracted):
    """DetectoRS Table 4 heads box AP 'APbbox'."""
    r = extracted("2006.02334v1.pdf")
    got = [(f.model_label, f.value) for f in r.findings if f.kind == "score" and f.page == 7]
    # the TTA column's check mark makes the test-time-augmented row its own model
    assert ("DetectoRS (ResNeXt-101-32x4d)", 53.3) in got and ("DetectoRS (ResNeXt-101-32x4d) + TTA", 54.7) in got
    assert ("YOLOv3 (DarkNet-53)", 33.0) in got


def test_map_over_iou_range_columns(extracted):
    """ResNet Table 9: 'mAP' over '@.5  @[.5, .95]' columns; test-dev beside val."""
    r = extracted("1512.03385v1.pdf")
    got = [(f.model_label, f.value, f.context["column"]) for f in r.findings if f.kind == "score" and f.page == 11]
    assert ("+multi-scale testing", 34.9, "COCO trainval COCO test-dev @[.5, .95]") in got
    assert not [v for _l, v, c in got if "@.5" in c and "@[" not in c]


def test_pairing_needs_a_shared_family_word():
    assert name_similarity("DetectoRS (ResNeXt-101-64x4d, multi-scale)", "HTC + DCN + mstrain (ResNeXt-101-64x4d)") == 0.0
    assert name_similarity("Inception ResNet V2 (SENet)", "SENet Inception-ResNet-v2") == 1.0


def test_tightly_set_titles_split_over_their_columns(extracted):
    """PNASNet Table 5: 'Size Params Mult-Adds Top-1' reads as one phrase over four columns."""
    r = extracted("1712.00559v3.pdf")
    got = {(f.kind, f.model_label, f.value) for f in r.findings if f.page == 14 and (f.model_label or "").startswith("PNASNet-5 (N = 4")}
    assert ("score", "PNASNet-5 (N = 4, F = 216)", 82.9) in got
    assert ("ops_per_forward_pass", "PNASNet-5 (N = 4, F = 216)", 50e9) in got
    assert ("parameters", "PNASNet-5 (N = 4, F = 216)", 86.1e6) in got


def test_two_word_group_label_stays_whole(extracted):
    """BiDAF Table 1(a): 'Single Model' over 'EM F1' is one group label."""
    r = extracted("1611.01603v6.pdf")
    cols = {f.context["column"] for f in r.findings if f.kind == "score" and f.page == 6}
    assert {"Single Model EM", "Single Model F1", "Ensemble EM", "Ensemble F1"} <= cols


def test_keypoint_ap_set_is_not_box_ap():
    """Data distillation Table 2: keypoint AP columns (AP AP50 AP75 APM APL, no APS)."""
    t = _table("Table 2. Ablation on numbers of training iterations.", "#iter AP AP50 AP75 APM APL",
               ["AP", "AP50", "AP75", "APM", "APL"], [("130k", ["65.1", "86.6", "70.9", "59.9", "73.6"])])
    assert table_scores(t, benchmarks=frozenset({"coco"})) == []
    t.caption = "Table 2. Keypoint results on COCO test-dev"
    assert table_scores(t) == []


def test_no_inference_without_a_caption(extracted):
    """CAM Table 3 (localization error, caption not found): top-5 columns are not read as ImageNet
    classification by column pattern alone."""
    t = _table("", "Method supervision top-5 test error", ["top-5 test error"], [("GoogLeNet-GAP", ["37.1"])])
    assert table_scores(t, benchmarks=frozenset({"imagenet"})) == []
    r = extracted("1512.04150v1.pdf")
    assert not [f for f in r.findings if f.kind == "score" and "benchmark_inferred" in f.context]


def test_statement_naming_the_rows_benchmark_wins():
    # ResNet: "two GPUs" (CIFAR section) vs "We train the COCO models with an 8-GPU implementation"
    coco = _f("s", "score", 34.9, model_label="+multi-scale testing", benchmark="coco", metric="box_ap", page=12,
              context={"caption": "Table 9. Object detection improvements on MS COCO"})
    two = _f("c2", "chip_count", 2.0, unit="count", page=8, method="sentence",
             source_text="These models are trained with a mini-batch size of 128 on two GPUs.",
             context={"match": "two GPUs", "phase": "training", "device": "gpu"})
    eight = _f("c8", "chip_count", 8.0, unit="count", page=11, method="sentence",
               source_text="We train the COCO models with an 8-GPU implementation.",
               context={"match": "8-GPU", "phase": "training", "device": "gpu"})
    rows = assemble([coco, two, eight], PAPERS)
    assert [r["chip_count"] for r in rows] == [8.0]


def test_column_group_of_the_papers_variant_is_own():
    from extract.observations import variant_is_own

    assert variant_is_own("SENet") and not variant_is_own("original") and not variant_is_own("re-implementation")
    assert not variant_is_own(None) and not variant_is_own("")
    timing = "All timings are performed on a server with 8 NVIDIA Titan X GPUs, during training."
    se = _f("s", "score", 80.2, model_label="SENet Inception-ResNet-v2", benchmark="imagenet", metric="top1",
            source_text="Inception-ResNet-v2 [42] 19.9 4.9 11.75 20.37 5.21 11.75 19.80 4.79 11.76",
            context={"caption": "Table 2. ImageNet", "column_variant": "SENet"})
    cited = _f("o", "score", 80.1, model_label="original Inception-ResNet-v2", benchmark="imagenet", metric="top1",
               source_text="Inception-ResNet-v2 [42] 19.9 4.9 11.75 20.37 5.21 11.75 19.80 4.79 11.76",
               context={"caption": "Table 2. ImageNet", "column_variant": "original"})
    chip = _f("c", "chip_count", 8.0, unit="count", page=4, method="sentence", source_text=timing,
              context={"match": "8 NVIDIA Titan X GPUs", "phase": "training", "device": "gpu"})
    got = {r["score"]: r["chip_count"] for r in assemble([se, cited, chip], PAPERS)}
    assert got == {80.2: 8.0, 80.1: None}


def test_timing_chip_names_the_training_gpus_when_training_names_none():
    # ResNeSt: "we train our models using 8 servers (64 GPUs in total)" + "latency is measured on a NVIDIA V100 GPU"
    score = _f("s", "score", 84.5, model_label="ResNeSt-269 (ours)", benchmark="imagenet", metric="top1", page=7,
               context={"caption": "Table 6. ImageNet"})
    count = _f("c", "chip_count", 64.0, unit="count", page=5, method="sentence",
               source_text="We train our models using 8 servers (64 GPUs in total) in parallel.",
               context={"match": "64 GPUs", "phase": "training", "device": "gpu"})
    timing_s = "Average inference latency is measured on a NVIDIA V100 GPU."
    t_model = _f("t1", "chip_model", None, unit="chip", value_text="nvidia-tesla-v100", page=3, method="sentence",
                 source_text=timing_s, confidence=0.5, context={"match": "V100", "phase": "inference", "vendor": "NVIDIA"})
    t_count = _f("t2", "chip_count", 1.0, unit="count", page=3, method="sentence", source_text=timing_s, confidence=0.5,
                 context={"match": "a NVIDIA V100 GPU", "phase": "inference", "device": "gpu"})
    rows = assemble([score, count, t_model, t_count], PAPERS)
    assert [(r["chip_model"], r["chip_count"]) for r in rows] == [("nvidia-tesla-v100", 64.0)]
    tpu = dict(count, context={"match": "64 TPUs", "phase": "training", "device": "tpu_device"})
    rows = assemble([score, tpu, t_model, t_count], PAPERS)
    assert [(r["chip_model"], r["chip_count"]) for r in rows] == [(None, 64.0)]  # a GPU never names TPU training


def test_statement_in_another_datasets_section_applies_to_no_row():
    from extract.sentences import sentence_findings

    page = ("4.1 Results on CIFAR-10. We follow the standard augmentation scheme. All models are trained with "
            "mini-batch size 64 for 300 epochs. 4.2 Results on ImageNet. All models are trained for 120 epochs.")
    spans, start = [], 0
    for part in page.split(". "):
        spans.append((start, start + len(part) + 1))
        start += len(part) + 2
    fs = sentence_findings(page, spans, None, 5)
    got = [(f.value, f.context.get("dataset"), f.context.get("dataset_named")) for f in fs if f.kind == "epochs"]
    assert got == [(300.0, "small", False), (120.0, "imagenet", False)]
    score = _f("s", "score", 73.8, model_label="CondenseNet (G=C=8)", benchmark="imagenet", metric="top1", page=7,
               context={"caption": "Table 4. ImageNet"})
    eps = [_f(f"e{i}", "epochs", f.value, unit="epoch", page=5 + i, method="sentence", source_text=f.source_text,
              context=dict(f.context)) for i, f in enumerate(x for x in fs if x.kind == "epochs")]
    assert [r["epochs"] for r in assemble([score, *eps], PAPERS)] == [120.0]


def test_inner_star_names_another_model_and_human_is_no_model():
    from extract.scores import _NOT_A_MODEL_RE

    assert model_key("AlexNet∗-GAP") != model_key("AlexNet-GAP") and model_key("ResNet-50 *") == model_key("ResNet-50")
    assert model_key("SSD512*") != model_key("SSD512")  # a glued star the table kept: a variant (see scores.table_scores)
    assert _NOT_A_MODEL_RE.match("Human Performance") and not _NOT_A_MODEL_RE.match("HumanNet")


def test_flops_footnote_defining_multiply_adds(extracted):
    # CondenseNet (1711.09224) p1 footnote: "FLOPs refers to the number of multiplication-addition operations"
    r = extracted("1711.09224v2.pdf")
    ops = {f.model_label: f.value for f in r.findings if f.kind == "ops_per_forward_pass" and f.method == "table_cell"}
    assert ops["CondenseNet (G=C = 8)"] == pytest.approx(2 * 274e6)
    assert {f.reported_as for f in r.findings if f.kind == "ops_per_forward_pass"} == {"multiply-adds (paper's FLOPs)"}


def test_title_model_name_decides_own_rows():
    from extract.observations import title_model_name

    assert title_model_name("ShuffleNet V2: Practical Guidelines") == "shufflenetv2"
    assert title_model_name("MobileNets: Efficient Convolutional Neural Networks") == "mobilenet"
    assert title_model_name("DetectoRS: Detecting Objects with Recursive Feature Pyramid") == "detectors"
    assert title_model_name("Deep Residual Learning for Image Recognition") is None
    assert title_model_name("Google's Neural Machine Translation System: Bridging the Gap") is None
    papers = {"p": {"arxiv_id": "1810.04805", "title": "BERT: Pre-training of Deep Bidirectional Transformers",
                    "abs_url": None, "published_at": None}}
    s = "We pre-train on 16 Cloud TPU v3 chips for 4 days."
    fs = [_f("b", "score", 90.9, model_label="BERTLARGE (Single)", benchmark="squad11", metric="f1", page=7),
          _f("e", "score", 85.6, model_label="BiDAF+ELMo (Single)", benchmark="squad11", metric="f1", page=7, bbox_top=10.0),
          _f("h", "score", 91.2, model_label="Human", benchmark="squad11", metric="f1", page=7, bbox_top=20.0),
          _f("t", "training_time", 345600.0, unit="s", page=13, method="sentence", source_text=s,
             context={"match": "4 days", "phase": "pretraining"})]
    got = {r["model_name"]: r["training_time_s"] for r in assemble(fs, papers)}
    assert got == {"BERTLARGE (Single)": 345600.0, "BiDAF+ELMo (Single)": None, "Human": None}


def test_ablation_statement_yields_to_the_main_run():
    main = "For our main results, we train the models for 40 epochs."
    abl = "For ablation studies, we train models for 12 epochs."
    fs = [_f("s", "score", 53.3, model_label="DetectoRS (ResNeXt-101-32x4d)", benchmark="coco", metric="box_ap", page=7),
          _f("a", "epochs", 12.0, unit="epoch", page=5, method="sentence", source_text=abl, context={"match": "12 epochs"}),
          _f("m", "epochs", 40.0, unit="epoch", page=5, bbox_top=50.0, method="sentence", source_text=main,
             context={"match": "40 epochs"})]
    assert [r["epochs"] for r in assemble(fs, PAPERS)] == [40.0]


def test_title_rule_applies_per_table():
    # CBAM: "ResNet50 [5] + CBAM" names the title's model (own, though it cites its base network);
    # the ablation table naming no CBAM row keeps the citation rule, so its uncited rows stay own
    papers = {"p": {"arxiv_id": "1807.06521", "title": "CBAM: Convolutional Block Attention Module",
                    "abs_url": None, "published_at": None}}
    s = "We train the networks for 90 epochs."
    main = {"caption": "Table 4: Classification results on ImageNet-1K."}
    abl = {"caption": "Table 1: Comparison of different channel attention methods."}
    fs = [_f("a", "score", 77.34, model_label="ResNet50 [5] + CBAM", benchmark="imagenet", metric="top1", page=10,
             source_text="ResNet50 [5] + CBAM 28.09M 3.864 22.66 6.31", context=main),
          _f("b", "score", 76.13, model_label="ResNet50 [5]", benchmark="imagenet", metric="top1", page=10, bbox_top=5.0,
             source_text="ResNet50 [5] 25.56M 3.858 24.56 7.50", context=main),
          _f("c", "score", 76.86, model_label="ResNet50 + channel", benchmark="imagenet", metric="top1", page=7,
             source_text="ResNet50 + channel 28.09M 3.860 23.14 6.70", context=abl),
          _f("e", "epochs", 90.0, unit="epoch", page=7, method="sentence", source_text=s, context={"match": "90 epochs"})]
    got = {r["model_name"]: r["epochs"] for r in assemble(fs, papers)}
    assert got == {"ResNet50 [5] + CBAM": 90.0, "ResNet50 [5]": None, "ResNet50 + channel": 90.0}


def test_author_pair_with_ampersand_is_a_citation_and_ring_keeps_variants():
    from extract.observations import is_own_row

    assert not is_own_row("Zeiler & Fergus (Zeiler & Fergus, 2013) (1 net) 37.5 16.0", "Zeiler & Fergus (1 net)")
    assert model_key("BN˚") != model_key("BN")


def test_classification_flops_never_join_a_detection_row():
    coco = _f("s", "score", 30.8, model_label="ResNet101 + CBAM", benchmark="coco", metric="box_ap", page=14,
              context={"caption": "Table 7: Object detection mAP(%) on the MS COCO validation set."})
    top1 = _f("t", "score", 78.49, model_label="ResNet101 + CBAM", benchmark="imagenet", metric="top1", page=10,
              source_text="ResNet101 + CBAM 49.33M 7.581 21.51 5.69",
              context={"caption": "Table 4: Classification results on ImageNet-1K."})
    ops = _f("o", "ops_per_forward_pass", 7.581e9, unit="FLOP", model_label="ResNet101 + CBAM", page=10,
             source_text="ResNet101 + CBAM 49.33M 7.581 21.51 5.69",
             context={"caption": "Table 4: Classification results on ImageNet-1K."})
    got = {r["benchmark"]: r["ops_per_forward_pass_flop"] for r in assemble([coco, top1, ops], PAPERS)}
    assert got == {"coco": None, "imagenet": 7.581e9}


def test_imagenet_rows_prefer_the_validation_split():
    # AlexNet Table 2: "7 CNNs* 36.7% 15.4% 15.3%" under Top-1 (val), Top-5 (val), Top-5 (test)
    cap = {"caption": "Table 2: Comparison of error rates on ILSVRC-2012 validation and test sets."}
    val = _f("v", "score", 84.6, model_label="7 CNNs", benchmark="imagenet", metric="top5", page=7,
             context={**cap, "column": "Top-5 (val)"})
    test = _f("t", "score", 84.7, model_label="7 CNNs", benchmark="imagenet", metric="top5", page=7, bbox_x0=50.0,
              context={**cap, "column": "Top-5 (test)"})
    assert [r["score"] for r in assemble([test, val], PAPERS)] == [84.6]
    # SQuAD keeps the test split
    dev = _f("d", "score", 84.1, model_label="BiDAF", benchmark="squad11", metric="em", page=5, context={"column": "Dev EM"})
    tst = _f("e", "score", 84.5, model_label="BiDAF", benchmark="squad11", metric="em", page=5, bbox_x0=50.0,
             context={"column": "Test EM"})
    assert [r["score"] for r in assemble([dev, tst], PAPERS)] == [84.5]
