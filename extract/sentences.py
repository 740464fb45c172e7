"""Sentence rules: operations, parameters, training hardware, time, epochs and data size.

Each rule is a regular expression over one sentence of flattened page text plus a context test
(a training verb for hardware and time; no inference words such as ``fps`` or ``latency``).
Rules and the choices they make:

* chip count: the number right before a chip or ``GPUs``/``TPUs`` (``8 NVIDIA P100 GPUs``,
  ``eight GPUs``, ``two GTX 580 3GB GPUs``, ``8-GPU``), or before workers/replicas that name
  their device (``16 GPU asynchronous workers``, ``100 P100 workers``; a sentence about SGD
  workers or the batch size is about training); TPU cores count half (``a TPUv3 pod with
  512 cores`` -> 256 chips, 2 cores per chip).
* training time: ``N unit`` or ``N to M units`` (the upper end stored, both bounds in ``context``:
  a range such as "2-3 weeks depending on the architecture" spans the paper's models and the
  largest, the one a benchmark row reports, took the longest; Thompson et al.'s data records
  the upper end, e.g. 3 weeks for VGG-19, 6 days for AlexNet's "five to six days") in a
  sentence about training; durations per epoch/step/iteration and hedged ones (``at most``,
  ``less than``) are skipped, as are seconds.
* epochs: ``for N epochs``, ``a total of N epochs``, ``N training epochs``; ``every/after N epochs``
  (schedules) are not counts of training.
* training-set size: ``N training images``, ``training set of N images``, ``trained on N
  sentence pairs`` (N >= 1,000).
* operations / parameters: ``3.6 billion FLOPs``, ``569M Mult-Adds``, ``25.6M parameters``; values
  said to be saved, added or reduced are skipped.
"""

from __future__ import annotations

import re

from extract.chips import Chip, find_chips
from extract.layout import PageLayout
from extract.models import Finding
from extract.tables import caption_spans
from extract.units import (
    COUNT, DURATION_RE, NUMBER, OPS_RE, duration_from_match, ops_from_match,
    parse_number, scale_factor,
)
from extract.version import EXTRACTOR_VERSION

_TRAIN_RE = re.compile(r"\b(?:experiments?\s+(?:are|were|is|was)\s+(?:run|conducted|performed|carried\s+out)|(?:run|ran|conduct|conducted|perform|performed)\s+(?:all\s+)?(?:of\s+)?(?:our\s+|the\s+|these\s+)?experiments|(?:each|every|all|our)\s+(?:of\s+our\s+)?experiments?\s+(?:uses?|used|runs?|ran)|train|trained|training|trains|pre-?train\w*|fine-?tun\w*|took|takes|converge\w*|learn\w*|optimi[sz]\w*|paralleli[sz]\w*|data[\s-]parallel|(?:runs?|steps|iterations)\b[^.;]{0,40}\b(?:lasts?|lasted|completes?|completed|finish(?:es|ed)?)|SGD|(?:mini-?)?batch\s+size|workers)\b", re.IGNORECASE)
_INFER_RE = re.compile(
    r"\b(?:inference|test(?:ing)?[\s-]time|runs? at|fps|frames per second|latency|throughput|per image|speed of|images/s|"
    r"real[\s-]time|on a mobile|CPU time|decoding speed|words per second|speed\s+(?:is|was)\s+(?:evaluated|measured|tested))\b",
    re.IGNORECASE,
)
_HEDGE_BEFORE_RE = re.compile(r"(?:at most|less than|fewer than|under|up to|within|more than|at least|over|than|only about)\s*$", re.IGNORECASE)
_PER_AFTER_RE = re.compile(r"^\s*(?:per|each|for each|for every|every|/)\b|^\s*/", re.IGNORECASE)
_PHASE_PRE_RE = re.compile(r"pre-?train", re.IGNORECASE)
_PHASE_FT_RE = re.compile(r"fine-?tun", re.IGNORECASE)
_DELTA_BEFORE_RE = re.compile(r"(?:reduc\w*|sav\w*|additional|extra|increase\w*|overhead|fewer|less|more|by|adds?|added|cut|drop\w*|plus|[+\-−])\s+(?:of\s+|only\s+|about\s+|approximately\s+|roughly\s+|~)?$", re.IGNORECASE)

_DEVICE = (r"(?:(?:GPU|TPU)\s+(?:(?:a?synchronous|a?sync)\s+)?(?:workers|replicas)|GPU\s+cards|GPUs?|graphics\s+cards|cards"
           r"|TPU\s+(?:chips|devices|boards)|TPUs?|chips|(?:a?synchronous\s+)?(?:workers|replicas)"
           r"|[A-Z]{1,2}\d{2,3}s)")  # "16 P100s", "8 V100s": a chip model in the plural is the device
_MID_TOKEN = (
    r"(?:NVIDIA|Nvidia|NVidia|nVidia|Tesla|GeForce|GTX|RTX|Titan|TITAN|Cloud|Google|Quadro|Ti|Xp?|Black|"
    r"Pascal|Maxwell|Volta|Kepler|SXM2?|PCIe|\(?\d{1,3}\s?GB\)?|\d{1,3}GB|[A-Za-z]{1,4}\d{2,4}(?:Ti|[A-Za-z])?|\d{3,4}(?:Ti)?|v\d|TPU\s?v\d|TPUv\d|V)"
)
_COUNT_DEVICE_RE = re.compile(
    rf"(?<![\w.,])(?<!\w-)(?P<n>{COUNT}|a\s+single|a|an|single)(?!\d)\s*(?:[x×]\s*)?(?P<mid>(?:{_MID_TOKEN}[\s\-]+){{0,6}}?)(?P<dev>{_DEVICE})(?![\w-])"
)
_N_GPU_RE = re.compile(r"(?<![\w.])(?P<n>\d{1,4})-(?P<dev>GPU|TPU)\b")
#: An approximation before "a week": "for about a week", "roughly a day".
_ABOUT_BEFORE_RE = re.compile(r"\b(?:about|around|roughly|approximately|nearly|almost|~)\s+$", re.IGNORECASE)
#: A TPU pod or slice after a TPU's name: "a Cloud TPU v3 Pod", "TPUv3-8", "TPU v3-32 pod slice".
_SLICE_AFTER_RE = re.compile(r"(?:\s+v?\d)?(?:[\s\-]*(?:pods?|slices?)\b|-\d)", re.IGNORECASE)
#: Device time after a device word: "GPU days", "TPU-hours".
_DEVICE_TIME_RE = re.compile(r"[\s\-]*(?:days?|hours?|hrs?|weeks?|months?|years?)\b", re.IGNORECASE)
#: Machines times devices: "4 machines, each with 8 V100 GPUs", "8 nodes with 4 GPUs each".
_NODES_RE = re.compile(
    rf"(?<![\w.,])(?P<n1>{COUNT})\s+(?:machines|nodes|servers|hosts)\s*,?\s*(?:each\s+)?(?:with|having|containing|equipped\s+with)\s+"
    rf"(?P<n2>{COUNT})\s+(?P<mid>(?:{_MID_TOKEN}[\s\-]+){{0,6}}?)(?P<dev>GPUs?|TPUs?|(?:GPU\s+)?cards)\b", re.IGNORECASE)
_USE_ONE_RE = re.compile(r"\b(?:train\w*|pre-?train\w*|fine-?tun\w*|took|takes|experiments?)\b(?:\s+[\w\-]+){0,6}?\s+(?:on|using|with|in)\s+(?:a\s+single|one|a|single)\b", re.IGNORECASE)
#: Another paper's setup: a citation or "et al." in a sentence without "we"/"our".
_CITED_RE = re.compile(r"\[\d+(?:[,\s\-–]+\d+)*\]|\bet al\.")
_WE_RE = re.compile(r"\b(?:we|our|us)\b", re.IGNORECASE)


#: A citation that credits a technique the sentence uses (``the weight initialisation strategy
#: described in [9]``, ``as in [6]``, ``following He et al.``), not the subject of the sentence.
_TECHNIQUE_CITE_RE = re.compile(
    r"\b(?:(?:described|proposed|introduced|suggested|used|defined)\s+in|as\s+in|following|from|cf\.|see)\s+"
    r"(?:\[\d+(?:[,\s\-–]+\d+)*\]|[A-Z][\w\-]+\s+et al\.(?:\s*\[\d+(?:[,\s\-–]+\d+)*\])?)", re.IGNORECASE)


def _about_other_work(sentence: str) -> bool:
    """Given a sentence, return True when it describes cited work rather than this paper's: it
    cites (``[12]``, ``et al.``), not only to credit a technique it uses (``described in [9]``),
    and says neither we, our nor us."""
    return bool(_CITED_RE.search(_TECHNIQUE_CITE_RE.sub(" ", sentence))) and not _WE_RE.search(sentence)
_CORES_RE = re.compile(
    rf"(?:(?P<chip>TPU\s?-?v?\d|TPUv\d)\s+(?:(?:pods?|pod\s+slices?|slices?)\s+)?(?:with|of|containing)\s+(?P<n1>{NUMBER})\s+(?:TPU\s+)?cores"
    rf"|(?P<n2>{NUMBER})\s+(?:(?:Cloud\s+)?TPU\s?-?v?\d?|TPUv\d)\s+cores"
    rf"|(?P<n3>{NUMBER})\s+(?:TPU\s+)?cores\s+of\s+(?:a\s+|an\s+)?(?:Cloud\s+)?(?:TPU\s?-?v?\d|TPUv\d)"
    # Cloud TPU slice names count TensorCores: "TPUv3-8", "TPU v3-32 pod slice", "v3-256"
    rf"|(?:TPU\s?-?v[234]|TPUv[234])-(?P<n4>\d{{1,4}})(?![\w.-]))",
    re.IGNORECASE,
)
_EPOCHS_RE = re.compile(
    rf"(?:(?P<pre>\b(?:for|a total of|total of|about|approximately|roughly|around|~|over)\s+)(?P<n>{COUNT})\s+(?:training\s+|full\s+)?epochs\b"
    rf"|(?P<n2>{COUNT})\s+(?:training\s+)?epochs\s+in\s+total|(?P<n3>{COUNT})\s+training\s+epochs"
    rf"|(?P<n4>{COUNT})\s+epochs\s+(?:are|were)\s+(?:run|used|performed|trained)"
    rf"|(?<![\w.])(?P<n5>\d{{1,4}})-epochs?\s+(?:\([^()]{{1,12}}\)\s+)?(?:schedule|training)\b"
    rf"|\bschedules?\s+\((?P<n6>\d{{1,4}})\s+epochs\))",
    re.IGNORECASE,
)
#: A comparison with another model earlier in the clause: its settings follow ("outperforms
#: Deformable DETR trained for 50 epochs", "compared with BERT, which takes 4 days").
_COMPARED_BEFORE_RE = re.compile(
    r"\b(?:outperform\w*|surpass\w*|beat\w*|than|compared\s+(?:to|with)|unlike|versus|vs\.?)\s+[^,;:]{0,60}$", re.IGNORECASE)
_EPOCH_SCHEDULE_BEFORE_RE = re.compile(r"(?:every|each|first|last|after|at|warm-?up|within|per)\s+(?:the\s+)?$", re.IGNORECASE)
_ITEMS = r"(?:images|examples|samples|sentence\s+pairs|sentences|pairs|question-answer\s+pairs|questions|utterances|documents|videos|tokens|words)"
_SCALE = r"(?:\s?(?:[kKMB]|[Bb]illion|[Mm]illion|[Tt]housand)(?![A-Za-z]))?"
_SETSIZE_RE = re.compile(
    rf"(?P<a>{NUMBER}){_SCALE.replace('(?:', '(?P<sa>', 1)}\s+(?:labell?ed\s+|annotated\s+)?training\s+{_ITEMS}"
    rf"|training\s+(?:set|data|corpus|split)\s+(?:of|with|consists\s+of|consisting\s+of|contains|containing|has|includes|comprises)\s+(?:about\s+|approximately\s+|roughly\s+|around\s+|~\s*|over\s+)?(?P<b>{NUMBER}){_SCALE.replace('(?:', '(?P<sb>', 1)}\s+(?:labell?ed\s+)?{_ITEMS}"
    rf"|(?:trained|train|training)\s+on\s+(?:about\s+|approximately\s+|roughly\s+|around\s+|~\s*|the\s+)?(?P<c>{NUMBER}){_SCALE.replace('(?:', '(?P<sc>', 1)}\s+(?:labell?ed\s+)?{_ITEMS}"
    rf"|(?:dataset|data\s+set|corpus)\s+(?:consisting\s+of|of|with|containing)\s+(?:about\s+|approximately\s+|roughly\s+|around\s+|~\s*)?(?P<d>{NUMBER}){_SCALE.replace('(?:', '(?P<sd>', 1)}\s+{_ITEMS}",
    re.IGNORECASE,
)
_PARAMS_RE = re.compile(
    rf"(?<![\w.])(?P<n>{NUMBER})\s?(?P<s>[KMB]|[Bb]illion|[Mm]illion|[Tt]housand)?\s+(?:trainable\s+|learnable\s+|free\s+|model\s+)?(?:parameters|params)\b"
    rf"|(?:Total\s+)?Param(?:eter)?s\s*[=:]\s*(?P<n2>{NUMBER})\s?(?P<s2>[KMB]|[Bb]illion|[Mm]illion)",
)
_LABEL_BEFORE_RE = re.compile(r"((?:[A-Z0-9][\w\-.]*\s+)?[A-Za-z0-9][\w\-.]*(?:\s+model)?)\s*(?:\[[\d,\s]+\]\s*)?\(\s*$")
#: A model name: has a capital letter or a depth (``VGG-19``, ``152-layer ResNet``), not a plain word.
_MODEL_NAME_RE = re.compile(r"[A-Z]|\d+-layer")


#: A model name said to have the value that follows: ``BERTLARGE contains 340M parameters``,
#: ``ResNet-152 has 11.3 billion FLOPs``.
_LABEL_VERB_RE = re.compile(r"\b([A-Z0-9][\w\-.]*(?:\s+(?:[A-Z0-9][\w\-.]*|[a-z]+\d[\w\-.]*))?)(?:\s+(?:model|network))?\s+(?:contains|has|have|requires|needs|uses|costs|with)"
                            r"\s+(?:only\s+|about\s+|approximately\s+|roughly\s+|around\s+|[~∼≈]\s*)?"
                            # a second value said of the same name: "ResNet-50 has 25.6M parameters and requires 4.1 GFLOPs"
                            r"(?:[\d.,]+\s?[A-Za-z]*\s+[\w\-]+\s+(?:and|,)\s+(?:(?:requires|needs|uses|has|contains)\s+)?(?:only\s+|about\s+)?)?$")
#: A model-like name: letters with a digit, an inner capital, or two capitals (not "It", "This").
_MODEL_LIKE_RE = re.compile(r"[A-Za-z].*\d|[a-z][A-Z]|[A-Z]{2}|[a-z]-[A-Z]")  # "Quill-Base"


#: A hyphenated or numbered name right before the count, after a clause break: "GCR-base needs
#: 1.9 GFLOPs, and GCR-big 6.8 GFLOPs".
_LABEL_RIGHT_BEFORE_RE = re.compile(r"(?:^|[,;:]\s+|\b(?:and|while|whereas)\s+)([A-Z][\w.]*(?:-[\w.]+)+|[A-Z][A-Za-z]+\d[\w.\-]*)\s+$")


def _label_before(text: str) -> str | None:
    """Given the text before a FLOPs or parameter count, return the model it belongs to, or None:
    the name right before an opening bracket (``ResNet-50 (3.8 GFLOPs)``; also when the count sits
    further inside the bracket: ``BERTLARGE (L=24, H=1024, A=16, Total Parameters=340M)``), or the
    name the count is said of (``BERTLARGE contains 340M parameters``)."""
    m = _LABEL_BEFORE_RE.search(text)
    if m is not None and _MODEL_NAME_RE.search(m.group(1)):
        return m.group(1)
    m = _LABEL_VERB_RE.search(text)
    if m is not None and _MODEL_LIKE_RE.search(m.group(1)):
        return re.sub(r"^(?:Our|The|This|Each|Every)\s+", "", m.group(1))  # "Our EfficientNet-B0 has ..."
    opened = text.rfind("(")
    if opened > 0 and ")" not in text[opened:] and re.search(r"(?:Total\s+)?Param(?:eter)?s?\s*=\s*$", text, re.I):
        m = _LABEL_BEFORE_RE.search(text[:opened + 1])
        if m is not None and _MODEL_LIKE_RE.search(m.group(1)):
            return m.group(1)
    m = _LABEL_RIGHT_BEFORE_RE.search(text)
    if m is not None and _MODEL_LIKE_RE.search(m.group(1)) and re.search(r"[\-\d]", m.group(1)):
        return m.group(1)  # "..., and GCR-big 6.8 GFLOPs per forward pass"
    return None


def _label_after(text: str) -> str | None:
    """Given the text right after a FLOPs or parameter count, return the model it is said of there:
    ``3.1 GFLOPs for Corvid-Base``, ``16.2 GFLOPs with Pelican-Base`` -> the hyphenated or numbered
    name after ``for``/``with``/``of``; None otherwise."""
    m = re.match(r"\s*(?:per\s+(?:image|forward\s+pass)\s+)?(?:for|with|of)\s+(?:the\s+)?([A-Z][\w.]*(?:-[\w.]+)+|[A-Z][A-Za-z]+\d[\w.\-]*)(?=[\s,;.)]|$)", text)
    return m.group(1).rstrip(".") if m else None


def _phase(sentence: str, at: int | None = None) -> str:
    """Given a sentence and optionally a character offset into it, return the training phase it
    speaks of: "pretraining", "finetuning" or "training". With ``at``, the phase word nearest
    before the offset wins, else the first after it, so "pre-trained on 64 V100 GPUs for 5 days and
    fine-tuned on 8 V100 GPUs for 1 day" gives each clause its own phase."""
    if at is not None:
        words = sorted([(m.start(), "pretraining") for m in _PHASE_PRE_RE.finditer(sentence)]
                       + [(m.start(), "finetuning") for m in _PHASE_FT_RE.finditer(sentence)])
        before = [ph for pos, ph in words if pos <= at]
        if before:
            return before[-1]
        if words:
            return words[0][1]
        return "training"
    if _PHASE_PRE_RE.search(sentence):
        return "pretraining"
    if _PHASE_FT_RE.search(sentence):
        return "finetuning"
    return "training"


class _Emitter:
    """Collects findings for one sentence (page, offsets, layout for boxes)."""

    def __init__(self, out: list[Finding], layout: PageLayout | None, page: int, s0: int, sentence: str):
        self.out, self.layout, self.page, self.s0, self.sentence = out, layout, page, s0, sentence

    def __call__(self, kind: str, value: float | None, unit: str, a: int, b: int, extractor: str,
                 confidence: float, **kw) -> None:
        bbox = self.layout.bbox_of_span(self.s0 + a, self.s0 + b) if self.layout is not None else None
        ctx = dict(kw.pop("context", {}))
        ctx["match"] = self.sentence[a:b]
        ctx["offset"] = self.s0 + a  # characters into the page's text, in the text layer's reading order
        if value is not None:
            value = float(f"{value:.12g}")  # 1.28 * 1e6 -> 1.28e6 exactly
        self.out.append(Finding(
            kind=kind, value=value, unit=unit, page=self.page, bbox=bbox, source_text=self.sentence,
            extractor=extractor, extractor_version=EXTRACTOR_VERSION, method="sentence",
            confidence=confidence, context=ctx, **kw,
        ))


def _count_or_none(text: str) -> float | None:
    """Given a count as written (``8``, ``eight``, ``a single``), return it, or None when it is none."""
    try:
        return _count(text)
    except ValueError:
        return None


def _year_like(n: float) -> bool:
    """Given a count, return True when it could be a year of the field (1990-2039): ``In 2017 V100
    GPUs were ...`` counts no GPUs."""
    return 1990 <= n <= 2039


def _count(text: str) -> float:
    t = text.lower().strip()
    if t in ("a", "an", "single", "a single"):
        return 1.0
    return parse_number(t)


#: A sentence about measured speed: "timings are performed on a server with 8 NVIDIA Titan X GPUs",
#: "57.9 AP50 in 51 ms on a Titan X", "runs at 40.2 FPS on a NVIDIA Titan X GPU".
_TIMING_RE = re.compile(
    r"\b(?:timings?|timed|speed|runtime|run[\s-]?time|benchmark(?:ed|s)?|measured|evaluated|\d+(?:\.\d+)?\s*(?:ms|FPS|fps)|"
    r"inference|latency|throughput|frames per second|images/s)\b", re.IGNORECASE)
#: Vendor and family words that can stand before a chip's name ("a single NVIDIA Titan Xp").
_VENDOR_WORD = r"(?:NVIDIA|Nvidia|nVidia|Tesla|GeForce|Google|Cloud|Quadro)\s+"
_VENDOR_TAIL_RE = re.compile(rf"(?:{_VENDOR_WORD})+$")
#: A count right before a chip's name, vendor words between: "16 Google Cloud TPUv3", "8 x V100".
_COUNT_BEFORE_CHIP_RE = re.compile(rf"(?<![\w.,])(?P<n>{COUNT})\s*(?:[x×]\s*)?(?:{_VENDOR_WORD})*$")
_ONE_CHIP_RE = re.compile(r"(?:\bon|\bwith|\busing)\s+(?:a\s+single|one|a|an|single)\s+$", re.IGNORECASE)


def hardware_findings(s: str, emit: _Emitter, chips: tuple[Chip, ...] | None = None) -> None:
    """Given a sentence, emit chip_model and chip_count findings when it says what training ran on
    (``phase`` training, pretraining or finetuning; confidence 0.7/0.6), or else, at confidence 0.5
    and ``phase`` "inference", when it names the chip this paper's timings ran on (``timings are
    performed on a server with 8 NVIDIA Titan X GPUs``, ``51 ms on a Titan X``): many papers state
    no training hardware but this, and Thompson et al. recorded it as the hardware of the paper
    (SENet, YOLOv3); observations use it only when the paper states no training hardware
    (:mod:`extract.observations`)."""
    if _about_other_work(s):
        return
    training = bool(_TRAIN_RE.search(s)) and not _INFER_RE.search(s)
    if not training:
        if _TIMING_RE.search(s):
            _timing_hardware(s, emit, chips)
        return
    mentions = find_chips(s, chips)
    for mention in mentions:
        emit("chip_model", None, "chip", mention.start, mention.end, "sentence.chip_model", 0.7,
             value_text=mention.chip.key, context={"phase": _phase(s, mention.start), "vendor": mention.chip.vendor})
    counted: list[tuple[int, int]] = []
    for m in _NODES_RE.finditer(s):
        machines, each = _count_or_none(m.group("n1")), _count_or_none(m.group("n2"))
        if machines is None or each is None:
            continue
        n = machines * each
        if 2 <= n <= 100000 and n == int(n):
            chip = next((c for c in mentions if m.start() <= c.start < m.end()), None)
            emit("chip_count", n, "count", m.start(), m.end(), "sentence.chip_count", 0.7,
                 context={"phase": _phase(s, m.start()), "chip": chip.chip.key if chip else None, "rule": "machines x devices each",
                          "device": "tpu_device" if "TPU" in m.group("dev").upper() else "gpu"})
            counted.append((m.start(), m.end()))
    for m in _CORES_RE.finditer(s):
        raw = m.group("n1") or m.group("n2") or m.group("n3") or m.group("n4")
        if m.group("n4") and int(raw) & (int(raw) - 1):
            continue  # slices come in powers of two: "TPU v3-81" is "v3-8" with a footnote mark
        n = parse_number(raw)
        if n >= 2:
            emit("chip_count", n / 2.0, "count", m.start(), m.end(), "sentence.chip_count", 0.6,
                 context={"phase": _phase(s, m.start()), "rule": "TPU cores / 2", "cores": n})
            counted.append((m.start(), m.end()))
    for m in list(_COUNT_DEVICE_RE.finditer(s)) + list(_N_GPU_RE.finditer(s)):
        if any(a <= m.start() < b for a, b in counted):
            continue
        raw = m.group("n")
        if any(c.start <= m.start("n") < c.end for c in mentions):
            continue  # "a single GTX 1080 Ti GPU": 1080 is the chip's model number, not a count
        mid = m.groupdict().get("mid") or ""
        chip = next((c for c in mentions if m.start() <= c.start < m.end()), None)
        is_tpu = "TPU" in m.group("dev") or (chip is not None and chip.chip.kind == "tpu")
        if raw.lower() in ("a", "an", "single") and chip is None and "single" not in s[max(0, m.start() - 8):m.end()].lower():
            continue
        if m.group("dev").lower().startswith(("cards", "chips", "workers", "replicas", "synchronous", "asynchronous")) and chip is None:
            continue  # "8 workers", "4 cards": a device only when a chip is named ("50 P100 workers")
        if is_tpu and _SLICE_AFTER_RE.match(s, max(m.end(), chip.end if chip else 0)):
            continue  # "a Cloud TPU v3 Pod", "a TPUv3-8": a slice of many chips, counted from its cores
        if _DEVICE_TIME_RE.match(s, m.end()):
            continue  # "10 GPU days", "1800 GPU-hours": device time, not a number of devices
        try:
            n = _count(raw)
        except ValueError:
            continue
        if _year_like(n) and re.search(r"(?:\b[Ii]n|\bsince|\bfrom|\bof|\buntil|\bbefore|\bafter)\s+$", s[:m.start()]):
            continue  # "In 2017 V100 GPUs were ...": a year
        if n == 1 and not _USE_ONE_RE.search(s):
            continue  # "fit on one GPU", "a GPU implementation": not a statement of training hardware
        if not 1 <= n <= 100000 or n != int(n):
            continue
        emit("chip_count", n, "count", m.start(), m.end(), "sentence.chip_count", 0.7 if chip or mid.strip() == "" else 0.6,
             context={"phase": _phase(s, m.start()), "chip": chip.chip.key if chip else None,
                      "device": ("tpu_chip" if "chip" in m.group("dev").lower() else "tpu_device") if is_tpu else "gpu"})
        counted.append((m.start(), m.end()))
    if not counted and len(mentions) == 1:
        # the chip named without a device word after it: "on a single GTX 1080 Ti.", "on 16 Google
        # Cloud TPUv3 for 3 days"
        c = mentions[0]
        before = s[:c.start]
        m = _COUNT_BEFORE_CHIP_RE.search(before)
        n = None
        if c.chip.kind == "tpu" and _SLICE_AFTER_RE.match(s, c.end):
            n = None  # "a TPU v3-81": a slice (here with a footnote mark), not one chip
        elif _ONE_CHIP_RE.search(_VENDOR_TAIL_RE.sub("", before)) and _USE_ONE_RE.search(s):
            n = 1.0
        elif m is not None:
            n = _count_or_none(m.group("n"))
            if n is not None and (not (2 <= n <= 100000 and n == int(n)) or _year_like(n)):
                n = None  # "2015 V100 results": a year, not a count
        if n is not None:
            emit("chip_count", n, "count", c.start, c.end, "sentence.chip_count", 0.6,
                 context={"phase": _phase(s, c.start), "chip": c.chip.key, "device": "tpu_device" if c.chip.kind == "tpu" else "gpu"})


def _timing_hardware(s: str, emit: _Emitter, chips: tuple[Chip, ...] | None) -> None:
    """Given a sentence about measured speed, emit the chip it names (one ``chip_model``, the
    first) and its count: the number before the device (``8 NVIDIA Titan X GPUs``), or 1 for
    ``on a Titan X`` / ``on a single V100``; phase "inference", confidence 0.5 (the lowest that
    :mod:`extract.observations` uses unreviewed). A sentence naming
    several chip models (``Times from either an M40 or Titan X``) says nothing certain: skipped."""
    mentions = find_chips(s, chips)
    if not mentions or len({m.chip.key for m in mentions}) > 1:
        return
    mention = mentions[0]
    ctx = {"phase": "inference", "vendor": mention.chip.vendor, "rule": "hardware of the paper's timings"}
    count_ctx = {**ctx, "chip": mention.chip.key, "device": "tpu_device" if mention.chip.kind == "tpu" else "gpu"}
    emit("chip_model", None, "chip", mention.start, mention.end, "sentence.chip_model", 0.5,
         value_text=mention.chip.key, context=ctx)
    for m in _COUNT_DEVICE_RE.finditer(s):
        if m.start() <= mention.start < m.end():
            try:
                n = _count(m.group("n"))
            except ValueError:
                return
            if 1 <= n <= 100000 and n == int(n):
                emit("chip_count", n, "count", m.start(), m.end(), "sentence.chip_count", 0.5, context=count_ctx)
            return
    if _ONE_CHIP_RE.search(s[:mention.start]):
        emit("chip_count", 1.0, "count", mention.start, mention.end, "sentence.chip_count", 0.5,
             context={**count_ctx, "count_rule": "one chip: 'on a <chip>'"})


def time_findings(s: str, emit: _Emitter) -> None:
    """Given a sentence, emit training_time and epochs findings."""
    if not _TRAIN_RE.search(s) or _INFER_RE.search(s) or _about_other_work(s):
        return
    for m in DURATION_RE.finditer(s):
        unit = m.group("unit2").lower()
        if unit.startswith("sec"):
            continue  # step and iteration times, not training time
        if _HEDGE_BEFORE_RE.search(s[:m.start()]) or _PER_AFTER_RE.search(s[m.end():]):
            continue
        if re.search(r"(?:per|each|every)\s+(?:epoch|iteration|step|batch)", s[m.end():m.end() + 30], re.I):
            continue
        if m.group("lo").lower() in ("a", "an") and not _ABOUT_BEFORE_RE.search(s[:m.start()]):
            continue  # "a day per epoch", "within a day": only "about a week" states a training time
        if _COMPARED_BEFORE_RE.search(s[:m.start()]):
            continue  # "twice as fast as X, which takes 3 days": the other model's time
        seconds, unit, bounds = duration_from_match(m)
        if bounds:
            seconds = bounds[1]  # upper end: see the module docstring
        if seconds <= 0:
            continue
        ctx = {"phase": _phase(s, m.start()), "unit_as_written": unit}
        if bounds:
            ctx.update({"range_s": list(bounds), "rule": "upper end of range"})
        emit("training_time", seconds, "s", m.start(), m.end(), "sentence.training_time", 0.6,
             reported_as=unit, context=ctx)
    for m in _EPOCHS_RE.finditer(s):
        if _EPOCH_SCHEDULE_BEFORE_RE.search(s[:m.start()]) or re.match(r"\s*each\b", s[m.end():], re.I):
            continue  # "after 30 epochs"; "trains the top 250 models for 300 epochs each" (a search's candidates)
        raw = m.group("n") or m.group("n2") or m.group("n3") or m.group("n4") or m.group("n5") or m.group("n6")
        if _COMPARED_BEFORE_RE.search(s[:m.start()]):
            continue  # "outperforms Deformable DETR trained for 50 epochs": the other model's schedule
        try:
            n = parse_number(raw)
        except ValueError:
            continue
        if 0 < n <= 10000:
            emit("epochs", n, "epoch", m.start(), m.end(), "sentence.epochs", 0.6, context={"phase": _phase(s, m.start())})


def data_findings(s: str, emit: _Emitter) -> None:
    """Given a sentence, emit training_set_size findings."""
    for m in _SETSIZE_RE.finditer(s):
        for g in "abcd":
            if m.group(g):
                n = parse_number(m.group(g)) * scale_factor(m.group("s" + g))
                break
        else:
            continue
        if n >= 1000:
            item = re.search(_ITEMS, m.group(0), re.I)
            emit("training_set_size", n, "examples", m.start(), m.end(), "sentence.training_set_size", 0.6,
                 context={"items": item.group(0) if item else None})


def complexity_findings(s: str, emit: _Emitter) -> None:
    """Given a sentence, emit ops_per_forward_pass and parameters findings."""
    for m in OPS_RE.finditer(s):
        unit = m.group("unit")
        if unit.upper().startswith("T") or re.match(r"\s*(?:/\s?s|per\s+second)", s[m.end():]) or unit == "FLOPS":
            continue
        if _DELTA_BEFORE_RE.search(s[:m.start()]) or re.match(r"\s*(?:less|fewer|more|lower|higher|reduction|saving)", s[m.end():]):
            continue
        flop, rep = ops_from_match(m)
        if not 1e5 <= flop <= 1e13:
            continue
        emit("ops_per_forward_pass", flop, "FLOP", m.start(), m.end(), "sentence.ops", 0.6, reported_as=rep,
             model_label=_label_before(s[:m.start()]) or _label_after(s[m.end():]), context={"unit_as_written": unit})
    for m in _PARAMS_RE.finditer(s):
        raw, sc = (m.group("n"), m.group("s")) if m.group("n") else (m.group("n2"), m.group("s2"))
        if _DELTA_BEFORE_RE.search(s[:m.start()]):
            continue
        n = parse_number(raw) * scale_factor(sc)
        if not sc and n < 1e4:
            continue
        if 1e3 <= n <= 2e12:
            emit("parameters", n, "count", m.start(), m.end(), "sentence.params", 0.6,
                 model_label=_label_before(s[:m.start()]) or _label_after(s[m.end():]))


def sentence_findings(flat: str, spans: list[tuple[int, int]], layout: PageLayout | None, page: int,
                      chips: tuple[Chip, ...] | None = None) -> list[Finding]:
    """Given a page's flattened text and sentence spans, return the non-score findings the rules
    above read from its sentences (bboxes from ``layout`` when given)."""
    out: list[Finding] = []
    captions = caption_spans(layout) if layout is not None else []
    if captions:
        spans = split_at(spans, sorted({x for a, b, _n in captions for x in (a, b)}))
    for s0, s1 in spans:
        s = flat[s0:s1]
        if len(s) > 1500 or re.match(r"\s*\[\d+\]", s):
            continue
        emit = _Emitter(out, layout, page, s0, s)
        n = len(out)
        hardware_findings(s, emit, chips)
        time_findings(s, emit)
        data_findings(s, emit)
        complexity_findings(s, emit)
        if len(out) > n:
            ds = dataset_context(flat, s0, s1)
            refs = _TABLE_REF_RE.findall(flat, max(0, s0 - 300), s1)
            for f in out[n:]:
                if ds:
                    f.context.setdefault("dataset", ds[0])
                    f.context.setdefault("dataset_named", ds[1])
                if refs:
                    f.context.setdefault("table_ref", refs[-1])
                off = f.context.get("offset", s0)
                cap = next((num for a, b, num in captions if a <= off < b), None)
                if cap:
                    f.context["caption_of"] = f"Table {cap}"  # a caption's statement is about its table's runs
    return out


def split_at(spans: list[tuple[int, int]], cuts: list[int]) -> list[tuple[int, int]]:
    """Given sentence spans and sorted offsets where text blocks begin or end (a table caption's
    first and last character), return the spans cut at those offsets: the text layer runs a
    caption's last sentence into the body text below it ("VGG-16 and SE-VGG-16 are trained with
    batch normalization. for 100 epochs from scratch"), and neither half is the other's context."""
    out: list[tuple[int, int]] = []
    for s0, s1 in spans:
        start = s0
        for c in cuts:
            if start < c < s1:
                out.append((start, c))
                start = c
        out.append((start, s1))
    return out


#: A reference to a numbered table in running text ("In Table 1, we compare ...").
_TABLE_REF_RE = re.compile(r"\bTable\s+(\d{1,2})\b(?!\s*[:.|]\s*[A-Z])")


def last_dataset(text: str) -> str | None:
    """Given text, return the last dataset it names (keys as :func:`table_dataset`), or None."""
    last = None
    for last in _DATASET_RE.finditer(text):
        pass
    return last.lastgroup if last is not None else None


def table_dataset(caption: str) -> str | None:
    """Given a table caption, return the dataset it names (first one; a benchmark key, ``small``
    or ``other``, as :func:`dataset_context`), or None."""
    m = _DATASET_RE.search(caption)
    return m.lastgroup if m else None


#: Datasets a training statement can be about: the six benchmarks' and others that papers train
#: on beside them (CIFAR, SVHN, VOC ...). Names only; "CNN" (the news set) is left out, it is a word.
_DATASET_RE = re.compile(
    r"(?P<imagenet>ImageNet|ILSVRC)|(?P<coco>\bCOCO\b)|(?P<squad11>SQuAD)|(?P<conll2003>CoNLL)|(?P<wmt14>\bWMT)"
    r"|(?P<small>CIFAR|SVHN|MNIST|Omniglot|STL-10|Caltech|\bCUB\b|Penn\s+Treebank(?!\s+tokeni[sz]er)|WikiText|IWSLT)"
    r"|(?P<other>\bPlaces\d*\b|Kinetics|iNaturalist|\bJFT|\bVOC\b|PASCAL|KITTI|Cityscapes|LVIS|ADE20K|"
    r"\bGLUE\b|MultiNLI|MNLI|TriviaQA|CelebA|LSUN)")


#: A task a sentence names without naming its dataset: its benchmark here.
_TASK_WORD_RE = re.compile(r"\b(?:(?P<coco>detectors?|object\s+detection)|(?P<wmt14>translation\s+models?)|(?P<conll2003>NER\s+models?|taggers?))\b",
                           re.IGNORECASE)


def dataset_context(flat: str, s0: int, s1: int, reach: int = 600, ahead: int = 250) -> tuple[str, bool] | None:
    """Given a page's flat text and a sentence span, return ``(dataset, named_in_sentence)``: the
    dataset the sentence is about, the last one it names, else the last one named in the ``reach``
    characters before it on the page (a CIFAR section's "All models are trained for 300 epochs"),
    else ``small`` when the first dataset named in the ``ahead`` characters after it is a small one
    ("we use two Tesla K80 GPUs ... In these experiments, we use the CIFAR10 version of ResNet");
    ``dataset`` is a benchmark key (``imagenet``, ``coco``, ``squad11``, ``conll2003``, ``wmt14``),
    ``small`` for the small sets papers run side experiments on (CIFAR, SVHN, MNIST, PTB ...: other
    models, other schedules, other hardware) or ``other`` for the rest (VOC, Cityscapes, GLUE ...:
    often the same model and machine as the benchmark's). None when no dataset is named."""
    last = None
    for m in _DATASET_RE.finditer(flat, s0, s1):
        last = m
    if last is not None:
        return last.lastgroup, True
    task = _TASK_WORD_RE.search(flat, s0, s1)
    if task is not None:  # "All detectors are trained on 8 V100 GPUs": the detection benchmark's run
        return task.lastgroup, True
    for m in _DATASET_RE.finditer(flat, max(0, s0 - reach), s0):
        last = m
    if last is not None:
        return last.lastgroup, False
    nxt = _DATASET_RE.search(flat, s1, min(len(flat), s1 + ahead))
    return ("small", False) if nxt is not None and nxt.lastgroup == "small" else None
