"""The whole extraction (PDF -> findings -> warehouse -> observations) on synthetic papers made for
these tests (``tests/data/synthetic``, see its README): layouts and phrasings the real corpus has
few of. Expected values are what each paper prints; see its ``.tex``."""

from __future__ import annotations

from pathlib import Path

import pytest

SYNTHETIC = Path(__file__).resolve().parents[1] / "data" / "synthetic"


@pytest.fixture(scope="module")
def observations(tmp_path_factory):
    """Observation rows (dicts) of all synthetic papers, unreviewed findings included."""
    from extract import EXTRACTOR_VERSION, extract_pdf
    from extract.observations import assemble_observations
    from flows.sources.dir_source import DirSource
    from warehouse import db, load

    con = db.connect(tmp_path_factory.mktemp("w") / "w.duckdb")
    for ref in DirSource(SYNTHETIC).list_papers():
        load.load_document(con, ref, extract_pdf(ref.local_path), extractor_version=EXTRACTOR_VERSION)
    return assemble_observations(con, include_pending=True).to_dicts()


def _row(rows, paper: str, model: str, benchmark: str, metric: str) -> dict:
    got = [r for r in rows if r["paper_key"] == paper and r["model_name"] == model
           and r["benchmark"] == benchmark and r["metric"] == metric]
    assert len(got) == 1, [(r["model_name"], r["benchmark"], r["metric"]) for r in rows if r["paper_key"] == paper]
    return got[0]


@pytest.mark.parametrize(
    ("paper", "model", "benchmark", "metric", "expected"),
    [
        # FLOPs said to be multiply-adds: 4.3 GFLOPs -> 8.6e9 FLOP
        ("2199.00001", "HexaMix-S (ours)", "imagenet", "top1",
         {"score": 82.1, "ops_per_forward_pass_flop": 8.6e9, "chip_model": "nvidia-tesla-v100", "chip_count": 8.0, "epochs": 300.0,
          "training_time_s": 40 * 3600.0}),
        # "Training HexaMix-S takes roughly 40 hours, while HexaMix-B needs about 3.5 days": each its own; T none
        ("2199.00001", "HexaMix-B† (ours)", "imagenet", "top1", {"score": 83.4, "training_time_s": 3.5 * 86400}),
        ("2199.00001", "HexaMix-T (ours)", "imagenet", "top5", {"score": 94.6, "training_time_s": None}),
        # TPU cores count half; the A100 of a throughput caption is not the training chip
        ("2199.00003", "StripeViT-S", "imagenet", "top1",
         {"score": 82.4, "ops_per_forward_pass_flop": 4.7e9, "chip_model": "google-tpu-v3", "chip_count": 16.0, "epochs": 300.0}),
        ("2199.00003", "ConvNeXt-T", "imagenet", "top1", {"score": 82.1, "ops_per_forward_pass_flop": 4.5e9}),
        # IEEE "TABLE I" over its caption: test-dev AP, the 24-epoch main schedule (not the ablations' 12)
        ("2199.00004", "RingDet (ours) (R-50-FPN)", "coco", "box_ap",
         {"score": 41.5, "chip_model": "nvidia-tesla-v100", "chip_count": 8.0, "training_time_s": 75600.0, "epochs": 24.0}),
        ("2199.00004", "RingDet R-101", "coco", "box_ap", {"score": 44.0, "ops_per_forward_pass_flop": 6.48e11}),
        # "Table 2" between two tables is the lower one's; "APb" is box AP beside mask AP
        # ... and "All detectors are trained on 8 V100 GPUs" is the COCO run's machine, not the ImageNet one's A100s
        ("2196.00002", "Zeta-T", "coco", "box_ap", {"score": 43.9, "chip_model": "nvidia-tesla-v100", "chip_count": 8.0}),
        ("2196.00002", "Zeta-T", "imagenet", "top1", {"score": 82.6}),
        # "SQuAD 1.1  SQuAD 2.0" over two EM/F1 pairs: the 1.1 pair only
        ("2196.00004", "Heron-Large", "squad11", "em", {"score": 89.7}),
        ("2196.00004", "Heron-Large", "squad11", "f1", {"score": 95.0}),
        # a table past the bibliography; "16 TPU" + "v3 chips" across a page break
        ("2198.00003", "SCP-Large (single)", "squad11", "em",
         {"score": 85.8, "chip_model": "google-tpu-v3", "chip_count": 16.0, "training_time_s": 345600.0, "epochs": 2.0}),
        ("2198.00003", "SCP-Large (ensemble)", "squad11", "f1", {"score": 93.1}),
        # "mean ± std" cells; "(our impl.)" marks a baseline, not the paper's rows
        ("2198.00005", "CGE-LSTM", "conll2003", "f1",
         {"score": 91.64, "chip_model": "nvidia-geforce-gtx-1080-ti", "chip_count": 1.0, "epochs": 50.0}),
        ("2198.00005", "Peters et al.", "conll2003", "f1", {"score": 92.22, "chip_model": None}),
    ],
)
def test_synthetic_paper_rows(observations, paper, model, benchmark, metric, expected) -> None:
    row = _row(observations, paper, model, benchmark, metric)
    assert {k: row[k] for k in expected} == pytest.approx(expected)


def test_no_rows_from_other_datasets(observations) -> None:
    # CIFAR-10, PASCAL VOC, SQuAD 2.0 and OntoNotes tables give no benchmark rows
    scores = {(r["paper_key"], r["score"]) for r in observations}
    assert not scores & {("2199.00004", 76.4), ("2199.00004", 83.3), ("2198.00005", 87.12), ("2198.00005", 89.05)}


def test_caption_between_two_tables_goes_to_the_unclaimed_one(corpus_dir) -> None:
    # CBAM p. 14: "Table 7" under its COCO table and over the VOC table that "Table 8" (under it) claims
    from extract.tables import find_tables
    from tests.extract.test_tables import _layout_of

    caps = [t.caption[:7] for t in find_tables(_layout_of(corpus_dir, "1807.06521.pdf", 14)) if t.rows]
    assert caps[:2] == ["Table 7", "Table 8"]
    # SENet p. 5: "Table 1" under the architecture table, "Table 2" over the results table
    caps = [t.caption[:7] for t in find_tables(_layout_of(corpus_dir, "1709.01507v2.pdf", 5)) if t.caption]
    assert caps.count("Table 2") == 1
