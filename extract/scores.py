"""Benchmark scores from tables and sentences.

Scope (as in Thompson et al. 2022): ImageNet top-1/top-5, MS COCO box AP, SQuAD 1.1 EM/F1,
CoNLL-2003 (English NER) F1, WMT 2014 En-De and En-Fr BLEU. A score is only read when the
benchmark is named by the column header, the table caption/header, or the sentence itself, and
the metric by the column header (or, for a table with no metric in its columns, the caption).
ImageNet errors are stored as accuracy (100 - error) with ``reported_as='error'``.
"""

from __future__ import annotations

import re

from extract.layout import PageLayout
from extract.models import Finding
from extract.tables import CAPTION_RE, Table, column_cells, transpose
from extract.version import EXTRACTOR_VERSION

_IMAGENET_RE = re.compile(r"ImageNet|ILSVRC|ILSRVC", re.IGNORECASE)
_IMAGENET_VARIANT_RE = re.compile(
    r"ImageNet[- ]?(?:V2|C|A|R|Sketch|21[kK]|22[kK]|-?5[kK]|32|64)\b|Tiny[- ]ImageNet|downsampled ImageNet|ImageNet\s*\d+\s*[x×]\s*\d+",
    re.IGNORECASE,
)
_COCO_RE = re.compile(r"\bCOCO\b|MS-?COCO|MSCOCO", re.IGNORECASE)
_SQUAD_RE = re.compile(r"SQuAD", re.IGNORECASE)
_SQUAD2_RE = re.compile(r"SQuAD\s*(?:v\s*)?2(?:\.0)?|SQuAD\s*2|v2\.0", re.IGNORECASE)
_CONLL_RE = re.compile(r"CoNLL[\s\-'’]*(?:20)?03\b", re.IGNORECASE)
_CONLL_OTHER_RE = re.compile(r"CoNLL[\s\-'’]*(?:20)?0[02]\b|Spanish|Dutch|German NER|\bchunking\b", re.IGNORECASE)
_WMT14_RE = re.compile(r"WMT\s*['’]?\s*(?:20)?14|newstest\s*-?\s*(?:20)?14", re.IGNORECASE)
_EN_DE_RE = re.compile(r"\bEN\s*[-–→>\s]\s*DE\b|English[\s\-–]*(?:to|→|-)[\s\-–]*German|\bEnDe\b", re.IGNORECASE)
_EN_FR_RE = re.compile(r"\bEN\s*[-–→>\s]\s*FR\b|English[\s\-–]*(?:to|→|-)[\s\-–]*French|\bEnFr\b", re.IGNORECASE)
_REVERSE_RE = re.compile(r"\b(?:DE|FR)\s*[-–→>]\s*EN\b|German[\s\-–]*(?:to|→)[\s\-–]*English|French[\s\-–]*(?:to|→)[\s\-–]*English", re.IGNORECASE)

_TOPK_RE = re.compile(r"top[\s\-]?([15])\b|@([15])\b|\bT([15])\b", re.IGNORECASE)
_ERR_RE = re.compile(r"\berr(?:or)?s?\b|err\.", re.IGNORECASE)
_ACC_RE = re.compile(r"\bacc(?:uracy)?\b|acc\.", re.IGNORECASE)
_AP_TOKEN_RE = re.compile(r"^(?:m{0,2}AP|APb|AP\^b|APbb|AP\^?bb|APbbox|AP\^?bbox|APbox|AP\^?box|box\s*AP|bbox\s*AP|AP\s*\[?\.?50?:\.?95\]?|AP@\[?\.5\s*[:,]\s*\.95\]?)$")
_BOX_AP_TOKEN_RE = re.compile(r"^(?:APb|AP\^b|APbb|AP\^?bb|APbbox|AP\^?bbox|APbox|AP\^?box)$")
_AP_OTHER_RE = re.compile(r"AP\s*_?\^?(?:50|75|S|M|L|s|m|l|[1-9]\d)|AP\w*\s+(?:50|75|S|M|L)\b|\bAR\b|mask|segm|keypoint|AP\^?mk|APmask|\bPQ\b", re.IGNORECASE)
#: A caption about masks, segmentation or keypoints, not boxes ("Mask R-CNN" names a detector).
_MASK_TASK_RE = re.compile(r"\bmask(?![\s\-]*R-?CNN)|segmentation|keypoint|instance seg", re.IGNORECASE)


def _score(kind_ctx: dict, benchmark: str, metric: str, value: float, reported_as: str | None,
           page: int, bbox, source: str, label: str | None, method: str, extractor: str,
           confidence: float) -> Finding:
    return Finding(
        kind="score", value=round(value, 4), unit="BLEU" if metric == "bleu" else "%", page=page,
        bbox=bbox, source_text=source, extractor=extractor, extractor_version=EXTRACTOR_VERSION,
        model_label=label, benchmark=benchmark, metric=metric, reported_as=reported_as,
        method=method, confidence=confidence, context=kind_ctx,
    )


#: A bracketed month and year, ``(March 2017)``: ``R-NET (March 2017)`` dates a leaderboard entry,
#: it is not a citation (regular-expression text, used after ``\(``).
MONTH_DATE = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
           r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+(?:19|20)\d\d\)")


def clean_label(label: str) -> str:
    """Given a table row label, return it without citation brackets and stray markers:
    ``"VGG [41] (v5)"`` -> ``"VGG (v5)"``, ``"BiDAF (Seo et al., 2016)"`` -> ``"BiDAF"``; a date
    is kept: ``"R-NET (March 2017)"`` names one leaderboard entry."""
    out = re.sub(r"\s*\[[\d,\s\-–]+\]", "", label)
    out = re.sub(r"\s*\((?!" + MONTH_DATE + r")(?:[A-Z][A-Za-z\-]+\.?(?: et al\.?)?|[A-Z][a-z]+ and [A-Z][a-z]+\.?),? (?:19|20)\d\d[a-z]?\)", "", out)
    return re.sub(r"\s+", " ", out).strip(" †‡*§¶∗")


def table_benchmark(col_header: str, table_ctx: str) -> list[str]:
    """Given a column header and the table's caption+header text, return candidate benchmark keys
    (column-level mentions win over table-level ones); [] when none is named."""
    for ctx in (col_header, table_ctx):
        found: list[str] = []
        if _IMAGENET_RE.search(ctx) and not (_IMAGENET_VARIANT_RE.search(ctx) and len(_IMAGENET_RE.findall(ctx)) <= len(_IMAGENET_VARIANT_RE.findall(ctx))):
            found.append("imagenet")
        if _COCO_RE.search(ctx):
            found.append("coco")
        if _SQUAD_RE.search(ctx) and not _SQUAD2_RE.search(ctx):
            found.append("squad11")
        if _CONLL_RE.search(ctx) and not _CONLL_OTHER_RE.search(ctx):
            found.append("conll2003")
        if _WMT14_RE.search(ctx):
            found.append("wmt14")
        if found:
            return found
    return []


#: ImageNet's other test sets as a column ("ReaL", "V2", "ImageNet-A"): not the validation top-1.
_VARIANT_COLUMN_RE = re.compile(r"\bReaL\b|\bV2\b|ImageNet[- ]?(?:V2|A|R|C|Sketch)\b|\b(?:IN|INet)-(?:V2|A|R|C|Sketch)\b|\bSketch\b")
_BLEU_COLUMN_RE = re.compile(r"BLEU|\bEN\s*[-–→>]\s*(?:DE|FR)\b|English|newstest|WMT", re.IGNORECASE)
_NOT_SCORE_RE = re.compile(
    r"param|flop|mult|madd|\bmacs?\b|time|speed|size|mem|#|\bres\.?(?:olution)?\b|input|batch|epoch|gpu|latency|cost|step|ppl|perplex|fps|\bms\b|hours|days|ratio|\bloc\b|locali[sz]ation|detection|\bdet\b",
    re.IGNORECASE,
)


def _imagenet_metric(col: str, caption: str, values: list[float] | None = None) -> tuple[str, bool] | None:
    """Given an ImageNet column header, the caption and the column's values, return
    ``(metric, is_error)``, or None when top-k or error-vs-accuracy is unclear or the column holds
    something else (params, FLOPs).

    When neither header nor caption says error or accuracy, the values decide where they cannot be
    the other: top-1 all >= 50 is accuracy, all <= 45 is error; top-5 all >= 70 accuracy, all <= 30
    error (ImageNet top-1 errors of published CNNs are below 45%, top-5 below 30%).
    """
    if _NOT_SCORE_RE.search(col):
        return None
    ks = {next(g for g in m.groups() if g) for m in _TOPK_RE.finditer(col)}
    if not ks:
        ks = {next(g for g in m.groups() if g) for m in _TOPK_RE.finditer(caption)}
    if len(ks) != 1:
        return None
    k = ks.pop()
    for text in (col, caption):
        err, acc = bool(_ERR_RE.search(text)), bool(_ACC_RE.search(text))
        if err != acc:
            return (f"top{k}", err) if _plausible(k, err, values) else None
    if values:
        acc_min, err_max = (50.0, 45.0) if k == "1" else (70.0, 30.0)
        if all(v >= acc_min for v in values):
            return f"top{k}", False
        if all(0 < v <= err_max for v in values):
            return f"top{k}", True
    return None


#: Plausible ImageNet values (percent) for published models: (lowest accuracy, highest error) by
#: top-k. AlexNet-era models report ~57-63 % top-1 and ~80 % top-5 accuracy; tiny mobile models
#: ~40-50 % top-1. A column outside these is something else (GFLOPs, latency) that the caption's
#: "top-1 accuracy" was wrongly lent to.
_PLAUSIBLE = {"1": (25.0, 75.0), "5": (45.0, 55.0)}


def _plausible(k: str, is_error: bool, values: list[float] | None) -> bool:
    """Given top-k, whether the column holds errors, and its values, return False when a value
    cannot be that metric (see :data:`_PLAUSIBLE`; top-1 accuracy of 4.14 is a GFLOPs count)."""
    if not values:
        return True
    lo_acc, hi_err = _PLAUSIBLE[k]
    return all(v <= hi_err for v in values) if is_error else all(v >= lo_acc for v in values)


_METRIC_WORDS_RE = re.compile(
    r"top[\s\-]?[15]|[PR]@[15]|@[15]|\berr(?:or)?s?\b\.?|\bacc(?:uracy)?\b\.?|\(%\)|%|\b(?:val|validation|test|dev|"
    r"single[\s\-]crop|multi[\s\-]crop|rates?|results?|ImageNet|ILSVRC[\s\-\d']*)\b",
    re.IGNORECASE,
)


def _column_variant(header: str) -> str:
    """Given an ImageNet column header, return what it says besides the metric and split (a network
    or variant name such as ``ResNet`` or ``InceptionV3``), or "" when nothing is left."""
    rest = re.sub(r"[()\[\],:/]", " ", _METRIC_WORDS_RE.sub(" ", header))
    rest = re.sub(r"\s+", " ", rest).strip()
    if not re.search(r"[A-Za-z]{2}", rest) or len(rest.split()) > 3 or re.search(
            r"\b(?:with|and|the|of|for|on|our|we|is|are|by|in|to)\b", rest, re.IGNORECASE):
        return ""  # caption text spilled into the header, not a network name
    return rest


#: Datasets other than the six benchmarks that tables report with the same column names
#: (top-1/top-5, COCO-style AP, EM/F1): a table naming one is never assigned a benchmark by its columns.
#: Datasets other than the six benchmarks, named as datasets: whole words, and the ones that are
#: also English words (Places, Pets, Birds, Flowers, Tiny) only as the dataset's proper name.
_OTHER_DATASET_RE = re.compile(
    r"\b(?:CIFAR|SVHN|MNIST|Kinetics|iNat(?:uralist)?|JFT|Food-?101|Caltech|CUB|VOC|PASCAL|KITTI|Cityscapes|LVIS|"
    r"Objects365|Open\s?Images|ADE20K|WIDER|CrowdHuman|TriviaQA|NewsQA|MS\s?MARCO|SearchQA|HotpotQA|"
    r"Natural\s+Questions|CoQA|QuAC|WikiQA|Daily\s?Mail|CNN\s?/\s?Daily|SQuAD\s*(?:v\s*)?2|"
    r"ImageNet[- ]?(?:V2|C|A|R|21[kK]|22[kK])|Tiny[- ]?ImageNet)"
    r"|(?-i:\b(?:Places\d*|Stanford\s+\w+|Oxford(?:\s+|-)(?:Flowers|Pets|IIIT)\w*|Flowers-?\d+|Pets|Birds)\b)",
    re.IGNORECASE,
)


#: An F1 measure named in a header or caption.
_F1_RE = re.compile(r"\bF1\b|F-?score|F-measure", re.IGNORECASE)
#: Column words of CoNLL-2003 measures other than F1 (precision, recall, accuracy, speed ...).
_NOT_F1_RE = re.compile(r"\b(?:P|R|Prec\w*|Rec\w*|Acc\w*|dev|time|speed|tokens?|sentences?|#)\b|%", re.IGNORECASE)
#: NER datasets other than CoNLL-2003 English.
_NER_OTHER_RE = re.compile(r"OntoNotes|\bMUC\b|WNUT|BC5CDR|NCBI|JNLPBA|GENIA|i2b2|Weibo|MSRA|WikiNER|"
                           r"CoNLL[\s\-'’]*(?:20)?02\b|Spanish|Dutch|German NER", re.IGNORECASE)
_WMT_OTHER_RE = re.compile(r"WMT\s*['’]?\s*(?:20)?(?:0\d|1[0-35-9]|2\d)\b", re.IGNORECASE)


def paper_benchmarks(text: str) -> frozenset[str]:
    """Given a paper's body text (references left out), return the benchmarks it names, as
    evidence for tables whose caption names none (:func:`inferred_benchmark`): ``imagenet``
    (ImageNet/ILSVRC), ``coco``, ``squad11`` (SQuAD named, SQuAD 2.0 never), ``wmt14`` (WMT'14 or
    newstest2014 named, no other WMT edition such as WMT'16), ``conll2003`` (CoNLL-2003 named, no
    other NER dataset such as OntoNotes or CoNLL-2002)."""
    found = set()
    if _IMAGENET_RE.search(text):
        found.add("imagenet")
    if _COCO_RE.search(text):
        found.add("coco")
    if _SQUAD_RE.search(text) and not _SQUAD2_RE.search(text):
        found.add("squad11")
    if _WMT14_RE.search(text) and not _WMT_OTHER_RE.search(text):
        found.add("wmt14")
    if _CONLL_RE.search(text) and not _NER_OTHER_RE.search(text):
        found.add("conll2003")
    return frozenset(found)


_AP_VARIANT_HEADER_RE = re.compile(r"AP\s*_?\^?(?:50|75|S|M|L)\b")


def _keypoint_ap_set(table: Table) -> bool:
    """Given a table, return True when its AP columns are COCO's keypoint set: ``APM``/``APL``
    without ``APS`` (keypoint AP has no small-object split; box AP always has one)."""
    sizes = {m.group(1).upper() for c in table.columns for m in re.finditer(r"AP\s*_?\^?([SML])\b", c.header)}
    return bool(sizes) and "S" not in sizes and {"M", "L"} <= sizes


def inferred_benchmark(table: Table, col_header: str, benchmarks: frozenset[str]) -> tuple[str, str] | None:
    """Given a table whose caption and header name no benchmark, one of its column headers and the
    benchmarks the paper names (:func:`paper_benchmarks`), return ``(benchmark, reason)`` when the
    columns are that benchmark's own reporting pattern, else None:

    * ``imagenet``: the column header says top-1 or top-5 (ImageNet's metrics; other
      classification sets report plain accuracy/error), the paper names ImageNet;
    * ``coco``: an ``AP`` column beside ``AP50``/``AP75`` and ``APS``/``APM``/``APL`` columns
      (COCO's box metric set; keypoint AP has no ``APS``), the paper names COCO;
    * ``squad11``: ``EM`` and ``F1`` columns (SQuAD's pair), the paper names SQuAD and never
      SQuAD 2.0;
    * ``conll2003``: an F1 column (or the one column of a table whose caption says F1) of a
      table about NER, the paper's only NER dataset being CoNLL-2003;
    * ``wmt14``: the caption or header says ``WMT`` without a year (``test BLEU scores ... on WMT
      En→Fr and En→De``) and the paper's only WMT edition is 2014.

    Never when no caption was found, when the caption or header names another dataset (CIFAR,
    VOC, TriviaQA ...) or another task (localisation, detection for ImageNet; masks, keypoints for
    COCO), or when the paper names none of the benchmark."""
    ctx = f"{table.caption} {table.header}"
    if not table.caption.strip() or _OTHER_DATASET_RE.search(ctx):
        return None  # no caption found: too little to go on (it may be a localisation table)
    headers = [c.header for c in table.columns]
    if ("imagenet" in benchmarks and _TOPK_RE.search(col_header) and re.search(r"top", col_header, re.I)
            and not _NOT_CLASSIFICATION_RE.search(f"{ctx} {col_header}")):
        return "imagenet", "top-1/top-5 column in a paper that names ImageNet; no other dataset named by the table"
    if ("coco" in benchmarks and re.search(r"\bAP\b", col_header) and not _AP_VARIANT_HEADER_RE.search(col_header)
            and not re.search(r"mask|segm|keypoint|pose", ctx, re.I)):
        variants = {m.group(0).replace(" ", "") for h in headers for m in _AP_VARIANT_HEADER_RE.finditer(h)}
        if len(variants) >= 2 and "APS" in {v.replace("_", "").replace("^", "").upper() for v in variants}:
            return "coco", f"AP column beside {sorted(variants)} (COCO's box metric set) in a paper that names COCO"
    if "squad11" in benchmarks and re.search(r"\bEM\b|\bF1\b", col_header):
        if any(re.search(r"\bEM\b", h) for h in headers) and any(re.search(r"\bF1\b", h) for h in headers):
            return "squad11", "EM and F1 columns in a paper that names SQuAD (never SQuAD 2.0)"
    if ("conll2003" in benchmarks and re.search(r"\bNER\b|named[\s\-]entit", ctx, re.IGNORECASE)
            and (_F1_RE.search(col_header)
                 or (len(table.columns) == 1 and _F1_RE.search(ctx)))):
        return "conll2003", "an F1 column of an NER table in a paper whose only NER dataset is CoNLL-2003"
    if "wmt14" in benchmarks and re.search(r"\bWMT\b(?!\s*['’]?\s*\d)", ctx):
        return "wmt14", "WMT named without a year in a paper whose only WMT edition is WMT'14"
    return None


_NOT_CLASSIFICATION_RE = re.compile(
    r"locali[sz]ation|detection|\bLOC\b|segmentation|retrieval|adversarial|attack|FGSM|PGD|corrupt|robust", re.I)
#: Sub-table markers inside one caption: ``(Left)``, ``(Right-Top)``, ``(a)``, ``(b)``.
def topk_order(table: Table) -> dict[int, tuple[str, bool]]:
    """Given a table, return ``{column index: (metric, is_error)}`` for a top-1 and a top-5 column
    (one of each, by header) whose rows tell error from accuracy by their order: top-5 accuracy is
    never below top-1 accuracy, so when every row with both has top-1 > top-5 both columns hold
    errors (AlexNet's ``Sparse coding 47.1% 28.2%`` under ``Top-1 Top-5``), when every row has
    top-1 < top-5 both hold accuracies. {} when the table has no such pair or the rows disagree."""
    ks: dict[str, list[int]] = {}
    for col in table.columns:
        found = {next(g for g in m.groups() if g) for m in _TOPK_RE.finditer(col.header)}
        if len(found) == 1 and not _NOT_SCORE_RE.search(col.header):
            ks.setdefault(found.pop(), []).append(col.index)
    if len(ks.get("1", [])) != 1 or len(ks.get("5", [])) != 1:
        return {}
    c1, c5 = ks["1"][0], ks["5"][0]
    signs = set()
    for row in table.rows:
        v = {c.col: c.value for c in row.cells if c.col in (c1, c5) and c.value is not None}
        if len(v) == 2 and v[c1] != v[c5]:
            signs.add(v[c1] > v[c5])
    if len(signs) != 1:
        return {}
    err = signs.pop()
    return {c1: ("top1", err), c5: ("top5", err)}


_CAPTION_PART_RE = re.compile(r"\((?:Left|Right|Top|Bottom|Middle|Upper|Lower)(?:[\s\-–](?:Top|Bottom|Left|Right|Middle))?\)|\([a-f]\)\s", re.I)


def _imagenet_caption_ok(caption: str, col_header: str) -> bool:
    """Given a table caption and a column header, return False when the caption says the table
    is about something other than ImageNet classification (localisation, detection, adversarial
    attacks ...). A caption made of sub-table parts (``(Left) ... (Right-Top) Top-1 accuracy on
    ImageNet ... (Right-Bottom) object detection mAP on MS-COCO``) is accepted when one part names
    ImageNet and none of those words, for a column whose own header names the metric (accuracy,
    error, top-k): the other parts' columns (mAP, mIoU) are left alone."""
    if not _NOT_CLASSIFICATION_RE.search(caption):
        return True
    parts = _CAPTION_PART_RE.split(caption)
    if len(parts) < 2 or not (_TOPK_RE.search(col_header) or _ACC_RE.search(col_header) or _ERR_RE.search(col_header)):
        return False
    return any(_IMAGENET_RE.search(x) and not _NOT_CLASSIFICATION_RE.search(x) for x in parts[1:])


#: Row labels of reference points that are not models (SQuAD's human performance, oracle rescoring,
#: "Best published", "State of the art": someone's result under no model name).
_NOT_A_MODEL_RE = re.compile(r"^(?:human(?:\s+performance|\s+level)?\b|oracle\b|random(?:\s+guess(?:ing)?|\s+baseline)?$|chance\b|"
                             r"(?:best|previous|prior)\s+(?:published|reported|results?)?\s*$|(?:previous|prior)\s+best(?:\s+results?)?$|(?:previous\s+)?state[\s\-]of[\s\-]the[\s\-]art$|SOTA$)", re.IGNORECASE)


_ROW_BENCHMARK_RES = (_IMAGENET_RE, _COCO_RE, _SQUAD_RE, _CONLL_RE, _EN_DE_RE, _EN_FR_RE)


def benchmark_rowed(table: Table) -> bool:
    """Given a table, return True when it is printed transposed: every row label is a short
    benchmark name (``ImageNet``, ``COCO``, ``SQuAD``, ``CoNLL-2003``, ``En→De``, ``En-Fr``; four
    words at most) and every column header is a non-empty name that names no benchmark and no
    measure (``Trained with log-likelihood  Refined with RL``). Such a table's rows are
    benchmarks and its columns models: :func:`table_scores` reads it through
    :func:`extract.tables.transpose`."""
    if not table.rows or not table.columns:
        return False
    for row in table.rows:
        label = clean_label(row.label)
        if not label or len(label.split()) > 4 or not any(rx.search(label) for rx in _ROW_BENCHMARK_RES):
            return False
    for col in table.columns:
        h = col.header.strip()
        if (not h or any(rx.search(h) for rx in _ROW_BENCHMARK_RES) or _NOT_SCORE_RE.search(h)
                or _TOPK_RE.search(h) or _ERR_RE.search(h) or _ACC_RE.search(h)
                or re.search(r"\b(?:BLEU|EM|F1|m?AP\w*|dev|test|val\w*)\b", h, re.IGNORECASE)):
            return False
    return True


_SENTENCE_END_RE = re.compile(r"(?<![A-Z])[.:;](?:\s+(?=[A-Z(])|$)")


def caption_head(caption: str) -> str:
    """Given a table caption, return its first sentence without the ``Table N.`` label (``Detection
    results on COCO 2015 test-dev``): what the table is about. The sentences after it are legends
    and notes (``S: regularize with segmentation labels``), which name the methods' ingredients,
    not the task the numbers measure."""
    body = CAPTION_RE.sub("", caption, count=1).strip()
    m = _SENTENCE_END_RE.search(body)
    return body[:m.start()] if m else body


#: A caption saying what a star in the table means: the starred rows are variants.
_STAR_MEANS_RE = re.compile(r"[*∗]\s*(?:denotes|indicates|means|marks)\b|with an? (?:asterisk|star)\b|(?:asterisk|star)\s*[*∗]?\s*(?:denotes|indicates|were|are)\b", re.IGNORECASE)


def table_scores(table: Table, extractor: str = "table.score",
                 benchmarks: frozenset[str] = frozenset()) -> list[Finding]:
    """Given a :class:`Table`, return score findings for cells whose benchmark and metric are clear.

    ``benchmarks``: the benchmarks the paper names (:func:`paper_benchmarks`); a table whose
    caption and header name none may then be assigned one by its columns
    (:func:`inferred_benchmark`; lower confidence, the reason in ``context``)."""
    out: list[Finding] = []
    table_ctx = f"{table.caption} {table.header}"
    if _REVERSE_RE.search(table_ctx) and not (_EN_DE_RE.search(table_ctx) or _EN_FR_RE.search(table_ctx)):
        return out
    if benchmark_rowed(table):
        table = transpose(table)
    picked: list = []
    inferred: dict[int, str] = {}
    order_says = topk_order(table)
    # columns whose own title says they hold BLEU (or a language pair, or the test set)
    bleu_cols = {c.index for c in table.columns if _BLEU_COLUMN_RE.search(c.header)}
    for col in table.columns:
        bms = table_benchmark(col.header, table_ctx)
        if not bms and benchmarks:
            inf = inferred_benchmark(table, col.header, benchmarks)
            if inf:
                bms = [inf[0]]
                inferred[col.index] = inf[1]
        if not bms:
            continue
        h = col.header
        tokens = h.replace("(", " ").replace(")", " ").split()
        cand: list[tuple[str, str, bool]] = []  # benchmark, metric, is_error
        if "imagenet" in bms and _imagenet_caption_ok(table.caption, h) and not _VARIANT_COLUMN_RE.search(h):
            values = [c.value for r in table.rows for c in r.cells
                      if c.col == col.index and c.value is not None and c.suffix in ("", "%")]
            im = _imagenet_metric(h, table.caption + " " + table.header, values)
            if im is None and col.index in order_says:
                im = order_says[col.index]
            if im:
                cand.append(("imagenet", im[0], im[1]))
        if "coco" in bms and not re.search(r"VOC", table.caption) and not _AP_OTHER_RE.search(h) and not _keypoint_ap_set(table):
            coco_style = (re.search(r"(?:\bAP\b|Precision).*?0?\.5\s*:\s*0?\.95", h)
                          # "mAP" over "@.5  @[.5, .95]" columns (ResNet Table 9)
                          or (re.search(r"@\s*\[\s*0?\.5\s*[,:]\s*0?\.95\s*\]", h) and re.search(r"\bm?AP\b", table.header))
                          # "COCO test-dev2015" over "0.5:0.95" (SSD Table 6): COCO's IoU range is its AP
                          or (re.search(r"(?<![\d.])0?\.5\s*:\s*0?\.95\b", h) and _COCO_RE.search(h))
                          ) and not re.search(r"Area|Recall", h)
            # a column that says it holds box AP ("APb", "AP^box") does so in a Mask R-CNN table whose
            # caption speaks of instance segmentation too; a bare "AP" there may be mask AP
            boxed = any(_BOX_AP_TOKEN_RE.match(t) for t in tokens)
            if (any(_AP_TOKEN_RE.match(t) for t in tokens) or coco_style) and (
                    boxed or not _MASK_TASK_RE.search(caption_head(table.caption))):
                cand.append(("coco", "box_ap", False))
        if "squad11" in bms:
            if re.search(r"\bEM\b|exact match", h, re.I) and not re.search(r"\bF1\b", h):
                cand.append(("squad11", "em", False))
            elif re.search(r"\bF1\b", h) and not re.search(r"\bEM\b", h):
                cand.append(("squad11", "f1", False))
        if "conll2003" in bms and not _CONLL_OTHER_RE.search(h):
            if re.search(r"\bF1\b|\bF-?score\b|\bF\b|F-measure|F1-score", h, re.I) or (
                    len(table.columns) == 1 and _F1_RE.search(table_ctx)) or (
                    _CONLL_RE.search(h) and not _NOT_F1_RE.search(h)):
                # a column headed by the dataset alone ("POS  CoNLL2000  CoNLL2003") reports its
                # one standard measure, the entity-level F1
                cand.append(("conll2003", "f1", False))
        if "wmt14" in bms and not _REVERSE_RE.search(h) and not _NOT_SCORE_RE.search(h) and not (
                bleu_cols and col.index not in bleu_cols):  # "E" (experts) beside "BLEU": not a score
            if re.search(r"BLEU", f"{h} {table.header} {table.caption}"):
                de, fr = bool(_EN_DE_RE.search(h)), bool(_EN_FR_RE.search(h))
                if not (de or fr):
                    de, fr = bool(_EN_DE_RE.search(table_ctx)), bool(_EN_FR_RE.search(table_ctx))
                if de != fr:
                    cand.append(("wmt14_en_de" if de else "wmt14_en_fr", "bleu", False))
        if len(cand) != 1:
            continue
        picked.append((col, cand[0]))
    if any(c.header.strip() for c, _k in picked):
        # a column without a header beside headed score columns holds something else (a setting
        # split off the label, a rank): its metric came from the caption only
        picked = [(c, k) for c, k in picked if c.header.strip()]
    # two COCO columns both headed "AP" (box AP and mask AP of one model): ambiguous, skip both.
    # Repeated ImageNet/SQuAD headers are crop sizes or dev/test splits: kept, flagged in context.
    keys = [(c.header, k[0], k[1]) for c, k in picked]
    for col, (benchmark, metric, is_error) in picked:
        repeated = keys.count((col.header, benchmark, metric)) > 1
        if repeated and benchmark == "coco":
            continue
        decimals = [("." in c.text) for r in table.rows for c in r.cells if c.col == col.index and c.value is not None]
        col_decimal = sum(decimals) > len(decimals) / 2
        metric_by_dataset = benchmark == "conll2003" and not re.search(r"\bF", col.header)
        if metric_by_dataset and not col_decimal:
            continue  # a dataset column of counts (sentences, tokens, labels), not of F1 scores
        # columns that name the network (plain / ResNet, InceptionV3 P@1, SENet beside original)
        variant = _column_variant(col.header) if benchmark == "imagenet" else ""
        for row, cell in column_cells(table, col.index):
            label = clean_label(row.label)
            star = re.search(r"[*∗]+$", re.sub(r"\s*\[[\d,\s\-–]+\]", "", row.label).strip())
            if star and label and (f"{label}{star.group(0)}" in table.caption or _STAR_MEANS_RE.search(table.caption)):
                # "SSD512*" named by the caption, or "Models with an asterisk* were pre-trained on
                # ImageNet 2011": the star marks a model of its own, not a footnote
                label += star.group(0)
            if col_decimal and "." not in cell.text:
                continue  # an integer among decimals: a header row of counts, not a score
            if not label or set(label.replace(" ", "")) <= set("Xx✓✗×-–√"):
                continue  # check-mark rows of an ablation grid
            if _NOT_A_MODEL_RE.match(label):
                continue  # human performance, oracle, chance: reference points, not models
            if re.fullmatch(r"[\s\d.,=:;()\[\]\-+α-ωΑ-Ω]*", label):
                continue  # a hyperparameter value (sweep tables), not a model
            if variant:
                label = f"{variant} {label}"
            if not label or cell.suffix not in ("", "%"):
                continue
            v = cell.value
            if not 0 < v <= 100 or (v <= 1.0 and cell.suffix != "%"):
                continue
            value = 100.0 - v if is_error else v
            ctx = {"caption": table.caption[:300], "column": col.header, "table_header": table.header[:300],
                   "label_header": table.label_header, "cell_text": cell.text, "repeated_header": repeated}
            if variant:
                ctx["column_variant"] = variant
            conf = 0.6 if repeated else 0.9 if table_benchmark(col.header, "") else 0.8
            if col.index in inferred:
                ctx["benchmark_inferred"] = inferred[col.index]
                conf = 0.6
            if metric_by_dataset:
                ctx["metric_inferred"] = "column headed by the dataset alone: CoNLL-2003's standard measure, F1"
                conf = min(conf, 0.7)
            out.append(_score(ctx, benchmark, metric, value, "error" if is_error else None, table.page,
                              cell.bbox, row.text, label, "table_cell", extractor, conf))
    return out


# ---------------------------------------------------------------------------------------------
# sentences

_NUM = r"(\d{1,3}(?:\.\d{1,3})?)"
_OWN_RE = re.compile(r"\b(?:we|our|ours|us)\b", re.IGNORECASE)
_SCORE_DELTA_BEFORE_RE = re.compile(
    r"(?:(?:improvement|gain|increase|decrease|drop|reduction|margin|boost)s?\s+of|\bby|\bover|[+\-<>±~≈])\s*(?:about\s+|only\s+)?$", re.IGNORECASE
)
_EXCLUDE_SENTENCE_RE = re.compile(r"locali[sz]ation|CIFAR|SVHN|MNIST|OntoNotes|NLPBA|CoQA", re.IGNORECASE)
#: ImageNet's other tasks: a sentence about detection on ImageNet reports no classification score.
_IMAGENET_OTHER_TASK_RE = re.compile(r"detection", re.IGNORECASE)
#: A clause about another model: "which achieves 92.2 F1", "compared with 92.4 for BERT".
_OTHER_CLAUSE_RE = re.compile(
    r"\b(?:which|who|compared|comparison|unlike|than|while|whereas|versus|vs\.?|previous(?:ly)?|prior|baselines?)\b|\[\d+", re.IGNORECASE)
_BENCH_RES = {
    "imagenet": _IMAGENET_RE, "coco": _COCO_RE, "squad11": _SQUAD_RE, "conll2003": _CONLL_RE,
    "wmt14_en_de": _WMT14_RE, "wmt14_en_fr": _WMT14_RE,
}


def _others_clause(s: str, pos: int) -> bool:
    """Given a sentence and the offset of a value in it, return True when the value's clause (between
    commas, semicolons or brackets) says nothing of "we"/"our" and speaks of another model
    ("Unlike ELMo, which achieves 92.2 F1 on CoNLL-2003, our model reaches 93.0 F1")."""
    start = max(s.rfind(c, 0, pos) for c in ",;(")
    ends = [i for i in (s.find(c, pos) for c in ",;)") if i >= 0]
    clause = s[start + 1:min(ends) if ends else len(s)]
    return not _OWN_RE.search(clause) and bool(_OTHER_CLAUSE_RE.search(clause))


def _near_benchmark(s: str, prev: str, benchmark: str, pos: int, reach: int = 160) -> bool:
    """Given a sentence, the one before, a benchmark and the offset of a value, return True when the
    benchmark is named within ``reach`` characters of the value (or, for ImageNet, only in the
    sentence before)."""
    pattern = _BENCH_RES[benchmark]
    hits = [m.start() for m in pattern.finditer(s)]
    if not hits:
        return benchmark == "imagenet" and bool(pattern.search(prev))
    return min(abs(h - pos) for h in hits) <= reach
_OTHERS_RE = re.compile(r"\b(?:previous(?:ly)?|prior|reported by|state-of-the-art was|best published|et al\.|baseline achieves|compared (?:to|with) the)\b", re.IGNORECASE)


_DEV_WORD_RE = re.compile(r"\b(?:dev|development)\b", re.IGNORECASE)
_TEST_WORD_RE = re.compile(r"\btest\b", re.IGNORECASE)
#: A model name in running text: a capitalised word, maybe with a hyphenated variant ("SparseMix-Big").
_TEXT_NAME_RE = re.compile(r"(?<![\w\-])[A-Z][\w]*(?:-[\w.]+)*")


def _own_name_before(s: str, pos: int, own_name: str | None) -> str | None:
    """Given a sentence, the offset of a value and the title's model name (compacted, see
    :func:`extract.observations.title_model_name`), return the name of the paper's model the value's
    clause opens with ("On En→Fr, SparseMix-Big reaches 42.7 BLEU" -> "SparseMix-Big"), or None."""
    if not own_name:
        return None
    start = max(s.rfind(c, 0, pos) for c in ",;(")
    names = [m.group(0) for m in _TEXT_NAME_RE.finditer(s, start + 1, pos)
             if re.sub(r"[^a-z0-9]+", "", m.group(0).lower()).startswith(own_name)]
    return names[-1] if names else None


def sentence_scores(flat: str, sentences: list[tuple[int, int]], layout: PageLayout | None,
                    page: int, extractor: str = "sentence.score", own_name: str | None = None) -> list[Finding]:
    """Given a page's flattened text and its sentence spans ``(start, end)``, return score findings
    stated in sentences that name both the benchmark and the paper's own result.

    Patterns: ``BLEU score of 28.4`` / ``28.4 BLEU`` (WMT 2014 + one direction), ``top-1 error of
    21.3%`` / ``top-1 and top-5 error rates of 37.5% and 17.0%`` (ImageNet named in the sentence or
    the one before), ``F1 of 92.2`` (SQuAD 1.1 or CoNLL-2003), ``EM of 84.1`` (SQuAD 1.1),
    ``37.4 box AP`` / ``AP of 37.4`` (COCO).

    A sentence is the paper's own when it says we/our, or, given ``own_name`` (the title's model
    name, compacted), when a value's clause opens with that model ("SparseMix-Big reaches 42.7
    BLEU"): the finding then carries the name as its label.
    """
    out: list[Finding] = []
    for si, (s0, s1) in enumerate(sentences):
        s = flat[s0:s1]
        we = bool(_OWN_RE.search(s))
        if not (we or (own_name and own_name in re.sub(r"[^a-z0-9]+", "", s.lower()))) or _OTHERS_RE.search(s) or len(s) > 600:
            continue
        if _EXCLUDE_SENTENCE_RE.search(s):
            continue
        prev = flat[sentences[si - 1][0]:sentences[si - 1][1]] if si > 0 else ""
        found: list[tuple[str, str, float, str | None, int, int]] = []
        if _WMT14_RE.search(s) and not _REVERSE_RE.search(s):
            de, fr = bool(_EN_DE_RE.search(s)), bool(_EN_FR_RE.search(s))
            if de != fr:
                bm = "wmt14_en_de" if de else "wmt14_en_fr"
                for m in re.finditer(rf"BLEU(?:\s+score)?\s+(?:of\s+|=\s*|:\s*)?{_NUM}(?!\.\d|\d|%)|{_NUM}\s+BLEU", s):
                    v = float(m.group(1) or m.group(2))
                    if 5 <= v <= 70:
                        found.append((bm, "bleu", v, None, m.start(), m.end()))
        if (_IMAGENET_RE.search(s) or _IMAGENET_RE.search(prev)) and not _IMAGENET_VARIANT_RE.search(s) \
                and not _IMAGENET_OTHER_TASK_RE.search(s):
            for m in re.finditer(
                    rf"top[\s\-]?([15])\s+and\s+top[\s\-]?([15])\s+(?:test\s+|validation\s+|val\s+)?(error|accuracy|accuracies)(?:\s+rates?)?\s+(?:of\s+)?{_NUM}\s*%\s+and\s+{_NUM}\s*%", s, re.I):
                is_err = m.group(3).lower().startswith("err")
                for k, g in ((m.group(1), 4), (m.group(2), 5)):
                    v = float(m.group(g))
                    found.append(("imagenet", f"top{k}", 100 - v if is_err else v, "error" if is_err else None, m.start(), m.end()))
            if not found:
                for m in re.finditer(
                        rf"top[\s\-]?([15])\s+(?:single[\s\-]model\s+|single[\s\-]crop\s+|test\s+|validation\s+|val\s+)?(error\s+rate\s+|error|accuracy)\s*(?:of\s+|is\s+|was\s+|=\s*|:\s*)?(?:only\s+)?{_NUM}(?P<pct>\s*%)?(?!\d|\.\d)"
                        rf"|{_NUM}\s*%\s+top[\s\-]?([15])\s+(?:single[\s\-]model\s+|test\s+|validation\s+)?(error|accuracy)", s, re.I):
                    if m.group(1):
                        k, kind, v = m.group(1), m.group(2), float(m.group(3))
                        if not m.group("pct") and (kind.lower().startswith("err") or v < 30):
                            continue  # a bare number is read only as an accuracy ("top-1 accuracy 78.7")
                    else:
                        k, kind, v = m.group(6), m.group(7), float(m.group(5))
                    is_err = kind.lower().startswith("err")
                    found.append(("imagenet", f"top{k}", 100 - v if is_err else v, "error" if is_err else None, m.start(), m.end()))
        squad = bool(_SQUAD_RE.search(s)) and not _SQUAD2_RE.search(s)
        conll = bool(_CONLL_RE.search(s)) and not _CONLL_OTHER_RE.search(s)
        if squad != conll:
            bm = "squad11" if squad else "conll2003"
            for m in re.finditer(rf"\bF1(?:\s+score)?\s+(?:of\s+|=\s*|:\s*)?{_NUM}(?!\d)|{_NUM}\s*%?\s+F1\b", s):
                v = float(m.group(1) or m.group(2))
                if 30 <= v <= 100:
                    found.append((bm, "f1", v, None, m.start(), m.end()))
            if squad:
                for m in re.finditer(rf"\b(?:EM|exact match)(?:\s+score)?\s+(?:of\s+|=\s*|:\s*)?{_NUM}(?!\d)|{_NUM}\s*%?\s+(?:EM|exact match)\b", s, re.I):
                    v = float(m.group(1) or m.group(2))
                    if 30 <= v <= 100:
                        found.append((bm, "em", v, None, m.start(), m.end()))
        if _COCO_RE.search(s) and not re.search(r"mask|segmentation|keypoint|VOC", s, re.I):
            for m in re.finditer(rf"\b(?:box\s+)?(?:m?AP)(?:\s+score)?\s+(?:of\s+|=\s*|:\s*)?{_NUM}(?![\d%])|(?<![A-Za-z\d.]){_NUM}\s+(?:box\s+)?m?AP\b(?![\s_]*\d)", s):
                v = float(m.group(1) or m.group(2))
                if 5 <= v <= 90:
                    found.append(("coco", "box_ap", v, None, m.start(), m.end()))
        seen: set[tuple[str, str]] = set()
        for bm, metric, v, rep, a, b in sorted(found, key=lambda x: x[4]):
            named = _own_name_before(s, a, own_name)
            if (bm, metric, named) in seen or _SCORE_DELTA_BEFORE_RE.search(s[:a]) or not _near_benchmark(s, prev, bm, a):
                continue
            if not we and named is None:
                continue
            if _others_clause(s, a) and named is None:
                continue
            seen.add((bm, metric, named))  # the first figure is the paper's own; later ones are comparisons
            # (each of the paper's models named in turn has its own: "SparseMix-Big reaches 42.7 BLEU
            # and SparseMix-Base 40.3 BLEU")
            bbox = layout.bbox_of_span(s0 + a, s0 + b) if layout is not None else None
            ctx = {"match": s[a:b]}
            if bm in ("squad11", "conll2003"):
                dev, test = bool(_DEV_WORD_RE.search(s)), bool(_TEST_WORD_RE.search(s))
                if dev != test:  # "to achieve a Dev F1 score of 91.0%": the split it reports, as a column says it
                    ctx["column"] = "Dev" if dev else "Test"
            out.append(_score(ctx, bm, metric, v, rep, page, bbox, s, named, "sentence", extractor, 0.6))
    return out
