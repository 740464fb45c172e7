"""Assemble findings into observations: one row per (paper, model, benchmark, metric).

Pure assembly (no I/O) in :func:`assemble`; :func:`assemble_observations` reads the warehouse
(read-only queries) and calls it. The rows have the columns of the ``observations`` table
(:data:`warehouse.load.OBSERVATION_COLUMNS`), so reviewed ones can be inserted and refitted.

Linking rules (each link is recorded in ``raw.links`` with its reason)
----------------------------------------------------------------------
1. **Scores make the rows.** Score findings are grouped by (paper, normalised model label,
   benchmark, metric); a label is normalised by :func:`model_key` (``"ResNet-152"`` =
   ``"ResNet 152"``; ``"152-layer"`` matches any label whose only number is 152, see
   :func:`labels_match`); a column header naming a single-model or ensemble variant (``Single
   Model EM``, ``Ensemble F1``) is appended to the label, one row per variant. When one model has several scores for a metric (two tables, or dev
   and test columns), the row keeps the most confident one, then a test-set column over a
   dev/validation column, then the first in reading order; the others are listed in
   ``raw.alternatives``. The split comes from the column header, else from a caption that
   names one split only (``Results on the SQuAD test set``). For benchmarks whose published
   results are test-set scores (:data:`TEST_SET_BENCHMARKS`: all but ImageNet), a paper that
   reports test-set scores for a metric has its dev/validation-set scores of that metric left
   out (a model with dev scores only, e.g. an ablation on the dev set, makes no row): Thompson et
   al. collected the test-set numbers. A sentence score without a model label makes a row named after the paper
   (``model_name = "(paper)"``) only when no table gives a score for that benchmark.
2. **Model-level values** (``ops_per_forward_pass``, ``parameters``, with a model label) join a
   row when they sit in the same table row (same page and row text: reason ``same table row``),
   else when their labels match after normalisation (reason ``model label match``) and the value's
   table is not about the other vision task (a classification table's FLOPs never join a COCO row).
3. **Paper-level statements** (chip model, chip count, training time, epochs, training-set
   size: sentences, without model label) join the paper's *own* rows: rows whose table row
   carries no citation (``[12]``, ``et al.``), or whose score column belongs to a group naming the
   paper's variant (``SENet`` beside ``original`` and ``re-implementation``, over a row that cites
   its base network: :func:`variant_is_own`); when the title opens with the model's name
   (``BERT: Pre-training ...``, :func:`title_model_name`), in a table where some row names it only
   the rows naming it (or saying ``ours``) are own, cited base network or not: leaderboard rows
   without citations are not; tables without such a row keep the citation rule; and, when the paper's rows are split by a sentence
   naming a model size (``big``/``base``/``large``/``mobile`` ...; a row's size from its name, else
   from its table's caption: ``results in the Large setting``) or a benchmark, only the rows that agree.
   Among several statements of one kind the most specific wins: the one whose clause names the
   row's model size (the size word nearest before the value), then one not about a side run
   (ablations, an architecture search's child networks or proxy task), then a pre-training statement
   (for pre-trained models the pre-training run is the compute Thompson et al. count), then one
   that names the row's benchmark, or follows text that does (``We train the COCO models with an
   8-GPU implementation`` over ``trained ... on two GPUs``), then a
   sentence that states chip and time together, then the highest confidence, then the first.
   A chip without a published FP32 peak (a TPU whose generation the paper does not state) is
   not used as the row's chip model: guessing v2 or v3 would put a wrong peak into the
   hardware burden.
   TPU counts follow the reference convention (devices/boards, 4 chips each): a count of TPU
   *chips* is used only when no device count is stated.
4. **Derived measures** (Thompson et al. 2022): network operations = ops per forward pass x 3 x
   epochs x training-set size (FLOP); hardware burden = chip count x FP32 peak FLOP/s (chip table,
   ``extract/data/chips.csv``) x training seconds (FLOP). Left NULL when a factor is missing.

Review states: a finding whose latest review decision is ``reject`` is dropped; ``accept`` keeps
it, ``correct`` replaces its value; findings without a review are *pending* and are used only
with ``include_pending=True``. An observation's ``source`` is ``reviewed`` when every finding
behind it is reviewed, else ``pending``.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from extract.scores import MONTH_DATE  # "(March 2017)" dates a leaderboard entry, it cites nothing

#: Source tags of assembled observations.
SOURCE_REVIEWED = "reviewed"
SOURCE_PENDING = "pending"
#: Name of a row made from paper-level sentence scores without a model label.
PAPER_MODEL = "(paper)"
#: Unreviewed findings below this confidence are not used (a table cell whose pdfplumber
#: re-reading disagrees has its confidence halved below it: see extract.pipeline.cross_check).
MIN_CONFIDENCE = 0.5
#: Benchmarks whose published results are test-set scores (SQuAD's hidden test set, COCO
#: test-dev, CoNLL-2003 test, WMT newstest2014); ImageNet results are validation-set scores.
TEST_SET_BENCHMARKS: frozenset[str] = frozenset({"coco", "squad11", "conll2003", "wmt14_en_de", "wmt14_en_fr"})
#: forward + backward pass = 3 x forward (Thompson et al. 2022, ``fp_bp_ratio``).
FP_BP_RATIO = 3.0
#: arXiv abstract page prefix (https://info.arxiv.org/help/arxiv_identifier.html).
ARXIV_ABS = "https://arxiv.org/abs/"

#: Observation columns (same order as warehouse.load.OBSERVATION_COLUMNS, without imported_at).
COLUMNS: tuple[str, ...] = (
    "observation_id", "source", "source_file", "source_row", "paper_key", "arxiv_id", "title",
    "paper_link", "model_name", "year", "benchmark", "metric", "score", "ops_per_forward_pass_flop",
    "parameters", "epochs", "training_set_size", "training_time_s", "chip_model", "chip_count",
    "peak_flops_per_s", "network_operations_flop", "hardware_burden_flop", "finding_ids", "raw",
)

_CITE_RE = re.compile(r"\[\s*\d+(?:\s*[,\-–]\s*\d+)*\s*\]|\bet al\.?|\(\s*(?!" + MONTH_DATE + r")[A-Z][A-Za-z\-]+(?:\s+(?:et al\.?|(?:and|&)\s+[A-Z][a-z]+))?,?\s+(?:19|20)\d\d[a-z]?\s*\)")
_OWN_RE = re.compile(r"\bours\b|\(ours\)|\bour\b", re.IGNORECASE)
#: Another paper's model run by these authors: "RetinaNet (our impl.)", "MobileNet v2 [14] (our
#: reproduction)": a baseline, not the paper's own model.
_REIMPL_RE = re.compile(r"\bour\s+(?:re-?)?(?:impl\w*\.?|reproduction|re-?runs?|baselines?)", re.IGNORECASE)
_SIZE_WORDS = ("big", "base", "large", "small", "tiny", "huge", "medium", "mini", "xlarge", "mobile")
_SIZE_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(_SIZE_WORDS) + r")(?![a-z])|(?<=[A-Z])(" + "|".join(w.upper() for w in _SIZE_WORDS) + r")(?![a-z])", re.IGNORECASE)
_TEST_RE = re.compile(r"\btest(?:-?dev|-?std)?\b", re.IGNORECASE)
_DEV_RE = re.compile(r"\b(?:dev|val|validation)\b", re.IGNORECASE)
_BENCH_IN_SENTENCE = {
    "imagenet": re.compile(r"ImageNet|ILSVRC", re.I),
    "coco": re.compile(r"\bCOCO\b", re.I),
    "squad11": re.compile(r"SQuAD", re.I),
    "conll2003": re.compile(r"CoNLL", re.I),
    "wmt14_en_de": re.compile(r"En(?:glish)?[\s\-–→>]*(?:to\s+)?(?:De|German)\b", re.I),
    "wmt14_en_fr": re.compile(r"En(?:glish)?[\s\-–→>]*(?:to\s+)?(?:Fr|French)\b", re.I),
}


def model_key(label: str | None) -> str:
    """Given a model label, return its normalised key: lower case, citations, ``(ours)``, ``†``
    and the like removed, ``N-layer`` -> ``N``, only letters and digits kept.

    ``"ResNet-152"``, ``"ResNet 152"`` and ``"ResNet_152 [12]"`` all give ``"resnet152"``;
    a ``+`` glued to the name stays (``"RefineDet512+"`` -> ``"refinedet512plus"``, another
    model than ``"RefineDet512"``), and so does a star inside the name (``"AlexNet∗-GAP"`` ->
    ``"alexnetstargap"``, as does a glued trailing one: ``"SSD512*"`` -> ``"ssd512star"``; table
    labels lose footnote stars before this unless the caption names the starred model); None or
    "" gives "".
    """
    if not label:
        return ""
    t = _CITE_RE.sub(" ", label)
    # inner marks name variants: "AlexNet∗-GAP" is not "AlexNet-GAP", "BN˚" is not "BN"
    t = re.sub(r"[*∗](?=[\w\-])", "star", t).replace("˚", "ring").replace("°", "ring")
    t = t.replace("↑", "up")  # "Corvid-L↑": the model fine-tuned at a higher resolution, another row
    # a glued trailing star the table kept because its caption names it ("SSD512*": trained with
    # more augmentation) is a variant too; footnote stars are stripped from labels before this
    t = re.sub(r"(?<=[A-Za-z0-9])[*∗]$", "star", t.strip())
    t = re.sub(r"\(\s*ours\s*\)|\bours\b", " ", t, flags=re.IGNORECASE)
    t = re.sub(r"(\d+)\s*-?\s*layers?\b", r"\1", t, flags=re.IGNORECASE)
    t = glued_plus(t)
    return re.sub(r"[^a-z0-9.]+", "", t.lower()).strip(".")


_GLUED_PLUS_RE = re.compile(r"(?<=[A-Za-z0-9])(\++)(?=\s|\(|$|[,;*∗†])")


def glued_plus(label: str) -> str:
    """Given a model label, return it with a ``+`` glued to the end of a name written as the
    word ``plus`` (``"RefineDet512+ (ResNet-101)"`` -> ``"RefineDet512plus (ResNet-101)"``): papers
    mark a variant that way (multi-scale testing, an improved version: ``R-net+``, ``OHEM++``),
    so it names another model; a free-standing ``+`` (``"ResNeXt-101 + CutMix"``) is left."""
    return _GLUED_PLUS_RE.sub(lambda m: "plus" * len(m.group(1)), label)


def _numbers(label: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", _CITE_RE.sub(" ", label or "")))


def labels_match(a: str | None, b: str | None) -> bool:
    """Given two model labels of one paper, return True when they name the same model:
    equal :func:`model_key`, or one is a bare depth (``"152-layer"``, ``"152 layers"``) and the
    other's only number is that depth (``"ResNet-152"``)."""
    ka, kb = model_key(a), model_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    for x, y in ((a or "", b or ""), (b or "", a or "")):
        if re.fullmatch(r"\s*\d+\s*-?\s*layers?\s*", x, re.IGNORECASE):
            return _numbers(y) == _numbers(x) and bool(re.search(r"[A-Za-z]{2}", y))
    return False


def is_own_row(source_text: str | None, label: str | None) -> bool:
    """Given a table row's text and label, return False when the row cites other work (a
    bracketed reference number, ``et al.``, ``(Author, 2017)``) and does not say ``ours`` (``our
    impl.`` of another paper's model does not count)."""
    text = _REIMPL_RE.sub(" ", f"{label or ''} {source_text or ''}")
    if _OWN_RE.search(text):
        return True
    return not _CITE_RE.search(text)


#: Column groups that hold other work's numbers: ``original`` (as published), ``re-implementation``,
#: ``baseline``, ``reported``.
_NOT_OWN_VARIANT_RE = re.compile(r"\b(?:original|re-?impl\w*|baselines?|reported|published|prior|previous|vanilla)\b", re.IGNORECASE)


def variant_is_own(variant: str | None) -> bool:
    """Given the network/method name a score's column group adds to its row label (``SENet`` over
    ``top-1 top-5 GFLOPs`` in a table of ``original | re-implementation | SENet`` groups), return
    True when it names this paper's variant: the row's citation (``ResNet-50 [10]``) is for the base
    network, the column holds the paper's own model built on it. False for None and for groups
    that hold other work's numbers (``original``, ``re-implementation``, ``baseline``)."""
    return bool(variant) and not _NOT_OWN_VARIANT_RE.search(variant)


@dataclass
class _Row:
    paper_id: str
    model_name: str
    key: str
    benchmark: str
    metric: str
    score: dict[str, Any]
    own: bool
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    values: dict[str, tuple[dict[str, Any], str]] = field(default_factory=dict)


def _order(f: dict[str, Any]) -> tuple:
    """Reading order of a finding: page, line (tops within 2 pt are one line: cells of one table
    row differ by fractions of a point), then x."""
    return (f.get("page") or 0, round((f.get("bbox_top") or 0.0) / 2.0), f.get("bbox_x0") or 0.0)


_TEST_DEV_RE = re.compile(r"\btest[\s-]?dev", re.IGNORECASE)  # COCO's test-dev is a test split
_CAPTION_TEST_RE = re.compile(r"\btest(?:-?dev|-?std)?\s*(?:set|data|split|server)?\b|\btest-dev\d*\b|\bnewstest\d*", re.IGNORECASE)
_CAPTION_DEV_RE = re.compile(r"\b(?:dev(?:elopment)?|val(?:idation)?|minival|held-out)\s*(?:set|data|split)\b|\bminival\b", re.IGNORECASE)


def score_split(f: dict[str, Any], caption: bool = True) -> str | None:
    """Given a score finding (``_ctx`` or ``context`` holding the table ``column`` and
    ``caption``), return the data split it reports: ``"test"`` or ``"dev"`` from the column
    header (``Test EM``, ``Dev F1``), else (unless ``caption`` is False) from the caption when it
    names one split only (``Results on the SQuAD test set``, ``Ablations on the SQuAD dev set``),
    else None."""
    ctx = f.get("_ctx") if "_ctx" in f else _ctx(f)
    col = _TEST_DEV_RE.sub("test", f"{ctx.get('column') or ''}")
    t, d = bool(_TEST_RE.search(col)), bool(_DEV_RE.search(col))
    if t != d:
        return "test" if t else "dev"
    if not caption:
        return None
    cap = _TEST_DEV_RE.sub("test", f"{ctx.get('caption') or ''}")
    t, d = bool(_CAPTION_TEST_RE.search(cap)), bool(_CAPTION_DEV_RE.search(cap))
    if t != d:
        return "test" if t else "dev"
    return None


def _score_rank(f: dict[str, Any]) -> tuple:
    """Rank of a score among one row's candidates (lower first): confidence, then the split the
    benchmark is compared on: the test split for :data:`TEST_SET_BENCHMARKS`, for ImageNet not a
    column headed test (its test labels are withheld; results and leaderboards are on val:
    AlexNet's "Top-5 (val)" 15.4 % over its "Top-5 (test)" 15.3 %), then position in the paper."""
    if f.get("benchmark") in TEST_SET_BENCHMARKS:
        sp = score_split(f)
        split = 0 if sp == "test" else 2 if sp == "dev" else 1
    else:
        # ImageNet: only a column header tells val from test ("Top-5 (val)" / "Top-5 (test)");
        # captions say "10-crop testing" of validation results
        split = 1 if score_split(f, caption=False) == "test" else 0
    return (-(f.get("confidence") or 0.0), split, *_order(f))


def _ctx(f: dict[str, Any]) -> dict[str, Any]:
    c = f.get("context")
    if isinstance(c, dict):
        return c
    if isinstance(c, str) and c:
        try:
            return json.loads(c)
        except ValueError:
            return {}
    return {}


def _statement_rank(f: dict[str, Any], row: _Row, kinds_in_sentence: dict[str, set[str]]) -> tuple:
    kinds = kinds_in_sentence.get(f.get("source_text") or "", set())
    setup = len(kinds & {"chip_model", "chip_count", "training_time"})
    names_row = 1 if _statement_sizes(f) & _row_sizes(row) else 0
    rx = _BENCH_IN_SENTENCE.get(row.benchmark)
    ds = f["_ctx"].get("dataset")
    names_bench = 1 if (rx is not None and rx.search(f.get("source_text") or "")) or (
        ds and row.benchmark.startswith(ds)) else 0
    pre = 1 if f["_ctx"].get("phase") == "pretraining" else 0
    # a fine-tuning schedule ("We fine-tune for 3 epochs") is a small part of the compute: the
    # (pre-)training run's statement goes first ("1,000,000 steps, which is approximately 40 epochs")
    fine = 1 if f["_ctx"].get("phase") == "finetuning" else 0
    side = 1 if _SIDE_RUN_RE.search(f.get("source_text") or "") else 0
    return (-names_row, side, fine, -pre, -names_bench, -setup, -(f.get("confidence") or 0.0), *_text_order(f))


def _text_order(f: dict[str, Any]) -> tuple:
    """Reading order of a sentence finding: page, then its offset in the page's text (the text
    layer reads a two-column page down the left column first; position on the page would mix the
    columns), else top and x for findings without one."""
    off = f["_ctx"].get("offset")
    if isinstance(off, int):
        return (f.get("page") or 0, off, 0.0)
    return (f.get("page") or 0, f.get("bbox_top") or 0.0, f.get("bbox_x0") or 0.0)


#: Ablations named: a table caption saying its rows are ablations ("Table 3: Ablation study of
#: RFP ..."), a statement giving the ablations' schedule ("For ablation studies, we train ...").
_ABLATION_RE = re.compile(r"\bablation", re.IGNORECASE)
#: Statements about a side run, not the reported model's training: ablations, the child networks
#: or proxy tasks of an architecture search ("For ablation studies, we train models for 12 epochs").
_SIDE_RUN_RE = re.compile(r"\bablations?\b|\bchild\s+(?:network|model)s?\b|\bproxy\b|\bduring\s+(?:the\s+)?search\b|\bsearch\s+phase\b", re.I)


def _sizes(text: str) -> set[str]:
    """Given text, return the model-size words it holds (``big``, ``base``, ``large`` ...; also
    glued to a capitalised name, ``BERTLARGE``), lower case."""
    return {(m.group(1) or m.group(2)).lower() for m in _SIZE_RE.finditer(text)}


def _row_sizes(row: _Row) -> set[str]:
    """Given a row, return the model sizes it names: from its model name, else from the caption
    of its table (``ImageNet classification results in the Large setting``)."""
    return _sizes(row.model_name) or _sizes(f"{row.score.get('_ctx', {}).get('caption') or ''}")


def _statement_sizes(f: dict[str, Any]) -> set[str]:
    """Given a sentence finding, return the model size its clause names: the size word nearest
    before the matched value (``Training of BERTBASE was performed on 4 Cloud TPUs ... Training of
    BERTLARGE was performed on 16 Cloud TPUs``: 4 -> base, 16 -> large), else the first after it,
    else none."""
    s = f.get("source_text") or ""
    match = f["_ctx"].get("match") or ""
    pos = s.find(match) if match else -1
    hits = [(m.start(), (m.group(1) or m.group(2)).lower()) for m in _SIZE_RE.finditer(s)]
    if not hits:
        return set()
    if pos < 0:
        return {h[1] for h in hits}
    before = [h for h in hits if h[0] <= pos]
    if before:
        return {before[-1][1]}
    return {hits[0][1]}


#: A model name in running text: a capitalised word with a hyphenated or numbered variant
#: (``HexaMix-S``, ``SlimPath-B``, ``ResNet-50``, ``EfficientNet-B7``, ``GPT2``).
_NAME_IN_TEXT_RE = re.compile(
    r"(?<![\w\-])[A-Z][A-Za-z]*[a-z][A-Za-z]*(?:-[A-Za-z0-9.]+)+(?![\w\-])"
    r"|(?<![\w\-])[A-Z][A-Za-z]*[a-z][A-Za-z]*\d+[A-Za-z]?(?![\w\-])"
    r"|(?<![\w\-])[A-Z][a-z]+(?:[A-Z][a-z]+)+[A-Z]{1,2}(?![\w\-])")  # "HexaMixB": a line break took the hyphen
#: A model named right after a value: "13 hours for TesselNet-S", "16.2 GFLOPs with Pelican-Base".
_NAME_AFTER_RE = re.compile(r"\s*(?:for|with|of|on)\s+(?:the\s+)?(\S+?)(?=[\s,;.)]|$)")
#: Where a clause ends inside a sentence: "..., while HexaMix-B needs about 3.5 days".
_CLAUSE_BREAK_RE = re.compile(r";|,\s+(?:while|whereas|and|but)\b|\bwhile\b|\bwhereas\b")


def _statement_model(f: dict[str, Any], reach: int = 100) -> str | None:
    """Given a sentence finding, return the :func:`model_key` of the model name its clause names
    (:data:`_NAME_IN_TEXT_RE`) in the value's clause (cut at ``;`` and ``, while``/``, and`` ...): the
    name right after the value (``13 hours for TesselNet-S``), else the name nearest before it, at
    most ``reach`` characters before it; None when there
    is none ("the batch is distributed over four cards, and a full training run of SlimPath-B lasts
    about 6 days": the 6 days are SlimPath-B's, the four cards every model's)."""
    s = f.get("source_text") or ""
    match = f["_ctx"].get("match") or ""
    pos = s.find(match) if match else -1
    if pos >= 0:  # only the value's clause: "We train every SlimPath model for 350 epochs; ... SlimPath-B lasts 6 days"
        cuts = [0] + [m.end() for m in _CLAUSE_BREAK_RE.finditer(s)] + [len(s) + 1]
        a = max(c for c in cuts if c <= pos)
        b = min(c for c in cuts if c > pos)
        s, pos = s[a:b], pos - a
        depth, opened = 0, -1
        for i, ch in enumerate(s[:pos]):
            if ch == "(":
                depth, opened = depth + 1, i if depth == 0 else opened
            elif ch == ")" and depth:
                depth -= 1
        if depth:  # inside brackets: "(both timings are performed on a server with 8 NVIDIA Titan X GPUs)"
            s, pos = s[opened + 1:], pos - opened - 1
    if pos < 0:
        return None
    after = _NAME_AFTER_RE.match(s, pos + len(match))
    if after and _NAME_IN_TEXT_RE.fullmatch(after.group(1)):
        return model_key(after.group(1))  # "9.5 hours for TesselNet-T and 13 hours for TesselNet-S"
    before = [m for m in _NAME_IN_TEXT_RE.finditer(s) if m.end() <= pos and pos - m.end() <= reach and model_key(m.group(0))]
    if not before:
        return None
    # names joined to the nearest one: "Kestrel-S4 and Kestrel-S5", "Kestrel-S0 to Kestrel-S3"
    group, joint = [before[-1]], ""
    for m in reversed(before[:-1]):
        between = s[m.end():group[-1].start()]
        if not re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|and|or|to|through|[-–])\s*", between):
            break
        joint = "to" if re.search(r"\bto\b|through|[-–]", between) else joint
        group.append(m)
    keys = [model_key(m.group(0)) for m in reversed(group)]
    if len(keys) == 1:
        return keys[0]
    return ("range:" if joint == "to" and len(keys) == 2 else "set:") + "|".join(keys)


def _names_row(named: str, key: str, exact: bool = False) -> bool:
    """Given what a statement names (:func:`_statement_model`: a model key, ``set:a|b`` or
    ``range:a|b``) and a row's model key, return True when the row is among them (with ``exact``,
    only a row whose key is a named key itself) (a range
    ``kestrels0`` to ``kestrels3`` holds ``kestrels1``: same stem, suffix in between)."""
    alias = re.sub(r"resnext(?=\d)", "x", re.sub(r"resnet(?=\d)", "r", named))
    if alias != named and not named.startswith(("set:", "range:")) and not exact:
        return named in key or alias in key  # "Training the ResNet-50 model" is the "R-50" row's
    if exact:
        return key in (named[4:].split("|") if named.startswith("set:") else [named])
    if named.startswith("set:"):
        return any(k in key for k in named[4:].split("|"))
    if named.startswith("range:"):
        lo, hi = named[6:].split("|")
        stem = os.path.commonprefix([lo, hi])
        if not stem or stem not in key:
            return lo in key or hi in key
        start = key.index(stem) + len(stem)
        suffix = key[start:start + max(len(lo), len(hi)) - len(stem)]
        return lo[len(stem):] <= suffix <= hi[len(stem):]
    return named in key


def _applies(f: dict[str, Any], row: _Row, paper_rows: list[_Row]) -> tuple[bool, str]:
    """Given a paper-level finding and a row, return (applies, reason). A statement about a small
    side dataset (the sentence, or the text just before it, names CIFAR, SVHN, PTB ...: context
    ``dataset == "small"``, see :func:`extract.sentences.dataset_context`) applies to no row; one
    about another large dataset (VOC, Cityscapes ...) gives no schedule (epochs, time, data size)
    but its hardware stands: detection papers state their one machine in a VOC section. A statement
    in a table's caption (context ``caption_of``) applies only to that table's rows."""
    ds = f["_ctx"].get("dataset")
    if ds == "small" or (ds == "other" and f["kind"] in ("epochs", "training_time", "training_set_size")):
        return False, ""
    cap = f["_ctx"].get("caption_of")
    if cap and not re.match(rf"{re.escape(cap)}\s*[:.|]", str(row.score["_ctx"].get("caption") or "")):
        return False, ""  # a table caption's statement ("The models are trained for 12 epochs") is about that table
    s = f.get("source_text") or ""
    sizes = _statement_sizes(f)
    row_sizes = _row_sizes(row)
    all_sizes = set().union(*(_row_sizes(r) for r in paper_rows)) if paper_rows else set()
    if sizes and all_sizes & sizes and len(all_sizes) > 1:
        # the paper's rows differ by size and the sentence names one: only those rows
        if not (sizes & row_sizes):
            return False, ""
        return True, f"paper-level statement naming model size {sorted(sizes & row_sizes)}"
    named_reason = ""
    named = _statement_model(f) if f["_ctx"].get("phase") != "inference" else None
    if named and paper_rows:
        naming = [r for r in paper_rows if _names_row(named, r.key, exact=True)] or [
            r for r in paper_rows if _names_row(named, r.key)]  # "Zeta-B", not also "Zeta-B 384 (22k)"
        if naming and len(naming) < len(paper_rows):
            # the sentence names one of the paper's models ("Training HexaMix-S takes roughly 40
            # hours, while HexaMix-B needs about 3.5 days"): only that model's rows
            # (and, below, only where its run is for the row's benchmark)
            if row not in naming:
                return False, ""
            named_reason = f"paper-level statement naming model {named}"
    benches = {b for b, rx in _BENCH_IN_SENTENCE.items() if rx.search(s)}
    paper_benches = {r.benchmark for r in paper_rows}
    if benches & paper_benches and len(paper_benches) > 1:
        if row.benchmark not in benches:
            return False, ""
        return True, named_reason or f"paper-level statement naming benchmark {row.benchmark}"
    if (ds and ds not in ("small", "other") and f["kind"] in _RUN_KINDS and not row.benchmark.startswith(ds)
            and f["_ctx"].get("phase") == "pretraining"):
        # a backbone's pre-training on another benchmark's data ("Both backbones are pre-trained on
        # ImageNet-1k for 300 epochs", for COCO rows): that run's schedule and machine
        return False, ""
    if (ds and ds not in ("small", "other") and f["kind"] in _RUN_KINDS
            and len({b.split("_")[0] for b in paper_benches}) > 1 and not row.benchmark.startswith(ds)):
        # in the section of another of the paper's benchmarks ("We use 8 GPUs ... for 120 epochs"
        # under ImageNet training): that run's schedule and machine, not this benchmark's
        return False, ""
    return True, named_reason or "paper-level statement on the paper's own model"


#: Paper-level kinds that describe one training run (its schedule, data and machine size), so
#: they hold only for the benchmark that run was for; a chip model is the paper's hardware.
_RUN_KINDS = ("epochs", "training_time", "training_set_size", "chip_count")


def _review_state(findings: Iterable[dict[str, Any]], reviews: dict[str, dict[str, Any]],
                  include_pending: bool) -> list[dict[str, Any]]:
    out = []
    for f in findings:
        rv = reviews.get(f["finding_id"])
        if rv is None:
            if not include_pending:
                continue
            out.append(dict(f, _reviewed=False))
            continue
        if rv["decision"] == "reject":
            continue
        g = dict(f, _reviewed=True)
        if rv["decision"] == "correct":
            if rv.get("value") is not None:
                g["value"] = rv["value"]
            if rv.get("value_text") is not None:
                g["value_text"] = rv["value_text"]
        out.append(g)
    return out


def assemble(findings: list[dict[str, Any]], papers: dict[str, dict[str, Any]],
             reviews: dict[str, dict[str, Any]] | None = None, include_pending: bool = True,
             chips: tuple | None = None) -> list[dict[str, Any]]:
    """Given findings (dicts with the columns of the ``findings`` table; ``context`` as a dict or
    JSON text), papers (``paper_id`` -> dict with ``arxiv_id``, ``title``, ``abs_url``,
    ``published_at``) and the latest review per finding (``finding_id`` -> dict with
    ``decision``, ``value``, ``value_text``), return observation dicts with the keys of
    :data:`COLUMNS` (one per paper x model x benchmark x metric), following the linking rules of
    the module docstring. ``raw`` is JSON text holding ``links`` (field -> finding id, reason,
    method, confidence), ``alternatives`` and ``confidence`` (lowest confidence behind the row).

    Pure: no I/O except reading the packaged chip table for peak FLOP/s.
    """
    from extract.chips import load_chips
    from warehouse.db import stable_id

    chip_table = {c.key: c for c in (chips if chips is not None else load_chips())}
    reviews = reviews or {}
    rows_out: list[dict[str, Any]] = []
    by_paper: dict[str, list[dict[str, Any]]] = {}
    for f in _review_state(findings, reviews, include_pending):
        if not f["_reviewed"] and (f.get("confidence") or 0.0) < MIN_CONFIDENCE:
            continue  # e.g. a table cell pdfplumber reads differently (extract.pipeline.cross_check)
        f["_ctx"] = _ctx(f)
        by_paper.setdefault(f["paper_id"], []).append(f)
    for paper_id in sorted(by_paper):
        fs = sorted(by_paper[paper_id], key=_order)
        paper = papers.get(paper_id, {})
        rows = _score_rows(paper_id, fs, title_model_name((papers.get(paper_id) or {}).get("title")))
        if not rows:
            continue
        _link_model_values(rows, fs)
        _link_paper_values(rows, fs)
        for row in rows:
            rows_out.append(_to_observation(row, paper, chip_table, stable_id))
    return rows_out


_VARIANT_RE = re.compile(r"\b(single(?:\s+model)?|ensemble)\b", re.IGNORECASE)


def _with_column_variant(label: str | None, ctx: dict[str, Any]) -> str | None:
    """Given a score's model label and context, return the label with the single-model /
    ensemble variant its column header names appended (``"BIDAF (Ours)"`` under ``Ensemble EM``
    -> ``"BIDAF (Ours) (Ensemble)"``): one label row then makes two models, as the paper means;
    unchanged when the label already names a variant or the column names none."""
    if not label:
        return label
    m = _VARIANT_RE.search(f"{ctx.get('column') or ''}")
    if m is None or _VARIANT_RE.search(label) or re.search(r"\b(?:sgl|ens)\b", label, re.IGNORECASE):
        return label
    return f"{label} ({m.group(1)})"


#: Title openers that are not model names ("Rethinking: ...", "Attention: ...").
_TITLE_WORDS = frozenset({"rethinking", "revisiting", "towards", "toward", "beyond", "attention", "learning", "deep",
                          "understanding", "improving", "scaling", "training", "review", "survey", "tutorial",
                          "introduction", "benchmarking", "efficient", "neural", "convolutional", "transformers",
                          "transformer", "networks", "representations", "language", "vision", "when", "what", "why",
                          "how", "less", "more", "bigger", "simple", "simpler", "fast", "faster", "going"})
_TITLE_NAME_RE = re.compile(r"^\s*([A-Za-z][\w\-+.]*(?:\s+[\w\-+.]+){0,2}?)\s*:\s+\S")


def compact(text: str | None) -> str:
    """Given text, return its lower-case letters and digits only (``"ShuffleNet V2"`` ->
    ``"shufflenetv2"``); None gives ""."""
    return re.sub(r"[^a-z0-9]+", "", (text or "").lower())


def title_model_name(title: str | None) -> str | None:
    """Given a paper title, return the model name it opens with, compacted (lower-case letters and
    digits, a plural ``s`` dropped), or None: ``"ShuffleNet V2: Practical Guidelines ..."`` ->
    ``"shufflenetv2"``, ``"MobileNets: Efficient ..."`` -> ``"mobilenet"``, ``"BERT: Pre-training
    ..."`` -> ``"bert"``. A name is at most three words before a colon with a capital letter or
    a digit after its first letter, or one capitalised word that is not a common title opener
    (``"Quill: ..."`` -> ``"quill"``; ``"Rethinking: ..."`` -> None) (``"R-NET: M ACHINE R EADING ..."`` -> ``"rnet"``); titles
    without one (``"Deep Residual Learning for Image Recognition"``) give None."""
    m = _TITLE_NAME_RE.match(title or "")
    if m is None:
        return None
    single = re.fullmatch(r"[A-Z][a-z]{2,}", m.group(1)) and m.group(1).lower() not in _TITLE_WORDS
    if not (re.search(r"[A-Z\d]", m.group(1)[1:]) or single):  # "Quill: ..." names its model too
        return None
    key = compact(m.group(1))
    if m.group(1).endswith("s") and len(key) > 4 and not key.endswith("ss"):  # "MobileNets"; not "DetectoRS"
        key = key[:-1]
    return key or None


def _table_of(f: dict[str, Any]) -> tuple:
    """Given a score finding, return its table's identity: (page, first 80 characters of the caption)."""
    return (f.get("page"), str(f["_ctx"].get("caption") or "")[:80])


def names_title_model(label: str | None, name: str | None) -> bool:
    """Given a row label and the title's model name (:func:`title_model_name`), return True when
    the label names that model (its compacted form contains the name)."""
    return bool(label and name) and name in compact(label)


def _marks_own(f: dict[str, Any]) -> bool:
    """Given a table score finding, return True when its row says it is the paper's own entry:
    ``ours``/``our`` in the row label or the printed row (``BIDAF (Ours)``), but not a baseline
    the authors ran (``RetinaNet (our impl.)``)."""
    return bool(_OWN_RE.search(_REIMPL_RE.sub(" ", f"{f.get('model_label') or ''} {f.get('source_text') or ''}")))


def _score_rows(paper_id: str, fs: list[dict[str, Any]], title_name: str | None = None) -> list[_Row]:
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    names: dict[tuple[str, str, str], str] = {}
    table_named: set[tuple[str, str, str]] = set()
    for f in fs:
        if f["kind"] != "score" or f.get("value") is None:
            continue
        label = _with_column_variant(f.get("model_label"), f["_ctx"])
        key = model_key(label) if label else ""
        g = (key, f["benchmark"], f["metric"])
        groups.setdefault(g, []).append(f)
        if g not in names or (f.get("method") == "table_cell" and g not in table_named):
            names[g] = label or PAPER_MODEL  # a table's label names the row before a sentence's
        if f.get("method") == "table_cell":
            table_named.add(g)
    table_benches = {b for (k, b, _m) in groups if k}
    # the tables (page, caption) whose rows name the title's model
    naming_tables = {_table_of(f) for g, ms in groups.items() if g[0] for f in ms
                     if names_title_model(_with_column_variant(f.get("model_label"), f["_ctx"]), title_name)}
    # the tables whose rows mark the paper's own entries ("BIDAF (Ours)", "ResNeSt-50 (ours)")
    marking_tables = {_table_of(f) for g, ms in groups.items() if g[0] for f in ms if _marks_own(f)}
    tested = {(b, m) for (k, b, m), ms in groups.items() if k and any(score_split(f) == "test" for f in ms)}
    rows: list[_Row] = []
    table_values = {(f["benchmark"], f["metric"], round(f["value"], 1)) for ms in groups.values() for f in ms
                    if f.get("method") == "table_cell"}
    for (key, bench, metric), members in groups.items():
        if not key and bench in table_benches:
            continue  # sentence scores only where no table gives the benchmark
        if all(f.get("method") != "table_cell" for f in members) and any(
                (bench, metric, round(f["value"], 1)) in table_values for f in members):
            continue  # "RingDet reaches 41.5 AP" repeats a table row's value under a shorter name
        if bench in TEST_SET_BENCHMARKS and (bench, metric) in tested and key:
            members = [f for f in members if score_split(f) != "dev"]
            if not members:
                continue  # dev-set only, and the paper reports test-set results: see rule 1
        members.sort(key=_score_rank)
        best = members[0]
        own = (is_own_row(best.get("source_text"), best.get("model_label"))
               or variant_is_own(best["_ctx"].get("column_variant"))) if key else True
        if key and title_name and _table_of(best) in naming_tables:
            # the title names the paper's model ("BERT: ...") and this table has rows naming it: those
            # rows are own even when they cite a base network ("ResNet50 [5] + CBAM"); the table's
            # other rows are leaderboard entries or other work ("BiDAF+ELMo (Single)", "MobileNetV1").
            # Tables without such a row (ablations: "No NSP", "RFP + sharing") keep the citation rule.
            own = names_title_model(names[(key, bench, metric)], title_name) or bool(_OWN_RE.search(best.get("model_label") or ""))
        elif key and own and _table_of(best) in marking_tables and not _marks_own(best):
            # a table that marks the paper's entries "(Ours)": its unmarked rows are other work, cited
            # or not (BiDAF's leaderboard rows cite by footnote letters: "Match-LSTM (Wang & Jiang)^c")
            own = variant_is_own(best["_ctx"].get("column_variant"))
        row = _Row(paper_id, names[(key, bench, metric)], key, bench, metric, best, own,
                   alternatives=[{"finding_id": m["finding_id"], "value": m["value"], "page": m["page"]} for m in members[1:]])
        rows.append(row)
    rows.sort(key=lambda r: (r.benchmark, _order(r.score), r.metric))
    return rows


def _link_model_values(rows: list[_Row], fs: list[dict[str, Any]]) -> None:
    for kind in ("ops_per_forward_pass", "parameters"):
        cands = [f for f in fs if f["kind"] == kind and f.get("model_label") and f.get("value") is not None]
        for row in rows:
            if not row.key:
                continue
            same_row = [f for f in cands if f["page"] == row.score["page"]
                        and (f.get("source_text") or "") == (row.score.get("source_text") or "")]
            if same_row:
                # a row of column groups ("original | re-implementation | SENet", each with its own
                # GFLOPs): the cell under the score's own group
                group = str(row.score["_ctx"].get("column_variant") or "").lower()
                best = sorted(same_row, key=lambda f: (
                    not (group and group in str(f["_ctx"].get("column") or "").lower()),
                    -(f.get("confidence") or 0.0), *_order(f)))[0]
                row.values[kind] = (best, "same table row")
                continue
            matched = [f for f in cands if labels_match(f.get("model_label"), row.model_name)
                       and not _other_task(f, row.benchmark)]
            if matched:
                best = sorted(matched, key=lambda f: (-(f.get("confidence") or 0.0), *_order(f)))[0]
                row.values[kind] = (best, f"model label match ({best.get('model_label')!r} ~ {row.model_name!r})")


_TASK_RES = {
    "imagenet": re.compile(r"ImageNet|ILSVRC|classification", re.I),
    "coco": re.compile(r"\bCOCO\b|detection|detector", re.I),
}


def _other_task(f: dict[str, Any], benchmark: str) -> bool:
    """Given a model-level finding and a row's benchmark, return True when the finding's table is
    about the other vision task: a classification table's FLOPs (``Table 4: Classification results
    on ImageNet-1K``) are the backbone's, not the detector's of a COCO row with the same label,
    and the other way round; so is a sentence whose dataset context is the other task's.
    Findings without either, and other benchmarks, are never so."""
    caption = str(f["_ctx"].get("caption") or "")
    other = {"imagenet": "coco", "coco": "imagenet"}.get(benchmark)
    if other is not None and f["_ctx"].get("dataset") == other:
        return True  # a sentence in the other task's section ("ResNet-50 requires ~3.86 GFLOPs" for ImageNet)
    if (benchmark == "coco" and f.get("method") == "sentence" and f["_ctx"].get("dataset") != "coco"
            and not _TASK_RES["coco"].search(f.get("source_text") or "")):
        return True  # a network's FLOPs said outside any detection context: the backbone's, at 224 x 224
    if not caption or other is None:
        return False
    return bool(_TASK_RES[other].search(caption)) and not _TASK_RES[benchmark].search(caption)


_PAPER_KINDS = ("chip_model", "chip_count", "training_time", "epochs", "training_set_size")


def _link_paper_values(rows: list[_Row], fs: list[dict[str, Any]]) -> None:
    stmts = [f for f in fs if f["kind"] in _PAPER_KINDS and not f.get("model_label")]
    kinds_in_sentence: dict[str, set[str]] = {}
    for f in stmts:
        kinds_in_sentence.setdefault(f.get("source_text") or "", set()).add(f["kind"])
    own_rows = [r for r in rows if r.own]
    for row in own_rows:
        for kind in _PAPER_KINDS:
            cands = [f for f in stmts if f["kind"] == kind]
            if kind == "chip_model":
                cands = [f for f in cands if _chip_peak(f.get("value_text")) is not None]
            if kind == "chip_count":
                devices = [f for f in cands if f["_ctx"].get("device") != "tpu_chip"]
                cands = devices or cands
            if kind in ("chip_model", "chip_count"):
                cands = _training_first(kind, cands, stmts)
            if kind in ("epochs", "training_time"):
                # an ablation's or a search's schedule ("For ablation studies, we train models for 12
                # epochs", "During the search ... each network is trained for 20 epochs") is not the
                # reported model's, even when the paper states no other; rows of an ablation table
                # take the ablation schedule first
                side = [f for f in cands if _SIDE_RUN_RE.search(f.get("source_text") or "")]
                if _ABLATION_RE.search(str(row.score["_ctx"].get("caption") or "")):
                    cands = [f for f in side if _ABLATION_RE.search(f.get("source_text") or "")] or cands
                else:
                    cands = [f for f in cands if f not in side]
            usable = []
            for f in cands:
                ok, reason = _applies(f, row, own_rows)
                if ok:
                    if f["_ctx"].get("phase") == "inference":
                        reason = "paper-level statement of the hardware its timings ran on (no training hardware stated)"
                    usable.append((f, reason))
            if not usable and kind == "chip_model":
                usable = _only_chip_elsewhere(cands)
            if not usable:
                continue
            usable.sort(key=lambda fr: _statement_rank(fr[0], row, kinds_in_sentence))
            row.values[kind] = usable[0]


def _only_chip_elsewhere(cands: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str]]:
    """Given a row's chip-model candidate statements, none of which applies to the row because
    each names another of the paper's benchmarks (``On WMT En→Fr, it takes around 6 days to train
    a basic model using 96 NVIDIA K80 GPUs``, for an En→De row), return them with a reason when
    they all name one chip model: a paper's models are trained on its one kind of hardware, so the
    chip model carries over; the count and the time, stated for that benchmark's run, do not.
    Statements about a small side dataset never do (:func:`_applies`). [] otherwise."""
    usable = [f for f in cands if f["_ctx"].get("dataset") != "small"]
    if not usable or len({f.get("value_text") for f in usable}) != 1:
        return []
    reason = "the paper's only chip model, stated for another of its benchmarks"
    return [(f, reason) for f in usable]


def _training_first(kind: str, cands: list[dict[str, Any]], stmts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Given a hardware kind (``chip_model`` or ``chip_count``), its candidate statements and all
    the paper's statements, return the candidates to use: the training ones when there are any;
    else the hardware of the paper's timings (phase ``inference``), for a chip model only when the
    training statements count GPUs or nothing (``we train on 64 GPUs`` + ``latency is measured on a
    NVIDIA V100 GPU``: the GPUs are taken to be the V100s, as Thompson et al. did for ResNeSt), for a
    chip count only when no training statement states hardware at all (a training count of 64
    is not replaced by the one GPU that timed inference)."""
    trained = [f for f in cands if f["_ctx"].get("phase") != "inference"]
    if trained:
        return trained
    train_hw = [f for f in stmts if f["kind"] in ("chip_model", "chip_count") and f["_ctx"].get("phase") != "inference"]
    if kind == "chip_count":
        return [] if train_hw else cands
    if any(str(f["_ctx"].get("device") or "").startswith("tpu") for f in train_hw):
        return [f for f in cands if f["_ctx"].get("vendor") not in ("NVIDIA", "AMD")]
    return cands


def _chip_peak(key: str | None) -> float | None:
    """Given a chip key, return its FP32 peak FLOP/s from the chip table, or None (unknown key,
    or a chip without a published peak such as a TPU whose generation the paper does not state)."""
    from extract.chips import load_chips

    for c in load_chips():
        if c.key == key:
            return c.peak_fp32_flops_per_s
    return None


def _to_observation(row: _Row, paper: dict[str, Any], chip_table: dict, stable_id) -> dict[str, Any]:
    arxiv_id = paper.get("arxiv_id")
    title = paper.get("title")
    paper_key = arxiv_id or normalise_title(title or row.paper_id)
    links: dict[str, Any] = {"score": _link(row.score, "score row")}
    vals: dict[str, Any] = {}
    for kind, (f, reason) in row.values.items():
        links[kind] = _link(f, reason)
        vals[kind] = f.get("value_text") if kind == "chip_model" else f.get("value")
    chip = chip_table.get(vals.get("chip_model")) if vals.get("chip_model") else None
    peak = chip.peak_fp32_flops_per_s if chip is not None else None
    ops = vals.get("ops_per_forward_pass")
    epochs, size = vals.get("epochs"), vals.get("training_set_size")
    count, secs = vals.get("chip_count"), vals.get("training_time")
    net = ops * FP_BP_RATIO * epochs * size if None not in (ops, epochs, size) else None
    hw = count * peak * secs if None not in (count, peak, secs) else None
    all_f = [row.score] + [f for f, _ in row.values.values()]
    reviewed = all(f.get("_reviewed") for f in all_f)
    source = SOURCE_REVIEWED if reviewed else SOURCE_PENDING
    published = paper.get("published_at")
    raw = {
        "links": links,
        "alternatives": row.alternatives,
        "confidence": min(float(f.get("confidence") or 0.0) for f in all_f),
        "own_row": row.own,
        "score_reported_as": row.score.get("reported_as"),
    }
    return {
        "observation_id": stable_id("observation", source, None, paper_key, row.model_name, row.benchmark, row.metric),
        "source": source,
        "source_file": None,
        "source_row": None,
        "paper_key": paper_key,
        "arxiv_id": arxiv_id,
        "title": title,
        "paper_link": f"{ARXIV_ABS}{arxiv_id}" if arxiv_id else paper.get("abs_url"),
        "model_name": row.model_name,
        "year": int(published.year) if published is not None and hasattr(published, "year") else None,
        "benchmark": row.benchmark,
        "metric": row.metric,
        "score": float(row.score["value"]),
        "ops_per_forward_pass_flop": ops,
        "parameters": vals.get("parameters"),
        "epochs": epochs,
        "training_set_size": size,
        "training_time_s": secs,
        "chip_model": vals.get("chip_model"),
        "chip_count": count,
        "peak_flops_per_s": peak,
        "network_operations_flop": net,
        "hardware_burden_flop": hw,
        "finding_ids": [row.score["finding_id"]] + [f["finding_id"] for f, _ in row.values.values()],
        "raw": json.dumps(raw, sort_keys=True, default=str),
    }


def _link(f: dict[str, Any], reason: str) -> dict[str, Any]:
    return {"finding_id": f["finding_id"], "reason": reason, "method": f.get("method"),
            "confidence": f.get("confidence"), "page": f.get("page"), "extractor": f.get("extractor"),
            "reported_as": f.get("reported_as"), "phase": f.get("_ctx", {}).get("phase")}


def normalise_title(title: str) -> str:
    """Given a paper title, return a key: lower case, letters and digits only, single spaces
    (the same key as the reference import uses for papers without an arXiv id)."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", title.lower()).split())


_FINDING_COLS = ("finding_id", "paper_id", "kind", "value", "value_text", "unit", "model_label", "benchmark",
                 "metric", "reported_as", "page", "bbox_x0", "bbox_top", "source_text", "method",
                 "confidence", "extractor", "context")


def read_inputs(con) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Given a DuckDB connection (read-only is enough), return ``(findings, papers, latest
    review per finding)`` as plain dicts for :func:`assemble`. Findings come from the latest
    extractor version of each paper's documents only."""
    cur = con.execute(
        f"""SELECT {', '.join('f.' + c for c in _FINDING_COLS)} FROM findings f
            JOIN documents d USING (document_id)
            QUALIFY d.extracted_at = max(d.extracted_at) OVER (PARTITION BY f.paper_id)"""
    )
    cols = [d[0] for d in cur.description]
    findings = [dict(zip(cols, r)) for r in cur.fetchall()]
    cur = con.execute("SELECT paper_id, arxiv_id, title, abs_url, published_at FROM papers")
    pcols = [d[0] for d in cur.description]
    papers = {r[0]: dict(zip(pcols, r)) for r in cur.fetchall()}
    cur = con.execute(
        """SELECT finding_id, decision, value, value_text FROM reviews
           QUALIFY row_number() OVER (PARTITION BY finding_id ORDER BY decided_at DESC, review_id DESC) = 1"""
    )
    reviews = {r[0]: {"decision": r[1], "value": r[2], "value_text": r[3]} for r in cur.fetchall()}
    return findings, papers, reviews


def assemble_observations(con, include_pending: bool):
    """Given a warehouse connection (read-only is enough) and whether unreviewed findings may be
    used, return the assembled observations as a polars DataFrame with the columns of
    :data:`COLUMNS` (``finding_ids`` a list of strings, ``raw`` JSON text), one row per paper x
    model x benchmark x metric; an empty frame with those columns when nothing qualifies.
    """
    import polars as pl

    findings, papers, reviews = read_inputs(con)
    rows = assemble(findings, papers, reviews, include_pending=include_pending)
    schema = {
        "observation_id": pl.Utf8, "source": pl.Utf8, "source_file": pl.Utf8, "source_row": pl.Int64,
        "paper_key": pl.Utf8, "arxiv_id": pl.Utf8, "title": pl.Utf8, "paper_link": pl.Utf8,
        "model_name": pl.Utf8, "year": pl.Int64, "benchmark": pl.Utf8, "metric": pl.Utf8,
        "score": pl.Float64, "ops_per_forward_pass_flop": pl.Float64, "parameters": pl.Float64,
        "epochs": pl.Float64, "training_set_size": pl.Float64, "training_time_s": pl.Float64,
        "chip_model": pl.Utf8, "chip_count": pl.Float64, "peak_flops_per_s": pl.Float64,
        "network_operations_flop": pl.Float64, "hardware_burden_flop": pl.Float64,
        "finding_ids": pl.List(pl.Utf8), "raw": pl.Utf8,
    }
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
