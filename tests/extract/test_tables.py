"""Layout and table structure on synthetic lines and on real corpus pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.complexity import header_scale, is_multiply_adds, table_complexity
from extract.layout import build_layout
from extract.scores import clean_label, table_scores
from extract.tables import find_tables, parse_cell


def _layout_of(corpus_dir: Path, name: str, page: int):
    import pypdfium2 as pdfium

    from extract.pipeline import _page_text_and_boxes

    pdf = pdfium.PdfDocument(str(corpus_dir / name))
    try:
        p = pdf[page - 1]
        tp = p.get_textpage()
        text, boxes = _page_text_and_boxes(tp)
        w, h = p.get_size()
        return build_layout(page, text, boxes, w, h)
    finally:
        pdf.close()


def _synthetic(rows: list[list[tuple[str, float]]], top: float = 100.0, step: float = 12.0):
    """Lines of words at given x positions (each word 20 pt wide, 8 pt tall), pdfium-style boxes."""
    text, boxes = "", []
    height = 800.0
    for i, row in enumerate(rows):
        y = top + i * step
        for j, (word, x) in enumerate(row):
            if j:
                text += " "
                boxes.append((x - 1, height - y - 8, x - 1, height - y - 8))
            for k, ch in enumerate(word):
                x0 = x + k * 20 / max(len(word), 1)
                text += ch
                boxes.append((x0, height - y - 8, x0 + 20 / max(len(word), 1), height - y))
        text += "\r\n"
        boxes += [(0, 0, 0, 0), (0, 0, 0, 0)]
    return build_layout(1, text, boxes, 600.0, height)


@pytest.mark.parametrize(
    ("word", "parsed"),
    [("21.43", (21.43, "")), ("77.1%", (77.1, "%")), ("25.6M", (25.6e6, "M")), ("0.39B", (0.39e9, "B")),
     ("1.8×10^9", (1.8e9, "e")), ("8.43†", (8.43, "")), ("-", (None, "")), ("2016)", None), ("ResNet", None)],
)
def test_parse_cell(word, parsed) -> None:
    got = parse_cell(word)
    if parsed is None or parsed[0] is None:
        assert got == parsed
    else:
        assert got[0] == pytest.approx(parsed[0]) and got[1] == parsed[1]


def test_header_scale_and_madds() -> None:
    assert header_scale("FLOPs (×10^9)") == 1e9
    assert header_scale("GFLOPs") == 1e9
    assert header_scale("Params (M)") == 1e6
    assert header_scale("Mult-Adds (Millions)") == 1e6
    assert header_scale("FLOPs") is None
    assert is_multiply_adds("MAdds") and is_multiply_adds("Mult-Adds") and not is_multiply_adds("FLOPs")
    assert header_scale("Bn Ops") == 1e9 and is_multiply_adds("MAdd")


def test_ops_columns_headed_bn_ops_and_madd(corpus_dir: Path) -> None:
    # YOLOv3 Table 2 "Bn Ops" (billions of operations); MobileNetV2 Table 6 "MAdd" with "0.8B" cells
    yolo = next(t for t in find_tables(_layout_of(corpus_dir, "1804.02767.pdf", 3)) if t.caption.startswith("Table 2"))
    ops = {f.model_label: f.value for f in table_complexity(yolo) if f.kind == "ops_per_forward_pass"}
    assert ops["Darknet-53"] == 18.7e9
    mnet = next(t for t in find_tables(_layout_of(corpus_dir, "1801.04381v3.pdf", 7)) if t.caption.startswith("Table 6"))
    ops = {f.model_label: (f.value, f.reported_as) for f in table_complexity(mnet) if f.kind == "ops_per_forward_pass"}
    assert ops["MNet V2 + SSDLite"] == (1.6e9, "multiply-adds")


def test_clean_label_author_with_period() -> None:
    assert clean_label("MaxEnt classifier (Chieu., 2003)") == "MaxEnt classifier"
    assert clean_label("Semi-supervised model combination (Ando and Zhang., 2005)") == "Semi-supervised model combination"


def test_clean_label() -> None:
    assert clean_label("VGG [41] (v5)") == "VGG (v5)"
    assert clean_label("ResNet-50 (He et al., 2016)") == "ResNet-50"


def test_synthetic_table_columns_and_scores() -> None:
    layout = _synthetic([
        [("Table", 50), ("1.", 72), ("ImageNet", 94), ("results", 116)],
        [("model", 50), ("top-1", 200), ("err.", 222), ("top-5", 280), ("err.", 302)],
        [("ResNet-50", 50), ("22.85", 205), ("6.71", 285)],
        [("ResNet-152", 50), ("21.43", 205), ("5.71", 285)],
    ])
    [table] = find_tables(layout)
    assert [c.header for c in table.columns] == ["top-1 err.", "top-5 err."]
    assert table.caption.startswith("Table 1.")
    got = {(f.model_label, f.metric): round(f.value, 2) for f in table_scores(table)}
    assert got == {("ResNet-50", "top1"): 77.15, ("ResNet-50", "top5"): 93.29,
                   ("ResNet-152", "top1"): 78.57, ("ResNet-152", "top5"): 94.29}


def test_table_without_benchmark_gives_no_scores() -> None:
    layout = _synthetic([
        [("Table", 50), ("2.", 72), ("Head", 94), ("pose", 116)],
        [("model", 50), ("top-1", 200), ("err.", 222)],
        [("Ours", 50), ("22.85", 205)],
        [("Theirs", 50), ("23.85", 205)],
    ])
    assert [f for t in find_tables(layout) for f in table_scores(t)] == []


def test_resnet_table_1_flops_row(corpus_dir: Path) -> None:
    layout = _layout_of(corpus_dir, "1512.03385v1.pdf", 5)
    assert "FLOPs 1.8×10^9 3.6×10^9 3.8×10^9 7.6×10^9 11.3×10^9" in layout.text
    ops = [f for t in find_tables(layout) for f in table_complexity(t, layout)]
    got = {f.model_label: f.value for f in ops}
    assert got == {"18-layer": 1.8e9, "34-layer": 3.6e9, "50-layer": 3.8e9, "101-layer": 7.6e9, "152-layer": 11.3e9}


def test_efficientnet_table_2(corpus_dir: Path) -> None:
    layout = _layout_of(corpus_dir, "1905.11946v3.pdf", 6)
    tables = find_tables(layout)
    t2 = next(t for t in tables if t.caption.startswith("Table 2."))
    found = table_scores(t2) + table_complexity(t2, layout)
    b7 = {(f.kind, f.metric): f.value for f in found if f.model_label == "EfficientNet-B7"}
    assert b7 == {("score", "top1"): 84.4, ("score", "top5"): 97.1, ("parameters", None): 66e6,
                  ("ops_per_forward_pass", None): 37e9}
    r50 = [f for f in found if f.model_label == "ResNet-50" and f.kind == "ops_per_forward_pass"]
    assert [f.value for f in r50] == [4.1e9] and r50[0].source_text.startswith("ResNet-50 (He et al., 2016) 76.0%")


def test_mobilenetv2_madds(extracted) -> None:
    r = extracted("1801.04381v3.pdf")
    madds = [f for f in r.findings if f.kind == "ops_per_forward_pass" and f.reported_as == "multiply-adds"]
    primary = [f for f in madds if f.context.get("match") == "300 million multiply-adds"]
    assert primary and primary[0].value == 600e6 and primary[0].page == 4


def test_unit_line_under_one_column_is_not_its_neighbours_title(corpus_dir: Path) -> None:
    # ShuffleNet V2 Table 8: "(Batches/sec.)" sits under "GPU Speed" and grazes nothing else; the
    # top-1 error column beside it must keep its own title, or its scores are lost as a speed column
    layout = _layout_of(corpus_dir, "1807.11164v1.pdf", 14)
    t8 = next(t for t in find_tables(layout) if t.caption.startswith("Table 8"))
    assert [c.header for c in t8.columns] == [
        "Complexity (MFLOPs)", "Top-1 err. (%)", "GPU Speed (Batches/sec.)", "ARM Speed (Images/sec.)"]
    got = {f.model_label: f.value for f in table_scores(t8, benchmarks=frozenset({"imagenet"}))}
    assert got["ShuffleNet v2 2x (ours, with SE)"] == pytest.approx(75.4)
    assert got["ShuffleNet v2 2× (ours)"] == pytest.approx(74.9)


def test_group_label_with_punctuation_spans_its_columns(corpus_dir: Path) -> None:
    # SSD Table 5: "Avg. Precision, IoU:" is one group label over 0.5:0.95 / 0.5 / 0.75, not three titles
    layout = _layout_of(corpus_dir, "1512.02325v5.pdf", 12)
    t5 = next(t for t in find_tables(layout) if t.caption.startswith("Table 5"))
    assert t5.columns[0].header == "Avg. Precision, IoU: 0.5:0.95"
    found = table_scores(t5)
    assert [(f.model_label, f.value) for f in found if f.model_label == "SSD512"] == [("SSD512", 26.8)]
    assert len(found) == len(t5.rows) and {f.metric for f in found} == {"box_ap"}  # AP50/AP75/AR columns give none


def test_dated_leaderboard_label_is_not_a_citation() -> None:
    assert clean_label("R-NET (March 2017)") == "R-NET (March 2017)"
    assert clean_label("R-NET (Wang et al., 2017)") == "R-NET"
    assert clean_label("BiDAF (Seo, 2016)") == "BiDAF"


def test_ensemble_section_line_names_the_rows_below(corpus_dir: Path) -> None:
    # R-NET Table 2: the same labels appear under "Single model" and under "Ensemble model"
    layout = _layout_of(corpus_dir, "r-net.pdf", 6)
    t2 = next(t for t in find_tables(layout) if t.caption.startswith("Table 2"))
    labels = [r.label for r in t2.rows]
    assert "R-NET (March 2017)" in labels and "R-NET (March 2017) (Ensemble)" in labels
    got = {(f.model_label, f.metric, f.context["column"]): f.value for f in table_scores(t2)}
    assert got[("R-NET (March 2017)", "em", "Test Set EM")] == 72.3
    assert got[("R-NET (Ensemble)", "f1", "Test Set F1")] == 82.9  # "(Wang et al., 2017)" is a citation


def test_group_label_printed_once_names_its_rows(corpus_dir: Path) -> None:
    # VGG Table 3 prints "C", "D", "E" once on a line of their own above three scale settings;
    # Table 5 prints "D" / "E" left of a second text column (dense, multi-crop ...)
    t3 = next(t for t in find_tables(_layout_of(corpus_dir, "1409.1556v6.pdf", 6)) if t.caption.startswith("Table 3"))
    assert [r.label for r in t3.rows][3:] == ["C", "C", "C [256;512]", "D", "D", "D [256;512]", "E", "E", "E [256;512]"]
    t5 = next(t for t in find_tables(_layout_of(corpus_dir, "1409.1556v6.pdf", 7)) if t.caption.startswith("Table 5"))
    assert [r.label for r in t5.rows] == ["D dense", "D multi-crop", "D multi-crop & dense",
                                          "E dense", "E multi-crop", "E multi-crop & dense"]


def test_mask_rcnn_caption_keeps_its_box_ap_column(corpus_dir: Path) -> None:
    # AOGNet Table 4: "Mask-RCNN results on coco val2017"; APbb is box AP, APbb 50/75 and APm are not
    tables = find_tables(_layout_of(corpus_dir, "1711.05847v3.pdf", 9))
    found = [f for t in tables for f in table_scores(t, benchmarks=frozenset({"coco", "imagenet"}))]
    assert {f.context["column"] for f in found} == {"APbb"}
    assert {f.model_label: f.value for f in found}["AOGNet-40M-FPN"] == 41.8


def test_column_titles_ignore_figure_captions_and_paragraph_lines(corpus_dir: Path) -> None:
    # ResNet Table 2 sits under Figure 4's caption ("Left: plain networks of 18 and 34 layers ...")
    t2 = next(t for t in find_tables(_layout_of(corpus_dir, "1512.03385v1.pdf", 5)) if t.caption.startswith("Table 2"))
    assert [c.header for c in t2.columns] == ["plain", "ResNet"]
    got = {(f.model_label, f.metric): f.value for f in table_scores(t2)}
    assert got[("ResNet 18 layers", "top1")] == pytest.approx(100 - 27.88)
    # CBAM Table 1 sits under a justified paragraph line ("... we fix the reduction ratio to 16.")
    t1 = next(t for t in find_tables(_layout_of(corpus_dir, "1807.06521.pdf", 7)) if t.caption.startswith("Table 1"))
    assert [c.header for c in t1.columns] == ["Parameters", "GFLOPs", "Top-1 Error(%)", "Top-5 Error(%)"]


def test_titles_with_brackets_and_settings_in_labels(corpus_dir: Path) -> None:
    t7 = next(t for t in find_tables(_layout_of(corpus_dir, "1807.06521.pdf", 14)) if t.caption.startswith("Table 7"))
    assert t7.columns[2].header == "mAP@[.5, .95]"
    assert {f.model_label: f.value for f in table_scores(t7)}["ResNet101 + CBAM"] == 30.8
    t5 = next(t for t in find_tables(_layout_of(corpus_dir, "1807.06521.pdf", 11)) if t.caption.startswith("Table 5"))
    assert t5.rows[0].label == "MobileNet [35] α = 0.7" and t5.rows[0].cells[0].text == "2.30M"


def test_long_descriptive_labels_under_their_column(corpus_dir: Path) -> None:
    # Sutskever et al. Table 2: "Rescoring the baseline 1000-best with an ensemble of 5 reversed LSTMs 36.5"
    name = next(p.name for p in corpus_dir.glob("1409.3215*.pdf"))
    t2 = next(t for t in find_tables(_layout_of(corpus_dir, name, 6)) if t.caption.startswith("Table 2"))
    got = {f.model_label: f.value for f in table_scores(t2)}
    assert got["Rescoring the baseline 1000-best with an ensemble of 5 reversed LSTMs"] == 36.5
    assert "Oracle Rescoring of the Baseline 1000-best lists" not in got  # "∼45" is no cell


def test_check_mark_names_the_setting_of_its_column(corpus_dir: Path) -> None:
    # Data distillation Table 4(b): "ResNet-50  X  37.9" under "backbone  DD  AP" is ResNet-50 with DD
    t4 = next(t for t in find_tables(_layout_of(corpus_dir, "1712.04440v1.pdf", 8)) if "DD" in t.label_header)
    assert [r.label for r in t4.rows][:2] == ["ResNet-50", "ResNet-50 + DD"]
    got = {f.model_label: f.value for f in table_scores(t4)}
    assert got["ResNet-50 + DD"] == 37.9 and got["ResNet-50"] == 37.1


def test_transposed_gnmt_table_with_spaced_header_words(corpus_dir: Path) -> None:
    # GNMT Table 6: datasets down the side, models across; header words set 4 pt apart
    t6 = next(t for t in find_tables(_layout_of(corpus_dir, "1609.08144v2.pdf", 17)) if t.caption.startswith("Table 6"))
    assert [c.header for c in t6.columns] == ["Trained with log-likelihood", "Refined with RL"]
    assert t6.label_header == "Dataset"
    got = {(f.model_label, f.benchmark): f.value for f in table_scores(t6, benchmarks=frozenset({"wmt14"}))}
    assert got == {("Trained with log-likelihood", "wmt14_en_fr"): 38.95, ("Refined with RL", "wmt14_en_fr"): 39.92,
                   ("Trained with log-likelihood", "wmt14_en_de"): 24.67, ("Refined with RL", "wmt14_en_de"): 24.6}


def test_caption_legend_and_glued_check_marks(corpus_dir: Path) -> None:
    # ION Table 3: "Detection results on COCO 2015 test-dev. Legend: ... S: regularize with
    # segmentation labels": the legend does not make it a segmentation table; "XX" is two marks
    t3 = next(t for t in find_tables(_layout_of(corpus_dir, "1512.04143v1.pdf", 5)) if t.caption.startswith("Table 3"))
    got = {f.model_label: f.value for f in table_scores(t3) if f.metric == "box_ap"}
    assert got == {"FRCN": 20.5, "FRCN* + W": 20.0, "ION [ours] + R": 23.0, "ION [ours] + R + D": 23.6,
                   "ION [ours] + R + S + D": 24.9, "ION comp.† + R + S + W + D": 31.2, "ION post.† + R + S + W + D": 33.1}


def test_mmap_column_and_same_labels_told_apart(corpus_dir: Path) -> None:
    # MetaAnchor Table 6: COCO's metric printed "mmAP (%)"; two "MetaAnchor (ours)" rows differ by
    # the anchor settings in the label columns
    t6 = next(t for t in find_tables(_layout_of(corpus_dir, "1807.00980v1.pdf", 8)) if t.caption.startswith("Table 6"))
    got = {f.model_label: f.value for f in table_scores(t6)}
    assert got["MetaAnchor (ours)"] == 36.8 and got["MetaAnchor (ours) (9 × 9 search)"] == 37.5
    assert got["MetaAnchor (ours, data-dependent)"] == 37.9


def test_caption_head() -> None:
    from extract.scores import caption_head

    assert caption_head("Table 3. Detection results on COCO 2015 test-dev. Legend: S: regularize with segmentation labels") == \
        "Detection results on COCO 2015 test-dev"
    assert caption_head("Table 1: Instance segmentation mask AP on COCO test-dev.") == "Instance segmentation mask AP on COCO test-dev"
    assert caption_head("Table 6: Results on COCO-full") == "Results on COCO-full"


def test_conll_column_headed_by_the_dataset_alone(corpus_dir: Path) -> None:
    # Huang et al. Table 2: "POS  CoNLL2000  CoNLL2003" over accuracy / chunking F1 / NER F1
    fs = [f for t in find_tables(_layout_of(corpus_dir, "1508.01991v1.pdf", 7)) for f in table_scores(t)]
    got = [(f.model_label, f.value) for f in fs if f.benchmark == "conll2003"]
    assert ("BI-LSTM-CRF", 84.26) in got and ("BI-LSTM-CRF", 88.83) in got
    assert all(f.metric == "f1" and f.confidence <= 0.7 and f.context.get("metric_inferred") for f in fs)
    assert not [f for f in fs if f.value in (97.43, 94.13)]  # POS accuracy and CoNLL-2000 chunking F1
    # Table 1 of the same paper counts sentences, tokens and labels under the same headers
    assert [f for t in find_tables(_layout_of(corpus_dir, "1508.01991v1.pdf", 6)) for f in table_scores(t)] == []


def test_header_with_years_and_best_published_row(corpus_dir: Path) -> None:
    # NeuroNER Table 1: "Model  CoNLL 2003  i2b2 2014" is column titles, not a row with a value 2014;
    # the paragraph line above it ("... CoNLL 2003 and") is not a title; "Best published" is no model
    t1 = next(t for t in find_tables(_layout_of(corpus_dir, "NeuroNER_an_easy-to-use_program_for.pdf", 4))
              if t.caption.startswith("Table 1"))
    assert [c.header for c in t1.columns] == ["CoNLL 2003", "i2b2 2014"]
    assert [(f.model_label, f.benchmark, f.value) for f in table_scores(t1)] == [("NeuroNER", "conll2003", 90.5)]


def test_slash_separated_cells_under_slash_separated_titles(corpus_dir: Path) -> None:
    # Shift Table 7: "Accuracy Top-1 / Top-5" over "70.1 / 89.7"
    t7 = next(t for t in find_tables(_layout_of(corpus_dir, "1711.08141v2.pdf", 6)) if t.caption.startswith("Table 7"))
    got = {(f.model_label, f.metric): f.value for f in table_scores(t7)}
    assert got[("ShiftNet-A (ours)", "top1")] == 70.1 and got[("ShiftNet-A (ours)", "top5")] == 89.7
    assert ("GoogleNet", "top5") not in got  # printed "69.8 / -"


def test_topk_order_tells_errors_from_accuracies(corpus_dir: Path) -> None:
    # AlexNet Table 1: "Model Top-1 Top-5", "Sparse coding 47.1% 28.2%": top-1 above top-5 means errors
    t1 = next(t for t in find_tables(_layout_of(corpus_dir, "AlexNet.pdf", 7)) if t.caption.startswith("Table 1"))
    got = {(f.model_label, f.metric): (round(f.value, 2), f.reported_as) for f in table_scores(t1)}
    assert got[("Sparse coding", "top1")] == (52.9, "error") and got[("CNN", "top5")] == (83.0, "error")


def test_topk_order_needs_agreeing_rows() -> None:
    from extract.scores import topk_order
    from extract.tables import Cell, Column, Row, Table

    def table(rows):
        cols = [Column(0, 100, 120, "Top-1"), Column(1, 140, 160, "Top-5")]
        return Table(1, "Table 1: Results", "Model Top-1 Top-5", "Model", cols,
                     [Row(lab, [Cell(str(a), a, "", (100, 0, 120, 8), 0), Cell(str(b), b, "", (140, 0, 160, 8), 1)], lab, (0, 0, 160, 8))
                      for lab, a, b in rows])

    assert topk_order(table([("A", 76.1, 92.9), ("B", 70.2, 89.4)])) == {0: ("top1", False), 1: ("top5", False)}
    assert topk_order(table([("A", 23.9, 7.1), ("B", 47.1, 28.2)])) == {0: ("top1", True), 1: ("top5", True)}
    assert topk_order(table([("A", 23.9, 7.1), ("B", 70.2, 89.4)])) == {}  # rows disagree


def test_row_broken_at_a_raised_mark_is_one_row(corpus_dir: Path) -> None:
    # RefineDet Table 7: pdfium ends a line after "RetinaNet800 [28]" at the raised "∗"
    t = next(t for t in find_tables(_layout_of(corpus_dir, "1711.06897v3.pdf", 7)) if "RetinaNet" in " ".join(r.label for r in t.rows))
    labels = {r.label: [c.text for c in r.cells][:1] for r in t.rows}
    assert labels["RetinaNet800 [28] ∗ (ResNet-101-FPN)"] == ["39.1"]
    assert "ResNet-101-FPN" not in labels
    # SENet Table 2: "19.9 † 4.9 †" marks set apart inside the row
    t2 = next(t for t in find_tables(_layout_of(corpus_dir, "1709.01507v2.pdf", 5)) if t.caption.startswith("Table 2"))
    row = next(r for r in t2.rows if r.label.startswith("Inception-ResNet-v2"))
    assert [c.text for c in row.cells][:3] == ["19.9", "4.9", "20.37"]


def test_sub_table_caption_comes_first(corpus_dir: Path) -> None:
    # BiDAF Table 1: "(a) Results on the SQuAD test set" / "(b) Ablations on the SQuAD dev set"
    tables = [t for t in find_tables(_layout_of(corpus_dir, "1611.01603v6.pdf", 6)) if t.caption.startswith("Table 1")]
    assert any(t.caption.startswith("Table 1: (b) Ablations on the SQuAD dev set. (1a) The performance") for t in tables)


def test_join_split_lines() -> None:
    from extract.layout import Line, Word, join_split_lines

    def line(*words):
        return Line([Word(t, box, 0, 0) for t, box in words])

    a = line(("RetinaNet800", (80, 349, 124, 354)), ("[28]", (127, 349, 138, 355)))
    b = line(("∗", (140, 348, 143, 351)), ("trainval35k", (177, 349, 204, 354)))
    c = line(("next", (80, 360, 100, 366)))  # the next printed line: below
    far = line(("right", (400, 349, 420, 354)))  # same height, far right: another column
    out = join_split_lines([a, b, c, far])
    assert [ln.text for ln in out] == ["RetinaNet800 [28] ∗ trainval35k", "next", "right"]
    assert out[0].bbox == (80, 348, 204, 355)


def test_iou_sub_header_line_and_starred_models_named_by_the_caption(corpus_dir: Path) -> None:
    # SSD Table 6: "0.5 ... 0.5:0.95 0.5 0.75" under "COCO test-dev2015" is a header line; the
    # caption says "SSD300* and SSD512* are the models that are trained with the new data augmentation"
    t6 = next(t for t in find_tables(_layout_of(corpus_dir, "1512.02325v5.pdf", 13)) if t.caption.startswith("Table 6"))
    assert "0.5:0.95" in t6.columns[4].header and t6.rows[0].label == "SSD300"
    assert {f.model_label: f.value for f in table_scores(t6)} == {"SSD300": 23.2, "SSD512": 26.8, "SSD300*": 25.1, "SSD512*": 28.8}


def test_caption_explaining_the_star_keeps_starred_rows_apart(corpus_dir: Path) -> None:
    # AlexNet Table 2: "Models with an asterisk* were “pre-trained” to classify the entire ImageNet 2011"
    t2 = next(t for t in find_tables(_layout_of(corpus_dir, "AlexNet.pdf", 7)) if t.caption.startswith("Table 2"))
    got = {(f.model_label, f.metric): round(f.value, 2) for f in table_scores(t2)}
    assert got[("1 CNN", "top1")] == 59.3 and got[("1 CNN*", "top1")] == 61.0


def test_settings_line_under_group_titles(corpus_dir: Path) -> None:
    # FRN Table 6: "Method AP AP50 AP75" over "imgs/gpu 8 4 2 8 4 2 8 4 2": each title spans its three
    # columns; the settings line is column sub-headers, not a row
    t6 = next(t for t in find_tables(_layout_of(corpus_dir, "1911.09737v1.pdf", 8)) if t.caption.startswith("Table 6"))
    assert [c.header for c in t6.columns][:3] == ["AP 8", "AP 4", "AP 2"]
    assert [r.label for r in t6.rows] == ["BN˚", "BN", "GN", "FRN"]
    first = {}
    for f in table_scores(t6):
        first.setdefault(f.model_label, f.value)
    assert first == {"BN˚": 38.3, "BN": 38.7, "GN": 39.3, "FRN": 39.6}  # the largest batch, read first


def test_mean_and_spread_is_one_cell() -> None:
    layout = _synthetic([
        [("Table", 50), ("1:", 72), ("F1", 94), ("on", 106), ("CoNLL-2003", 118)],
        [("Model", 50), ("Dev", 200), ("F1", 222), ("Test", 300), ("F1", 322)],
        [("Peters", 50), ("[3]", 72), ("–", 205), ("92.22", 300), ("±", 330), ("0.10", 350)],
        [("CGE-LSTM", 50), ("94.91", 200), ("±", 230), ("0.12", 250), ("91.64±0.15", 300)],
        [("CGE-LSTM", 50), ("+", 75), ("LM", 85), ("95.87±", 200), ("0.08", 240), ("92.83", 300), ("±0.09", 340)],
    ])
    [table] = find_tables(layout)
    assert [c.header for c in table.columns] == ["Dev F1", "Test F1"]
    assert [(r.label, [c.text for c in r.cells]) for r in table.rows] == [
        ("Peters [3]", ["–", "92.22"]), ("CGE-LSTM", ["94.91", "91.64"]), ("CGE-LSTM + LM", ["95.87", "92.83"])]


def test_unit_set_apart_from_its_number() -> None:
    layout = _synthetic([
        [("Table", 50), ("3:", 72), ("Speed", 94)],
        [("Model", 50), ("Params", 150), ("Latency", 220), ("F1", 300)],
        [("BERT-Base", 50), ("110M", 150), ("9.8", 220), ("ms", 242), ("88.5", 300)],
    ])
    [table] = find_tables(layout)
    assert [(r.label, [c.text for c in r.cells]) for r in table.rows] == [("BERT-Base", ["110M", "9.8ms", "88.5"])]


def test_layer_names_are_not_models_but_convnext_is() -> None:
    from extract.complexity import usable_label

    assert not usable_label("conv1") and not usable_label("convolution 3x3")
    assert usable_label("ConvNeXt-T")


def test_size_lettered_backbone_joins_the_label() -> None:
    from extract.tables import _NETWORK_RE

    assert all(_NETWORK_RE.search(t) for t in ("Swin-L", "ViT-B/16", "ConvNeXt-T", "R-50"))
    assert not any(_NETWORK_RE.search(t) for t in ("warm-s", "test-dev"))


def test_category_column_is_not_part_of_the_label() -> None:
    layout = _synthetic([
        [("Table", 50), ("1.", 72), ("ImageNet", 94), ("results", 116)],
        [("Type", 50), ("Method", 100), ("Top-1", 250)],
        [("CNN", 50), ("ResNet-50", 100), ("76.1", 250)],
        [("CNN", 50), ("ResNet-101", 100), ("77.4", 250)],
        [("Transformer", 40), ("DeiT-S", 100), ("79.8", 250)],
    ])
    [table] = find_tables(layout)
    assert [r.label for r in table.rows] == ["ResNet-50", "ResNet-101", "DeiT-S"]
    # without a category title over it, a left column stays: "Method  Backbone" is the model and its network
    layout = _synthetic([
        [("Table", 50), ("2.", 72), ("COCO", 94), ("results", 116)],
        [("Method", 50), ("Backbone", 120), ("AP", 250)],
        [("RetinaNet", 50), ("ResNet-50", 120), ("36.5", 250)],
        [("RetinaNet", 50), ("ResNet-101", 120), ("38.1", 250)],
    ])
    [table] = find_tables(layout)
    assert [r.label for r in table.rows] == ["RetinaNet (ResNet-50)", "RetinaNet (ResNet-101)"]


def test_rows_told_apart_by_their_epochs_column() -> None:
    layout = _synthetic([
        [("Table", 50), ("1:", 72), ("COCO", 94), ("val2017", 116)],
        [("Method", 50), ("Epochs", 150), ("AP", 250)],
        [("PolyDETR", 50), ("12", 150), ("44.1", 250)],
        [("PolyDETR", 50), ("36", 150), ("48.3", 250)],
        [("DETR", 50), ("500", 150), ("42.0", 250)],
    ])
    [table] = find_tables(layout)
    assert [r.label for r in table.rows] == ["PolyDETR (12 epochs)", "PolyDETR (36 epochs)", "DETR"]


def test_bracketed_unit_stays_with_its_title() -> None:
    # "Throughput (img/s) Top-1 Acc." set tightly: the unit is Throughput's, Top-1 Acc. its own column
    layout = _synthetic([
        [("Table", 50), ("1.", 72), ("ImageNet", 94), ("results", 116)],
        [("Model", 50), ("FLOPs", 150), ("Throughput", 200), ("(img/s)", 226), ("Top-1", 248), ("Acc.", 270)],
        [("ResNet-50", 50), ("4.1G", 150), ("1226", 205), ("76.1", 255)],
        [("Swin-T", 50), ("4.5G", 150), ("755", 205), ("81.3", 255)],
    ])
    [table] = find_tables(layout)
    assert [c.header for c in table.columns] == ["FLOPs", "Throughput (img/s)", "Top-1 Acc."]


def test_schedule_lines_inside_a_table_tell_rows_apart() -> None:
    layout = _synthetic([
        [("Table", 50), ("1.", 72), ("COCO", 94), ("val2017", 116)],
        [("Backbone", 50), ("APb", 250)],
        [("Mask", 50), ("R-CNN", 72), ("1×", 94), ("schedule", 116)],
        [("TesselNet-T", 50), ("44.5", 250)],
        [("PVT-Small", 50), ("40.4", 250)],
        [("Mask", 50), ("R-CNN", 72), ("3×", 94), ("schedule", 116), ("(36", 138), ("epochs)", 160)],
        [("TesselNet-T", 50), ("46.6", 250)],
    ])
    [table] = find_tables(layout)
    assert [r.label for r in table.rows] == ["TesselNet-T (1× schedule)", "PVT-Small", "TesselNet-T (3× schedule (36 epochs))"]


def test_versioned_dataset_groups_are_no_row() -> None:
    from extract.tables import parse_row

    layout = _synthetic([[("SQuAD", 215), ("1.1", 239), ("SQuAD", 315), ("2.0", 339)],
                         [("Heron-Large", 50), ("89.7", 200), ("95.0", 250)]])
    assert parse_row(layout.lines[0]) is None
    assert parse_row(layout.lines[1]) is not None
