"""extract_pdf: statuses on broken input, and exact values on real corpus papers."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract import EXTRACTOR_VERSION, ExtractSettings, extract_pdf
from tests.badpdfs import encrypted_pdf


# ---- statuses on input made here ------------------------------------------------------------

def test_missing_file_is_parse_error(tmp_path: Path) -> None:
    r = extract_pdf(tmp_path / "nope.pdf")
    assert r.status == "parse_error" and "cannot read" in r.reason


def test_empty_file_is_parse_error(tmp_path: Path) -> None:
    p = tmp_path / "empty.pdf"
    p.write_bytes(b"")
    r = extract_pdf(p)
    assert r.status == "parse_error" and "0 bytes" in r.reason and r.pages == 0


def test_non_pdf_bytes_is_parse_error(tmp_path: Path) -> None:
    p = tmp_path / "page.pdf"
    p.write_bytes(b"<html><body>404 not found</body></html>")
    r = extract_pdf(p)
    assert r.status == "parse_error" and "not a PDF" in r.reason


def test_truncated_pdf_is_parse_error(tmp_path: Path, corpus_dir: Path) -> None:
    data = (corpus_dir / "1706.03762v5.pdf").read_bytes()
    p = tmp_path / "truncated.pdf"
    p.write_bytes(data[: len(data) // 3])
    r = extract_pdf(p)
    assert r.status == "parse_error", (r.status, r.reason)
    assert r.reason


def test_garbage_after_header_is_parse_error(tmp_path: Path) -> None:
    p = tmp_path / "garbage.pdf"
    p.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    assert extract_pdf(p).status == "parse_error"


def test_password_protected_pdf_is_encrypted(tmp_path: Path) -> None:
    p = tmp_path / "locked.pdf"
    p.write_bytes(encrypted_pdf())
    r = extract_pdf(p)
    assert r.status == "encrypted" and "password" in r.reason.lower()


def test_too_many_pages(corpus_dir: Path) -> None:
    r = extract_pdf(corpus_dir / "1706.03762v5.pdf", ExtractSettings(max_pages=5))
    assert r.status == "too_many_pages" and r.pages == 15 and "max_pages=5" in r.reason


@pytest.mark.parametrize(
    ("kwargs", "msg"),
    [({"max_pages": 0}, "max_pages must be an int >= 1"), ({"min_confidence": 2}, r"in \[0, 1\]"),
     ({"tables": "yes"}, "tables must be True or False")],
)
def test_settings_validation(kwargs, msg) -> None:
    with pytest.raises(ValueError, match=msg):
        ExtractSettings(**kwargs)


def test_scan_has_no_text_layer(extracted) -> None:
    r = extracted("Char_Embed_CNN.pdf")
    assert r.status == "no_text_layer" and r.pages == 6 and r.findings == []


# ---- landmark papers --------------------------------------------------------------------------

def _scores(r, benchmark, metric, label=None):
    return [f for f in r.findings if f.kind == "score" and f.benchmark == benchmark and f.metric == metric
            and (label is None or f.model_label == label)]


def test_resnet(extracted) -> None:
    r = extracted("1512.03385v1.pdf")
    assert r.status == "ok" and r.arxiv_stamp == "1512.03385v1"
    assert r.title == "Deep Residual Learning for Image Recognition"
    top1 = {f.source_text: f for f in _scores(r, "imagenet", "top1")}
    # Table 3 (page 6): 10-crop top-1 errors 22.85 / 21.75 / 21.43 stored as accuracy
    assert top1["ResNet-50 22.85 6.71"].value == pytest.approx(77.15)
    assert top1["ResNet-50 22.85 6.71"].model_label == "ResNet-50"
    assert top1["ResNet-152 21.43 5.71"].reported_as == "error"
    assert {round(f.value, 2) for f in _scores(r, "imagenet", "top1", "ResNet-152")} == {78.57, 80.62}
    assert {round(f.value, 2) for f in _scores(r, "imagenet", "top5", "ResNet-101")} == {93.95, 95.4}
    f = top1["ResNet-101 21.75 6.05"]
    assert f.method == "table_cell" and f.source_text == "ResNet-101 21.75 6.05"
    assert f.extractor_version == EXTRACTOR_VERSION and f.bbox is not None
    x0, top, x1, bottom = f.bbox
    assert 0 < x0 < x1 < 612 and 0 < top < bottom < 792
    # Table 1 FLOPs row, labelled by its column titles; the paper defines FLOPs as multiply-adds
    ops = {f.model_label: f for f in r.findings if f.kind == "ops_per_forward_pass" and f.method == "table_cell"}
    assert ops["152-layer"].context["value_as_written"] == pytest.approx(11.3e9)
    assert ops["50-layer"].value == pytest.approx(2 * 3.8e9)
    assert ops["50-layer"].page == 5 and "FLOPs 1.8×10^9" in ops["50-layer"].source_text
    assert any(f.kind == "training_set_size" and f.value == pytest.approx(1.28e6) for f in r.findings)


def test_transformer(extracted) -> None:
    r = extracted("1706.03762v5.pdf")
    big = {f.benchmark: f.value for f in r.findings if f.kind == "score" and f.model_label == "Transformer (big)"}
    assert big == {"wmt14_en_de": 28.4, "wmt14_en_fr": 41.8}
    counts = {f.value for f in r.findings if f.kind == "chip_count"}
    assert counts == {8.0}
    assert {f.value_text for f in r.findings if f.kind == "chip_model"} == {"nvidia-tesla-p100"}
    times = [f for f in r.findings if f.kind == "training_time"]
    assert {f.value for f in times} == {3.5 * 86400, 12 * 3600}
    t = next(f for f in times if f.page == 8)
    assert t.source_text == "Training took 3.5 days on 8 P100 GPUs." and t.bbox is not None


def test_alexnet(extracted) -> None:
    r = extracted("AlexNet.pdf")
    hw = [f for f in r.findings if f.kind == "chip_count" and f.context.get("chip") == "nvidia-geforce-gtx-580"]
    assert {f.value for f in hw} == {2.0}
    assert {f.value for f in r.findings if f.kind == "training_time"} == {6 * 86400}  # "between five and six days": upper end
    t = next(f for f in r.findings if f.kind == "training_time")
    assert t.context["range_s"] == [5 * 86400, 6 * 86400]
    top1 = _scores(r, "imagenet", "top1", "1 CNN") + _scores(r, "imagenet", "top1", "1 CNN*")
    assert {(f.model_label, round(f.value, 1)) for f in top1} == {("1 CNN", 59.3), ("1 CNN*", 61.0)}


def test_bert(extracted) -> None:
    r = extracted("1810.04805v2.pdf")
    em = _scores(r, "squad11", "em", "BERTLARGE (Single)")
    assert [f.value for f in em] == [84.1]
    assert [f.value for f in _scores(r, "squad11", "f1", "BERTLARGE (Single)")] == [90.9]
    assert _scores(r, "conll2003", "f1")  # Table 7 exists
    tpu = {f.value for f in r.findings if f.kind == "chip_count"}
    assert {4.0, 16.0, 64.0} <= tpu
    assert any(f.kind == "training_time" and f.value == 4 * 86400 and f.context["phase"] == "pretraining" for f in r.findings)


@pytest.mark.parametrize(
    "name",
    [
        "1312.4659v3.pdf",  # DeepPose: pose estimation
        "1801.07698v2.pdf",  # ArcFace: face verification
        "A_Fast_and_Accurate_Dependency_Parser_using_Neural_Networks.pdf",  # parsing
        "1707.08347v1.pdf",  # RankIQA: image quality
        "A_Conditional_Random_Field_Word_Segmenter_for_Sighan_Bakeoff_2005.pdf",  # word segmentation
        "1706.05075v1.pdf",  # relation extraction
    ],
)
def test_out_of_scope_papers_have_no_scores(extracted, name: str) -> None:
    r = extracted(name)
    assert r.status in ("ok", "no_findings")
    assert [f for f in r.findings if f.kind == "score"] == []


def test_pdfplumber_cross_check_agrees_on_resnet_tables(extracted):
    """Every score and ops table cell of the ResNet paper reads the same with pdfplumber
    (raised exponents such as 11.3×10^9 included), so none loses confidence."""
    r = extracted("1512.03385v1.pdf")
    checked = [f for f in r.findings if "pdfplumber_check" in f.context]
    assert len(checked) >= 40
    assert all(f.context["pdfplumber_check"] == "agree" for f in checked), [
        (f.context["cell_text"], f.context["pdfplumber_check"]) for f in checked if f.context["pdfplumber_check"] != "agree"]


def test_pdfplumber_cross_check_marks_a_disagreeing_cell(corpus_dir):
    """A finding whose cell text differs from what pdfplumber reads in its box is halved in confidence."""
    from dataclasses import replace

    from extract.pipeline import cross_check

    r = extract_pdf(corpus_dir / "1512.03385v1.pdf", ExtractSettings(pdfplumber_check=False))
    f = next(f for f in r.findings if f.kind == "score" and f.method == "table_cell")
    wrong = replace(f, context=dict(f.context, cell_text="99.9"))
    out = cross_check(corpus_dir / "1512.03385v1.pdf", [f, wrong])
    assert out[0].context["pdfplumber_check"] == "agree" and out[0].confidence > f.confidence
    assert out[1].context["pdfplumber_check"].startswith("disagree") and out[1].confidence == round(f.confidence * 0.5, 3)


def test_sentence_broken_by_a_page_break_and_a_table() -> None:
    from extract.pipeline import seam_findings
    from extract.sentences import sentence_findings

    page4 = "The initial learning rate is set to 0.6.\nAll models are trained\n4"
    page5 = ("Output size ResNet-50 SE-ResNet-50\nconv, 1 × 1, 64\nf c, [16, 256]\n"
             "Table 2. Single-crop error rates (%) on the ImageNet validation set and complexity\n"
             "the performance improvement over the re-implemented baselines.\n"
             "for 100 epochs from scratch, using the weight initialisation\nstrategy described in [9].\n")
    fs = seam_findings([page4, page5], None, sentence_findings)
    assert [(f.kind, f.value, f.page, f.bbox, f.context["seam"]) for f in fs] == [("epochs", 100.0, 1, None, True)]
    # a finished last sentence, a footnote tail, or a continuation that yields the value alone: nothing
    assert seam_findings(["We train for 10 epochs.\n5", page5], None, sentence_findings) == []
    assert seam_findings(["5We used values of 2.8 TFLOPS for K80 and", page5], None, sentence_findings) == []
    assert seam_findings(["All models are trained", "we train for 100 epochs on eight GPUs in all runs."], None, sentence_findings) == []


def test_technique_citation_is_not_other_work() -> None:
    from extract.sentences import _about_other_work

    assert not _about_other_work("All models are trained for 100 epochs, using the initialisation described in [9].")
    assert not _about_other_work("Following He et al. [12], models are trained for 90 epochs.")
    assert _about_other_work("ResNet [12] was trained for 90 epochs.")
    assert _about_other_work("The model in [9] was trained for 90 epochs.")


def test_statement_near_a_table_reference_takes_the_caption_dataset() -> None:
    from extract.models import Finding
    from extract.pipeline import scope_by_table_refs

    bodies = ["Table 1: Comparison of classification error rate (%) on the CIFAR-10 (C-10) and CIFAR-100 datasets.\n",
              "Results on ImageNet are below. In Table 1, we compare with other networks. Following [49], "
              "our models were trained for 600 epochs.\n"]

    def f(ctx):
        return Finding(kind="epochs", value=600.0, unit="epoch", page=2, bbox=None, source_text="...",
                       extractor="sentence.epochs", extractor_version="t", method="sentence", confidence=0.6, context=ctx)

    near = f({"dataset": "imagenet", "dataset_named": False, "table_ref": "1"})
    named = f({"dataset": "imagenet", "dataset_named": True, "table_ref": "1"})  # the sentence names ImageNet itself
    unknown = f({"table_ref": "9"})
    scope_by_table_refs([near, named, unknown], bodies)
    assert (near.context["dataset"], near.context["dataset_from"]) == ("small", "Table 1 caption")
    assert named.context["dataset"] == "imagenet" and "dataset_from" not in named.context
    assert "dataset" not in unknown.context


def test_sentence_findings_record_table_refs_and_offsets() -> None:
    from extract.sentences import sentence_findings
    from extract.text import sentence_spans

    flat = "In Table 1, we compare with other networks. Following [49], our models were trained for 600 epochs."
    fs = sentence_findings(flat, sentence_spans(flat), None, 3)
    assert [(f.kind, f.context["table_ref"], f.context["offset"]) for f in fs] == [("epochs", "1", flat.index("for 600"))]


@pytest.mark.parametrize(("line", "heading"), [
    ("4.2. Image Classification in ImageNet-1K", True),
    ("C CIFAR-10 Experiments", True),
    ("1 Introduction", True),
    ("3 ResNet-50 76.1", False),  # a table row
    ("7 For example, the BERT SQuAD model can be trained in", False),  # a footnote
])
def test_is_heading(line, heading):
    from extract.pipeline import is_heading

    assert is_heading(line) is heading


def test_section_heading_scopes_statements():
    from extract.models import Finding
    from extract.pipeline import scope_by_section

    def f(off, ctx=None):
        return Finding(kind="chip_count", value=8.0, unit="count", page=7, bbox=None, source_text="We use 8 GPUs in training.",
                       extractor="sentence.chip_count", extractor_version="t", method="sentence", confidence=0.7,
                       context={"offset": off, **(ctx or {})})

    heads = [(100, "4.2. Image Classification in ImageNet-1K"), (900, "4.3. Object Detection and Segmentation in COCO")]
    a, b, c, named = f(500, {"dataset": "small"}), f(1000), f(50), f(600, {"dataset": "coco", "dataset_named": True})
    scope_by_section([a, b, c, named], heads, carried="3.1 Results on CIFAR-10")
    assert (a.context["dataset"], b.context["dataset"], c.context["dataset"]) == ("imagenet", "coco", "small")
    assert named.context["dataset"] == "coco" and "dataset_from" not in named.context


def test_section_text_names_the_dataset_under_a_generic_heading():
    from extract.models import Finding
    from extract.pipeline import scope_by_section

    flat = ("5. Implementation Each plain network is trained with identical schemes. During training on ImageNet, "
            "we follow standard practice. The initial learning rate is 0.6. All models are trained for 100 epochs.")
    f = Finding(kind="epochs", value=100.0, unit="epoch", page=4, bbox=None, source_text="All models are trained for 100 epochs.",
                extractor="sentence.epochs", extractor_version="t", method="sentence", confidence=0.6,
                context={"offset": flat.index("for 100")})
    scope_by_section([f], [(0, "5. Implementation")], None, flat)
    assert (f.context["dataset"], f.context["dataset_from"]) == ("imagenet", "its section's text")


def test_page_break_inside_a_chip_name() -> None:
    from extract.pipeline import seam_findings
    from extract.sentences import sentence_findings

    page1 = "We pre-train for 1M steps.\nPre-training took 4 days on 16 TPU\n1"
    page2 = "v3 chips. We use Adam with a peak learning rate of\n10-4, 10K warm-up steps and linear decay.\n"
    fs = seam_findings([page1, page2], None, sentence_findings)
    assert {(f.kind, f.value_text or f.value) for f in fs} >= {("chip_model", "google-tpu-v3")}


def test_table_floated_past_the_bibliography_is_not_a_reference() -> None:
    from extract.text import reference_lines

    page2 = "5 Conclusion\nWe did well.\nReferences\n[1] P. Rajpurkar, J. Zhang. SQuAD: 100,000+ questions. In EMNLP, 2016.\n"
    page3 = ("Dev Test\nSystem EM F1 EM F1\nBiDAF [2] 67.7 77.3 68.0 77.3\nOurs\n"
             "SCP-Large (single) 85.0 91.6 85.8 92.3\n"
             "Table 1: Results on SQuAD 1.1. Test results were obtained by submitting.\n"
             "Human performance is taken from the dataset paper.\n"
             "[7] K. He, X. Zhang. Deep residual learning. In CVPR, pages 770-778, 2016.\nvol. 12, 2015.\n")
    flagged = reference_lines([page2, page3])
    assert flagged[0] & {0, 1} == set() and flagged[0] >= {2, 3}
    lines = page3.split("\n")
    assert {lines[i] for i in set(range(len(lines))) - flagged[1]} >= {
        "Dev Test", "System EM F1 EM F1", "BiDAF [2] 67.7 77.3 68.0 77.3", "Ours",
        "SCP-Large (single) 85.0 91.6 85.8 92.3", "Human performance is taken from the dataset paper."}
    assert {lines[i] for i in flagged[1]} == {"[7] K. He, X. Zhang. Deep residual learning. In CVPR, pages 770-778, 2016.",
                                             "vol. 12, 2015.", ""}


@pytest.mark.parametrize(
    ("text", "madds"),
    [
        ("FLOPs are counted as multiply-adds throughout this paper.", True),
        ("We report FLOPs, counting one multiply-accumulate as one FLOP.", True),
        ("Here one FLOP corresponds to one multiply-add.", True),
        ("FLOPs (i.e., multiply-adds) are measured at 224 x 224.", True),
        ("We count FLOPs as operations: a multiply-add is 2 FLOPs.", False),
        ("All FLOPs count one fused multiply-add as one operation.", True),
        ("Our FLOPs count multiply-accumulate operations.", True),
        ("FLOPs count a multiply-add as two FLOPs.", False),
        ("We report FLOPs, where a multiply-add counts as two FLOPs.", False),
    ],
)
def test_papers_saying_their_flops_are_multiply_adds(text: str, madds: bool) -> None:
    from extract.pipeline import _FLOPS_ARE_MADDS_RE

    assert bool(_FLOPS_ARE_MADDS_RE.search(text)) is madds
