"""Sentence rules on sentences written the way papers write them."""

from __future__ import annotations

import pytest

from extract.scores import sentence_scores
from extract.sentences import sentence_findings
from extract.text import sentence_spans


def _run(text: str):
    spans = sentence_spans(text)
    return sentence_findings(text, spans, None, 1), sentence_scores(text, spans, None, 1)


def _one(findings, kind):
    got = [f for f in findings if f.kind == kind]
    assert len(got) == 1, got
    return got[0]


@pytest.mark.parametrize(
    ("text", "count", "chip"),
    [
        ("We trained our models on one machine with 8 NVIDIA P100 GPUs.", 8, "nvidia-tesla-p100"),
        ("The model was trained for 3.5 days on eight GPUs.", 8, None),
        ("Our network takes between five and six days to train on two GTX 580 3GB GPUs.", 2, "nvidia-geforce-gtx-580"),
        ("We train on a TPUv3 pod with 512 cores.", 256, "google-tpu-v3"),
        # the chip's model number is not a count
        ("Each model is trained on a single NVIDIA GeForce GTX 1080 Ti GPU for 12 hours.", 1, "nvidia-geforce-gtx-1080-ti"),
        ("Our implementation trains on 2 NVIDIA RTX 2080Ti GPUs.", 2, "nvidia-geforce-rtx-2080-ti"),
        ("All experiments are run on 4 NVIDIA A100 GPUs.", 4, "nvidia-a100"),
        ("We used 256 GPUs (NVIDIA V100) for training.", 256, "nvidia-tesla-v100"),
        ("We train the network using 4 NVIDIA GeForce GTX1080Ti GPUs for 2 days.", 4, "nvidia-geforce-gtx-1080-ti"),
        ("Training took approximately 1 week on 16 P100s.", 16, "nvidia-tesla-p100"),  # the chip in the plural
        ("Training is done with synchronous SGD on 4 machines, each with 8 V100 GPUs.", 32, "nvidia-tesla-v100"),
        ("We train on 8 nodes with 4 GPUs each.", 32, None),
        ("The network was trained on 16 Google Cloud TPUv3 for 3 days.", 16, "google-tpu-v3"),  # no device word
        ("Training takes 10 hours on a single NVIDIA Titan Xp.", 1, "nvidia-titan-xp"),
        # Cloud TPU slices are named by their TensorCores, two per chip; a pod is not one chip
        ("We use a TPUv3-8 for training.", 4, "google-tpu-v3"),
        ("Each model is trained on a Cloud TPU v3 Pod with 512 cores.", 256, "google-tpu-v3"),
        ("Training for 600 epochs on 128 cores of TPU v3 takes about 3 days.", 64, "google-tpu-v3"),
        ("Models were trained on Google Cloud TPU v2 with 8 cores.", 4, "google-tpu-v2"),
        # a memory size glued to the chip's name is not a count; the model number alone names the chip
        ("Training used 8 NVIDIA A100-SXM4-40GB GPUs.", 8, "nvidia-a100"),
        ("The training is conducted on a machine with 4 NVIDIA 1080Ti GPUs.", 4, "nvidia-geforce-gtx-1080-ti"),
        ("We run all experiments on a single GeForce GTX TITAN X GPU.", 1, "nvidia-geforce-gtx-titan-x"),
        ("Each experiment uses 8 x NVIDIA V100 (16GB).", 8, "nvidia-tesla-v100"),
        ("The model is fine-tuned for 2 epochs on a single A100 GPU.", 1, "nvidia-a100"),
    ],
)
def test_hardware(text: str, count: float, chip: str | None) -> None:
    found, _ = _run(text)
    assert _one(found, "chip_count").value == count
    models = [f.value_text for f in found if f.kind == "chip_model"]
    assert models == ([chip] if chip else [])


def test_inference_hardware_is_not_training_hardware() -> None:
    found, _ = _run("At test time the detector runs at 45 fps on a Titan X GPU.")
    assert found and {f.context["phase"] for f in found} == {"inference"}
    assert all(f.confidence == 0.5 for f in found)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("Training took 3.5 days on 8 P100 GPUs.", 3.5 * 86400),
        ("We trained the base models for a total of 100,000 steps or 12 hours.", 43200),
        ("It took 5 to 6 days to train the network.", 6 * 86400),  # upper end of the range
    ],
)
def test_training_time(text: str, seconds: float) -> None:
    found, _ = _run(text)
    assert _one(found, "training_time").value == pytest.approx(seconds)


def test_slice_size_with_a_footnote_mark_is_no_count() -> None:
    found, _ = _run("We fine-tune the model using a TPU v3-81 with a batch size of 128, which takes approximately 30 hours.")
    assert [f.value for f in found if f.kind == "chip_count"] == []


def test_about_a_week() -> None:
    found, _ = _run("Each model was trained on 2 NVIDIA K40 GPUs for about a week.")
    assert _one(found, "training_time").value == 7 * 86400
    found, _ = _run("Training converges within a day.")
    assert [f for f in found if f.kind == "training_time"] == []


def test_each_clause_keeps_its_phase() -> None:
    found, _ = _run("Our model is pre-trained on 64 V100 GPUs for 5 days and fine-tuned on 8 V100 GPUs for 1 day.")
    got = sorted((f.kind, f.value, f.context["phase"]) for f in found if f.kind in ("chip_count", "training_time"))
    assert got == [("chip_count", 8, "finetuning"), ("chip_count", 64, "pretraining"),
                   ("training_time", 86400, "finetuning"), ("training_time", 5 * 86400, "pretraining")]


def test_time_per_epoch_is_skipped() -> None:
    found, _ = _run("Training takes 2 hours per epoch on one GPU.")
    assert [f for f in found if f.kind == "training_time"] == []


def test_epochs_and_schedule() -> None:
    found, _ = _run("We train for 90 epochs and divide the learning rate by 10 every 30 epochs.")
    assert [f.value for f in found if f.kind == "epochs"] == [90]


def test_training_set_size() -> None:
    found, _ = _run("The models are trained on the 1.28 million training images.")
    assert _one(found, "training_set_size").value == pytest.approx(1.28e6)


def test_ops_and_params() -> None:
    found, _ = _run("The 152-layer ResNet (11.3 billion FLOPs) has 60.2M parameters.")
    ops = _one(found, "ops_per_forward_pass")
    assert ops.value == pytest.approx(11.3e9) and ops.model_label == "152-layer ResNet"
    assert _one(found, "parameters").value == pytest.approx(60.2e6)


def test_saved_flops_are_not_a_model_size() -> None:
    found, _ = _run("This block reduces the cost by 0.5 GFLOPs.")
    assert [f for f in found if f.kind == "ops_per_forward_pass"] == []


@pytest.mark.parametrize(
    ("text", "benchmark", "metric", "value", "reported_as"),
    [
        ("Our model achieves a top-1 error 21.3% on the ImageNet validation set.", "imagenet", "top1", 78.7, "error"),
        ("On ImageNet, our model achieves top-1 accuracy 78.7 with fewer parameters.", "imagenet", "top1", 78.7, None),
        ("Our model achieves 28.4 BLEU on the WMT 2014 English-to-German translation task.", "wmt14_en_de", "bleu", 28.4, None),
        ("Our single model obtains an F1 of 92.2 on CoNLL-2003 NER.", "conll2003", "f1", 92.2, None),
        ("On SQuAD v1.1 we achieve an F1 of 93.2.", "squad11", "f1", 93.2, None),
    ],
)
def test_sentence_scores(text, benchmark, metric, value, reported_as) -> None:
    _, scores = _run(text)
    assert len(scores) == 1, scores
    s = scores[0]
    assert (s.benchmark, s.metric, s.reported_as) == (benchmark, metric, reported_as)
    assert s.value == pytest.approx(value)


def test_squad2_and_other_people_results_are_not_scores() -> None:
    _, s1 = _run("Our system achieves an F1 of 83.1 on SQuAD 2.0.")
    _, s2 = _run("The previous best system reported 26.3 BLEU on WMT 2014 English-German.")
    assert s1 == [] and s2 == []


def test_bare_error_number_is_not_read() -> None:
    _, scores = _run("Our model gets a top-1 error 21.3 on ImageNet.")
    assert scores == []


def test_first_figure_is_the_papers_own() -> None:
    _, scores = _run("We achieve 37.1% top-5 error on ILSVRC, close to the 34.2% top-5 error of the other model.")
    assert [s.value for s in scores] == [pytest.approx(62.9)]


def test_parallelised_model_states_its_machine() -> None:
    found, _ = _run("This was too slow for our purposes, so we parallelized our model using an 8-GPU machine.")
    assert _one(found, "chip_count").value == 8.0


def test_dataset_context_before_in_and_after_the_sentence():
    from extract.sentences import dataset_context

    def ctx(text, sentence):
        s0 = text.index(sentence)
        return dataset_context(text, s0, s0 + len(sentence))

    k80 = "For ResNet and ShiftResNet, we use two Tesla K80 GPUs with batch size 128."
    # Shift (1711.08141): the CIFAR experiments are named only in the sentence after
    assert ctx(f"Using ResNet, we compare. {k80} In these experiments, we use the CIFAR10 version of ResNet.", k80) == ("small", False)
    assert ctx(f"On ImageNet we train longer. {k80} Later, on CIFAR-10 too.", k80) == ("imagenet", False)  # before wins
    assert ctx(f"{k80} We then evaluate on COCO and on CIFAR-10.", k80) is None  # only a small set ahead counts
    assert ctx(f"{k80[:-1]} on ImageNet.", f"{k80[:-1]} on ImageNet.") == ("imagenet", True)


@pytest.mark.parametrize(("before", "label"), [
    ("Left: the VGG-19 model [41] (", "VGG-19 model"),
    ("By contrast, BERTBASE contains 110M parameters and BERTLARGE contains ", "BERTLARGE"),
    ("BERTLARGE (L=24, H=1024, A=16, Total Parameters=", "BERTLARGE"),
    ("our ShuffleNet v2 has about ", "ShuffleNet v2"),
    ("EfficientNet-B7 with only ", "EfficientNet-B7"),
    ("Our EfficientNet-B0 has ", "EfficientNet-B0"),
    ("SE-ResNet-50 requires ∼", "SE-ResNet-50"),
    ("It has ", None),  # a pronoun, not a model
    ("The network has ", None),
    ("the model with ", None),
    ("(L=24, H=1024, A=16, Total Parameters=", None),  # no name before the bracket
])
def test_label_before_a_count(before, label):
    from extract.sentences import _label_before

    assert _label_before(before) == label


def test_epochs_of_each_search_candidate_are_not_a_schedule():
    from extract.sentences import sentence_findings

    s = "NAS has an additional reranking stage, that trains the top 250 models for 300 epochs each."
    assert sentence_findings(s, [(0, len(s))], None, 1) == []
    s = "We trained the models and 90 epochs were run in total on eight GPUs."
    assert [(f.kind, f.value) for f in sentence_findings(s, [(0, len(s))], None, 1) if f.kind == "epochs"] == [("epochs", 90.0)]


@pytest.mark.parametrize(("s", "count"), [
    ("It took 14 days to train the model on a single GTX 1080 Ti.", 1.0),
    ("We train on a Titan X.", 1.0),
    ("The model fits on a single V100.", None),  # not a statement of training
])
def test_one_named_chip_without_the_word_gpu(s, count):
    from extract.sentences import sentence_findings

    got = [f.value for f in sentence_findings(s, [(0, len(s))], None, 1) if f.kind == "chip_count"]
    assert got == ([count] if count else [])


def test_gpu_days_are_not_a_device_count():
    from extract.sentences import sentence_findings

    for s in ("In total, training requires about 10 GPU days.", "The search took 1800 GPU-hours."):
        assert [f for f in sentence_findings(s, [(0, len(s))], None, 1) if f.kind == "chip_count"] == [], s


def test_a_year_is_not_a_count():
    from extract.sentences import sentence_findings

    for t in ("In 2017 V100 GPUs were used to train the models.", "Training used 2015 V100 results."):
        assert [f for f in sentence_findings(t, [(0, len(t))], None, 1) if f.kind == "chip_count"] == [], t


def test_split_at_caption_edges():
    from extract.sentences import split_at

    assert split_at([(0, 100), (100, 150)], [40, 120]) == [(0, 40), (40, 100), (100, 120), (120, 150)]
    assert split_at([(0, 100)], [0, 100]) == [(0, 100)]  # a cut on an edge changes nothing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a percentage at the end of the sentence
        ("On ImageNet, our largest model reaches a top-1 error of 17.2% and a top-5 error of 3.9%.",
         [("imagenet", "top1", 82.8), ("imagenet", "top5", 96.1)]),
        # COCO object detection is the benchmark; only ImageNet's detection task is another task
        ("On COCO object detection, our model reaches 47.2 box AP.", [("coco", "box_ap", 47.2)]),
        ("On the ImageNet detection task, our model reaches a top-5 error of 3.9%.", []),
        # another model's clause is not ours, and the value after it is
        ("Unlike ELMo, which achieves 92.2 F1 on CoNLL-2003, our model reaches 93.0 F1.", [("conll2003", "f1", 93.0)]),
        ("Our model achieves 92.8 F1, compared with 92.4 for BERT on CoNLL-2003.", [("conll2003", "f1", 92.8)]),
        ("Compared with BERT, which obtains 92.4 F1 on CoNLL-2003, our model gains 0.6 F1.", []),
    ],
)
def test_sentence_scores_are_the_papers_own(text: str, expected: list) -> None:
    _, scores = _run(text)
    assert [(f.benchmark, f.metric, pytest.approx(f.value)) for f in scores] == expected


@pytest.mark.parametrize(
    ("text", "kind", "value", "label"),
    [
        ("ResNet-50 has 25.6M parameters and requires 4.1 GFLOPs.", "ops_per_forward_pass", 4.1e9, "ResNet-50"),
        ("EfficientNet-B7 has 66M parameters and 37B FLOPs.", "ops_per_forward_pass", 37e9, "EfficientNet-B7"),
        ("Our FooNet-L model requires 18.4 billion multiply-adds per image.", "ops_per_forward_pass", 36.8e9, "FooNet-L"),
        ("We train on the 4.5 million sentence pairs of WMT 2014 English-German.", "training_set_size", 4.5e6, None),
        # a second model named right before its count, after a clause break
        ("GCR-base needs 1.9 GFLOPs in total, and GCR-big 6.8 GFLOPs per forward pass.", "ops_per_forward_pass", 6.8e9, "GCR-big"),
    ],
)
def test_values_said_of_a_model(text: str, kind: str, value: float, label: str | None) -> None:
    found, _ = _run(text)
    got = [f for f in found if f.kind == kind][-1]
    assert got.value == pytest.approx(value) and got.model_label == label


def test_training_compute_is_not_ops_per_forward_pass() -> None:
    found, _ = _run("The base model requires 3.3 × 10^18 FLOPs to train.")
    assert [f for f in found if f.kind == "ops_per_forward_pass"] == []


@pytest.mark.parametrize(
    ("text", "kind", "values"),
    [
        ("We use 32 TPU v3 cores in data-parallel mode with a batch size of 4096.", "chip_count", [16]),
        ("Ablation experiments use the shorter 12-epoch (1x) schedule with single-scale training.", "epochs", [12]),
        ("Models are trained with the 3x schedule (36 epochs).", "epochs", [36]),
        ("One run of StripeViT-S completes in 14 hours.", "training_time", [14 * 3600]),
        # the compared model's schedule is not ours
        ("PolyDETR with a 12-epoch schedule already outperforms Deformable DETR trained for 50 epochs.", "epochs", [12]),
    ],
)
def test_more_training_statements(text: str, kind: str, values: list) -> None:
    found, _ = _run(text)
    assert [f.value for f in found if f.kind == kind] == values


def test_header_ap75_is_no_sentence_score() -> None:
    _, scores = _run("Our method on COCO: Method AP AP50 AP75 AP 41.5 60.6 45.0.")
    assert 75.0 not in [f.value for f in scores]


def test_sentence_naming_the_papers_model_is_its_own() -> None:
    from extract.scores import sentence_scores
    from extract.text import sentence_spans

    def run(text, own_name):
        return [(f.benchmark, f.value, f.model_label, f.context.get("column"))
                for f in sentence_scores(text, sentence_spans(text), None, 1, own_name=own_name)]

    text = "On newstest2014 En→Fr, SparseMix-Big reaches 42.7 BLEU and SparseMix-Base 40.3 BLEU."
    assert run(text, "sparsemix") == [("wmt14_en_fr", 42.7, "SparseMix-Big", None), ("wmt14_en_fr", 40.3, "SparseMix-Base", None)]
    assert run(text, None) == []  # no we/our and no title model: not the paper's own
    assert run("The Transformer reaches 41.0 BLEU on WMT 2014 En-Fr.", "sparsemix") == []
    # a development-set figure says so
    text = "For example, our SQuAD model can be trained in 30 minutes to achieve a Dev F1 score of 91.0%."
    assert run(text, None) == [("squad11", 91.0, None, "Dev")]


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("The forward pass costs 3.1 GFLOPs for Corvid-Base and 10.6 GFLOPs for Corvid-Big.", 10.6e9, "Corvid-Big"),
        ("It takes 16.2 GFLOPs with Pelican-Base.", 16.2e9, "Pelican-Base"),
        ("Quill-Base costs 29.0 GFLOPs.", 29.0e9, "Quill-Base"),
    ],
)
def test_ops_said_of_a_model_after_the_value(text: str, value: float, label: str) -> None:
    found, _ = _run(text)
    got = [f for f in found if f.kind == "ops_per_forward_pass"][-1]
    assert got.value == pytest.approx(value) and got.model_label == label
