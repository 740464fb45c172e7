"""Evaluate extracted observations against the hand-curated data of Thompson et al. (2022).

The reference is one CSV per benchmark (layout in ../shared/README.md; row 1 the flat column
names, rows 2-4 group labels). Extraction never reads it; only this module does.

Units compared
--------------
A *reference row* is one model row of a reference CSV: (paper, model, benchmark) with up to
seven fields: ``score`` (one item per metric column with a value: top-1 and top-5 for ImageNet,
EM and F1 for SQuAD 1.1, box AP, F1, BLEU), ``ops_per_forward_pass`` (the reference's own
convention: ``flops``, else 2 x ``multiadds``), ``parameters``, ``chip_model``, ``chip_count``,
``training_time`` (``time_total_sec``) and ``epochs``; chip, time and epochs from the first phase
that has them (training, then pre-training, then fine-tuning), as the reference import does.
An *observation row* is one (paper, model, benchmark) of the assembled observations
(:mod:`extract.observations`), its metrics gathered.

Only reference rows whose paper is in the warehouse count: matched by arXiv id when the
reference link is an arXiv URL, else by title (letters and digits of the reference title, lower
case, a prefix of the warehouse title's; at least 12 characters), e.g. AlexNet and the
Transformer, whose links point to NeurIPS.

Matching models
---------------
Within a paper and benchmark, each reference row is paired with at most one observation row
and vice versa, greedily by name similarity (:func:`name_similarity`: equal normalised keys 1.0;
otherwise, with hyper-parameter brackets such as ``(N = 4, F = 216)`` and input resolutions
such as ``608 × 608`` left out, the share of
name tokens that agree, a token agreeing with an equal token or one it
is a prefix of, e.g. ``bert`` ~ ``bertlarge`` (but not ``refinedet512`` ~ ``refinedet512plus``: a
glued ``+`` marks another variant, see :func:`extract.observations.glued_plus`); the numbers in both names must be the same set;
at least 0.5; and the names outside brackets must share a word: ``DetectoRS (ResNeXt-101-64x4d)``
is not ``HTC + DCN (ResNeXt-101-64x4d)``). Ties (equally similar observation rows, e.g. ``PNASNet-5`` against two
``PNASNet-5 (N = .., F = ..)`` rows) go to the row with the highest score: the reference was
collected from leaderboards (Papers with Code) that list a paper's best variant; then to the
row listed first. Scores decide nothing else in the pairing.

Two further rules, because reference names are the curators' (leaderboard names) and often never
written in the paper: (a) when an observation name *covers* the reference name (every word of the
reference name outside brackets agrees with one of its words: ``ShuffleNet V2`` and ``ShuffleNet
v2 2x (ours, with SE)``), the best-scoring covering row pairs first (:func:`covers`); (b) a
reference row still unpaired pairs with the one unpaired observation row whose scores agree with
it on every shared metric and whose name shares a distinctive word with it (``VGG-19`` and ``VGG
(2 nets, multi-crop & dense eval.)``; :func:`pair_by_scores`). Pairs made by (b) are reported
(``paired_by = "scores"``, ``matched_by_scores``): their score is right by construction, their
other fields are compared as usual. ``AlexNet`` against the paper's ``7 CNNs`` shares no word and
stays a miss.

Misses the PDF cannot explain: for ``score`` and ``chip_model`` each missed reference value is
looked up in the paper's own text (:func:`mark_stated`); the count of values the PDF does not
print at all (the curators read another version, or derived the value) is reported beside the
table. It is a lower bound: a number that appears anywhere in the text counts as stated.

An unpaired observation row *contradicts* the reference only when its name is equivalent to a
reference row's (similarity 1.0: equal normalised keys or a matching depth label).

Tolerances: ``score`` within 0.1 points; ``ops_per_forward_pass``, ``parameters``,
``training_time`` within 2% relative; ``chip_count`` and ``epochs`` exact; ``chip_model``
exact after normalisation to the chip key of ``extract/data/chips.csv`` (reference text such
as ``Tesla P100 PCIe 16 GB`` is read with the same aliases; text that names no known chip is
compared as lower-case letters and digits).

Counting (per field)
--------------------
For a paired reference row and observation row, per field (per metric for ``score``):

* both have a value and they agree: **TP**;
* both have a value and they disagree: **FP** and **FN** (a wrong value is both);
* the reference has a value, the observation none: **FN**;
* the observation has a value the reference lacks: not counted (*lenient*), **FP** (*strict*).

A reference row with no paired observation row: **FN** for every field it has.

An observation row with no paired reference row, in a paper that has reference rows: the
reference lists only some models of each paper (the papers' competitor and ablation rows are
real values it did not transcribe), so in the *lenient* count such a row costs nothing unless it
contradicts the reference: when its name is equivalent to a reference row of the same paper and
benchmark (it lost the pairing to another row) and a field disagrees with that reference row,
that is an **FP**. In the *strict* count every value of such a row is an **FP**.
Observation rows of papers without reference rows are not counted in either.

Out of scope: score findings on papers listed in an out-of-scope file (papers that report none
of the six benchmarks: face, pose, parsing, relation extraction ...) count as **FP** for
``score`` in both counts, and are reported on their own. Precision = TP/(TP+FP), recall =
TP/(TP+FN), F1 their harmonic mean (None when undefined).
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.reference import (
    METRIC_COLUMNS, REFERENCE_FILES, arxiv_id_from_link, first_chip, first_value, parse_number,
)
from extract.chips import find_chips, load_chips
from extract.observations import compact  # noqa: F401 - also this module's public helper

#: Fields evaluated, in report order.
FIELDS: tuple[str, ...] = (
    "score", "ops_per_forward_pass", "parameters", "chip_model", "chip_count", "training_time", "epochs",
)
#: Observation column of each field (score handled per metric).
OBS_COLUMN = {
    "ops_per_forward_pass": "ops_per_forward_pass_flop", "parameters": "parameters",
    "chip_model": "chip_model", "chip_count": "chip_count", "training_time": "training_time_s",
    "epochs": "epochs",
}
#: Relative tolerance for real numbers (ops, parameters, training time).
REL_TOL = 0.02
#: Absolute tolerance for scores (percentage points or BLEU points).
SCORE_TOL = 0.1
#: Least name similarity for a pairing.
MIN_SIMILARITY = 0.5
# Reference file names and metric columns of the published data: one definition, in analysis.reference.


class EvaluationError(ValueError):
    """The reference folder or the out-of-scope file is missing or not in the expected layout."""


@dataclass
class RefRow:
    """One reference model row: ``values`` field -> value (``score`` -> {metric: value})."""

    file: str
    line: int
    benchmark: str
    model_name: str
    arxiv_id: str | None
    title: str | None
    values: dict[str, Any] = field(default_factory=dict)


def read_reference(folder: str | Path) -> list[RefRow]:
    """Given the reference folder, return its model rows (see the module docstring).

    Raises:
        EvaluationError: the folder holds none of the reference files, or a file's first row
            does not start with ``name``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise EvaluationError(f"{folder} is not a folder; give the reference folder, e.g. ../shared/reference/thompson2022")
    out: list[RefRow] = []
    found = 0
    for name, bench in REFERENCE_FILES.items():
        path = folder / name
        if not path.is_file():
            continue
        found += 1
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        if not rows or not rows[0] or rows[0][0] != "name":
            raise EvaluationError(f"{path}: first header row must start with 'name'")
        header = rows[0]
        for line, vals in enumerate(rows[4:], start=5):
            row = dict(zip(header, vals))
            model = (row.get("name") or "").strip()
            if not model:
                continue
            r = RefRow(name, line, bench, model, arxiv_id_from_link(row.get("paper_link")),
                       (row.get("title") or "").strip() or None)
            scores = {METRIC_COLUMNS[c]: parse_number(row.get(c)) for c in header if c in METRIC_COLUMNS}
            r.values["score"] = {k: v for k, v in scores.items() if v is not None}
            flops, madds = parse_number(row.get("flops")), parse_number(row.get("multiadds"))
            r.values["ops_per_forward_pass"] = flops if flops is not None else (2 * madds if madds is not None else None)
            r.values["parameters"] = parse_number(row.get("parameters"))
            # chip, time and epochs from the first phase that has them, read as the reference import reads them
            r.values["chip_model"], r.values["chip_count"], _peak = first_chip(row)
            r.values["training_time"] = first_value(row, "time_total_sec")
            r.values["epochs"] = first_value(row, "epochs")
            out.append(r)
    if not found:
        raise EvaluationError(f"{folder} holds none of {sorted(REFERENCE_FILES)}")
    return out


def normalise_chip(text: str | None) -> str | None:
    """Given a chip name or chip key, return the chip key of ``extract/data/chips.csv`` it names
    (``"Tesla P100 PCIe 16 GB"`` -> ``"nvidia-tesla-p100"``), else its lower-case letters and
    digits; None for None or ""."""
    if not text:
        return None

    keys = {c.key for c in load_chips()}
    if text in keys:
        return text
    found = find_chips(text)
    if found:
        return found[0].chip.key
    return re.sub(r"[^a-z0-9]+", "", text.lower()) or None


_STOP = {"model", "models", "the", "with", "ours", "our", "net", "a", "of", "and", "w"}
_SYNONYMS = {"sgl": "single", "ens": "ensemble", "ensembles": "ensemble"}


def _tokens(name: str) -> list[str]:
    from extract.observations import glued_plus, model_key

    t = re.sub(r"(\d+)\s*-?\s*layers?\b", r"\1", glued_plus(name), flags=re.I)
    toks = [x for x in re.split(r"[^a-z0-9.]+", t.lower()) if x and x != "."]
    toks = [_SYNONYMS.get(x.strip("."), x.strip(".")) for x in toks]
    return [x for x in toks if x and x not in _STOP] or ([model_key(name)] if model_key(name) else [])


_HYPER_RE = re.compile(r"\([^()]*=[^()]*\)")
#: An input resolution written into a model label (``YOLOv3 608 × 608``): a test setting, left out
#: of the comparison like hyper-parameter brackets (ties then go to the best score, see above).
_RESOLUTION_RE = re.compile(r"(?<![\w.])\d{2,4}\s*[×x]\s*\d{2,4}(?![\w.])")


def _name_numbers(name: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", re.sub(r"\[[\d,\s]+\]", " ", _HYPER_RE.sub(" ", name))))


def name_similarity(ref_name: str, obs_name: str) -> float:
    """Given a reference model name and an observation model name, return a similarity in
    [0, 1] (see the module docstring): 1.0 for equal normalised keys or a depth label that
    :func:`extract.observations.labels_match`; 0.0 when the names' numbers differ."""
    from extract.observations import labels_match, model_key

    if model_key(ref_name) == model_key(obs_name) or labels_match(ref_name, obs_name):
        return 1.0
    ref_name, obs_name = _RESOLUTION_RE.sub(" ", ref_name), _RESOLUTION_RE.sub(" ", obs_name)
    if _name_numbers(ref_name) != _name_numbers(obs_name):
        return 0.0
    a, b = _tokens(_HYPER_RE.sub(" ", ref_name)), _tokens(_HYPER_RE.sub(" ", obs_name))
    if not a or not b:
        return 0.0
    ha, hb = _tokens(_BRACKET_RE.sub(" ", ref_name)), _tokens(_BRACKET_RE.sub(" ", obs_name))
    if ha and hb and not any(_agree_token(x, y) for x in ha for y in hb if not (x.isdigit() or y.isdigit())):
        return 0.0  # the names outside brackets share no word: other model families
    used: set[int] = set()
    hits = 0
    for x in a:
        for j, y in enumerate(b):
            if j in used:
                continue
            if _agree_token(x, y):
                used.add(j)
                hits += 1
                break
    return hits / max(len(a), len(b))


_BRACKET_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


def _agree_token(x: str, y: str) -> bool:
    """Given two name tokens, return True when they agree: equal, or one a prefix of the other
    (``bert`` ~ ``bertlarge``; not for numbers, nor across a glued ``+``)."""
    return x == y or (min(len(x), len(y)) >= 2 and not (x.isdigit() or y.isdigit())
                      and x.endswith("plus") == y.endswith("plus") and (x.startswith(y) or y.startswith(x)))


def names_equivalent(ref_name: str, obs_name: str) -> bool:
    """Given a reference and an observation model name, return True when they name the same model
    outright: equal normalised keys or a matching depth label (the contradiction test of the module
    docstring; token agreement after leaving out brackets or resolutions is not enough:
    ``PNASNet-5 (N = 3, F = 54)`` is not the reference's ``PNASNet-5``)."""
    from extract.observations import labels_match, model_key

    return model_key(ref_name) == model_key(obs_name) or labels_match(ref_name, obs_name)


_WORD_RE = re.compile(r"[a-z]{2,}")
#: Words too common in model labels to tie a reference name to an observation name.
_GENERIC_WORDS = frozenset({
    "model", "models", "network", "networks", "single", "ensemble", "base", "large", "big", "small",
    "the", "with", "and", "of", "ours", "our", "baseline", "val", "dev",
    "an", "in", "on", "for", "to", "by", "from", "at", "or", "no", "not", "without", "using", "via",
})


def _words(name: str) -> set[str]:
    """Given a model name, return its distinctive words: lower case, two letters or more, a
    plural ``s`` dropped (``LSTMs`` -> ``lstm``), generic words left out."""
    words = {w[:-1] if w.endswith("s") and len(w) > 3 and not w.endswith("ss") else w
             for w in _WORD_RE.findall(name.lower())}
    return words - _GENERIC_WORDS - {w[:-1] for w in _GENERIC_WORDS if w.endswith("s")}


def pair_by_scores(rrows: list[RefRow], orows: list[dict[str, Any]], r_used: dict[int, int],
                   o_used: set[int]) -> dict[int, int]:
    """Given one paper's and benchmark's reference rows and observation rows, and the pairs made
    by name so far (``r_used`` reference index -> observation index, ``o_used``), return further
    pairs ``{reference index: observation index}`` for reference rows no name matched.

    Reference names are the curators' (leaderboard names such as ``VGG-19``, ``GNMT+RL``,
    ``ShuffleNet V2``), and often never written in the paper, whose table says ``VGG (2 nets,
    multi-crop & dense eval.)`` or ``ShuffleNet v2 2x (ours, with SE)``. Such a row is paired with
    an unpaired observation row when (1) every score metric the two share agrees within the score
    tolerance and they share at least one, (2) the names share a distinctive word (two letters or
    more, not a generic word such as ``model`` or ``single``), or, without a shared word, they
    share two or more score metrics that all agree (two independent values agreeing to 0.1 points:
    AlexNet's paper never prints "AlexNet" and lists it as ``7 CNNs`` with top-1 and top-5), and
    (3) exactly one observation row passes (1) and (2). The score field of such a pair agrees by construction; the pair is
    reported (``paired_by = "scores"``) so that name-paired and score-paired figures can be told
    apart, and its other fields (FLOPs, hardware, time) are compared as usual."""
    out: dict[int, int] = {}
    taken = set(o_used)
    for i, r in enumerate(rrows):
        if i in r_used or not r.values["score"]:
            continue
        cands = []
        for j, o in enumerate(orows):
            if j in taken:
                continue
            if not scores_agree(r, o):
                continue
            shared = set(r.values["score"]) & {m for m, v in o["score"].items() if v is not None}
            if len(shared) >= 2 or _words(r.model_name) & _words(o["model_name"]):
                cands.append(j)
        if len(cands) == 1:
            out[i] = cands[0]
            taken.add(cands[0])
    return out


def scores_agree(r: RefRow, o: dict[str, Any]) -> bool:
    """Given a reference row and an observation row, return True when they share a score metric
    and every shared metric agrees within the score tolerance."""
    shared = set(r.values["score"]) & {m for m, v in o["score"].items() if v is not None}
    return bool(shared) and all(_agree("score", r.values["score"][m], o["score"][m]) for m in shared)


def covers(ref_name: str, obs_name: str) -> bool:
    """Given a reference and an observation model name, return True when every word of the
    reference name outside brackets agrees with a word of the observation name (``ShuffleNet V2``
    is covered by ``ShuffleNet v2 2x (ours, with SE)`` and by ``ShuffleNet v2 2× (ours)``)."""
    ref = _tokens(_BRACKET_RE.sub(" ", ref_name))
    obs = _tokens(_HYPER_RE.sub(" ", obs_name))
    return bool(ref) and all(any(_agree_token(x, y) for y in obs) for x in ref)


def _pair_key(ref_name: str, o: dict[str, Any]) -> tuple:
    """Given a reference name and an observation row, return its sort key for the pairing (higher
    pairs first): (tier, rank, best score, similarity). Tier 2: the names are equivalent
    (:func:`names_equivalent`); tier 1: the observation name covers the reference name
    (:func:`covers`) with similarity >= MIN_SIMILARITY, and among those the best score wins (the
    reference lists a paper's best variant under the family name: ``ShuffleNet V2`` is the
    paper's 75.4 % ``ShuffleNet v2 2x (ours, with SE)``, not its 74.9 % ``ShuffleNet v2 2×``);
    tier 0: the rest, by similarity then best score."""
    sim = name_similarity(ref_name, o["model_name"])
    if names_equivalent(ref_name, o["model_name"]):
        return (2, sim, _best_score(o), sim)
    if sim >= MIN_SIMILARITY and covers(ref_name, o["model_name"]):
        return (1, 0.0, _best_score(o), sim)
    return (0, sim, _best_score(o), sim)


def _best_score(o: dict[str, Any]) -> float:
    """Given an observation row, return its best score (ties in name similarity go to it)."""
    return max((v for v in o["score"].values() if v is not None), default=0.0)


def _agree(fieldname: str, ref: Any, obs: Any) -> bool:
    if fieldname == "chip_model":
        return normalise_chip(str(ref)) == normalise_chip(str(obs))
    if fieldname in ("chip_count", "epochs"):
        return abs(float(ref) - float(obs)) < 1e-9
    if fieldname == "score":
        return abs(float(ref) - float(obs)) <= SCORE_TOL + 1e-9
    return abs(float(obs) - float(ref)) <= REL_TOL * abs(float(ref))


@dataclass
class Counts:
    """TP/FP/FN of one field; precision, recall and F1 derived (None when undefined)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else None

    def as_dict(self) -> dict[str, Any]:
        """Return tp, fp, fn, precision, recall, f1 as a dict."""
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": self.precision,
                "recall": self.recall, "f1": self.f1}


@dataclass
class Evaluation:
    """Result of :func:`evaluate`.

    Attributes:
        lenient, strict: field -> :class:`Counts` (definitions in the module docstring).
        out_of_scope_fp: score findings on out-of-scope papers (None when no list was given).
        papers: reference papers found in the warehouse (paper ids).
        reference_rows: reference rows counted; matched_rows: of those, paired with an observation row;
        matched_by_scores: of those, paired by their scores (:func:`pair_by_scores`), not by name.
        not_stated: field -> missed reference values the paper's PDF does not state at all
            (:func:`mark_stated`; empty unless PDF paths were given).
        items: one dict per counted comparison (paper, models, field, metric, values, outcome).
    """

    lenient: dict[str, Counts]
    strict: dict[str, Counts]
    out_of_scope_fp: int | None
    papers: list[str]
    reference_rows: int
    matched_rows: int
    items: list[dict[str, Any]]
    matched_by_scores: int = 0
    not_stated: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Return the evaluation as a JSON-serialisable dict."""
        return {
            "lenient": {k: v.as_dict() for k, v in self.lenient.items()},
            "strict": {k: v.as_dict() for k, v in self.strict.items()},
            "out_of_scope_score_fp": self.out_of_scope_fp,
            "papers": self.papers, "reference_rows": self.reference_rows, "matched_rows": self.matched_rows,
            "matched_by_scores": self.matched_by_scores, "fn_not_stated_in_pdf": self.not_stated,
            "tolerances": {"score_points": SCORE_TOL, "relative": REL_TOL, "counts": "exact", "chip_model": "exact after normalisation"},
            "items": self.items,
        }


def _paper_index(papers: list[dict[str, Any]]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    by_arxiv = {p["arxiv_id"]: p["paper_id"] for p in papers if p.get("arxiv_id")}
    titles = [(compact(p.get("title")), p["paper_id"]) for p in papers if p.get("title")]
    return by_arxiv, titles


def _paper_of(r: RefRow, by_arxiv: dict[str, str], titles: list[tuple[str, str]]) -> str | None:
    if r.arxiv_id:
        return by_arxiv.get(r.arxiv_id)
    t = compact(r.title)
    if len(t) < 12:
        return None
    for pt, pid in titles:
        if pt.startswith(t):
            return pid
    return None


def _obs_rows(observations: list[dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Group observation dicts (per metric) into (paper_id, benchmark) -> model rows."""
    grouped: dict[tuple[str, str, str], dict[str, Any]] = {}
    order: list[tuple[str, str, str]] = []
    for o in observations:
        k = (o["paper_id"], o["benchmark"], o["model_name"])
        if k not in grouped:
            grouped[k] = {"paper_id": o["paper_id"], "benchmark": o["benchmark"], "model_name": o["model_name"],
                          "score": {}, "finding_ids": []}
            order.append(k)
        g = grouped[k]
        g["score"][o["metric"]] = o["score"]
        for fname, col in OBS_COLUMN.items():
            if g.get(fname) is None and o.get(col) is not None:
                g[fname] = o[col]
        g["finding_ids"].extend(o.get("finding_ids") or [])
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for k in order:
        out.setdefault((k[0], k[1]), []).append(grouped[k])
    return out


def evaluate(reference: list[RefRow], observations: list[dict[str, Any]], papers: list[dict[str, Any]],
             out_of_scope_scores: int | None = None) -> Evaluation:
    """Given reference rows, observation dicts (the columns of
    :func:`extract.observations.assemble` plus ``paper_id``) and the warehouse's papers (dicts
    with ``paper_id``, ``arxiv_id``, ``title``), return the :class:`Evaluation` (counting rules in
    the module docstring). ``out_of_scope_scores`` is the number of score findings on
    out-of-scope papers, added to the score FP of both counts."""
    lenient = {f: Counts() for f in FIELDS}
    strict = {f: Counts() for f in FIELDS}
    items: list[dict[str, Any]] = []
    by_arxiv, titles = _paper_index(papers)
    obs = _obs_rows(observations)
    refs: dict[tuple[str, str], list[RefRow]] = {}
    for r in reference:
        pid = _paper_of(r, by_arxiv, titles)
        if pid is not None:
            refs.setdefault((pid, r.benchmark), []).append(r)
    ref_papers = {pid for pid, _ in refs}
    matched = matched_by_scores = 0

    def count(kind: str, fieldname: str, metric: str | None, r: RefRow | None, o: dict | None, rv: Any, ov: Any, pid: str,
              paired_by: str | None = None) -> None:
        rec = {"paper_id": pid, "reference_model": r.model_name if r else None,
               "reference_line": f"{r.file}:{r.line}" if r else None,
               "observation_model": o["model_name"] if o else None, "field": fieldname, "metric": metric,
               "reference": rv, "extracted": ov, "paired_by": paired_by}
        if kind == "pair":
            if rv is not None and ov is not None:
                if _agree(fieldname, rv, ov):
                    out = "TP"
                    for c in (lenient, strict):
                        c[fieldname].tp += 1
                else:
                    out = "FP+FN"
                    for c in (lenient, strict):
                        c[fieldname].fp += 1
                        c[fieldname].fn += 1
            elif rv is not None:
                out = "FN"
                for c in (lenient, strict):
                    c[fieldname].fn += 1
            elif ov is not None:
                out = "unverified (strict FP)"
                strict[fieldname].fp += 1
            else:
                return
        elif kind == "missed":
            out = "FN (row not extracted)"
            for c in (lenient, strict):
                c[fieldname].fn += 1
        else:  # unpaired observation
            contradicts = rv is not None and not _agree(fieldname, rv, ov)
            out = "contradicts reference (FP)" if contradicts else "unpaired (strict FP)"
            if contradicts:
                lenient[fieldname].fp += 1
            strict[fieldname].fp += 1
        rec["outcome"] = out
        items.append(rec)

    def fields_of(r: RefRow | None, o: dict | None):
        for fname in FIELDS:
            if fname == "score":
                metrics = sorted(set((r.values["score"] if r else {}) | (o["score"] if o else {})))
                for m in metrics:
                    yield fname, m, (r.values["score"].get(m) if r else None), (o["score"].get(m) if o else None)
            else:
                yield fname, None, (r.values.get(fname) if r else None), (o.get(fname) if o else None)

    for (pid, bench) in sorted(set(refs) | {k for k in obs if k[0] in ref_papers}):
        rrows = refs.get((pid, bench), [])
        orows = obs.get((pid, bench), [])
        # among names that are equivalent or covered, one whose scores all agree pairs first: the
        # curators' "SSD512" is the paper's best SSD512 (SSD512* with more augmentation, 28.8),
        # not the plain SSD512 row (26.8) when the paper prints both
        pairs = sorted(((int(_pair_key(r.model_name, o)[0] >= 1 and scores_agree(r, o)),) + _pair_key(r.model_name, o) + (-j, i, j)
                        for i, r in enumerate(rrows) for j, o in enumerate(orows)), reverse=True)
        r_used: dict[int, int] = {}
        o_used: set[int] = set()
        # names that are equivalent or covered pair first; then agreeing scores; a name that is
        # only similar (tier 0: "GNMT+RL" ~ "Refined with RL") is weaker evidence than agreeing
        # scores with a shared word, so it pairs last
        for weak in (False, True):
            for _agrees, tier, _rank, _score, sim, _negj, i, j in pairs:
                if (tier == 0) != weak or sim < MIN_SIMILARITY or i in r_used or j in o_used:
                    continue
                r_used[i] = j
                o_used.add(j)
            if not weak:
                by_scores = pair_by_scores(rrows, orows, r_used, o_used)
                for i, j in by_scores.items():
                    r_used[i] = j
                    o_used.add(j)
        for i, r in enumerate(rrows):
            if i in r_used:
                matched += 1
                if i in by_scores:
                    matched_by_scores += 1
                o = orows[r_used[i]]
                paired_by = "scores" if i in by_scores else "name"
                for fname, m, rv, ov in fields_of(r, o):
                    if fname == "score" and rv is None and ov is None:
                        continue
                    if fname == "score" and rv is None:
                        continue  # a metric the reference does not carry for this row (e.g. top-5)
                    count("pair", fname, m, r, o, rv, ov, pid, paired_by)
            else:
                for fname, m, rv, _ov in fields_of(r, None):
                    if rv is not None:
                        count("missed", fname, m, r, None, rv, None, pid)
        for j, o in enumerate(orows):
            if j in o_used:
                continue
            rivals = [r for r in rrows if names_equivalent(r.model_name, o["model_name"])]
            rival = rivals[0] if rivals else None
            for fname, m, rv, ov in fields_of(rival, o):
                if ov is None:
                    continue
                count("unpaired", fname, m, None, o, rv, ov, pid)
    if out_of_scope_scores:
        for c in (lenient, strict):
            c["score"].fp += out_of_scope_scores
    n_ref = sum(len(v) for v in refs.values())
    return Evaluation(lenient, strict, out_of_scope_scores, sorted(ref_papers), n_ref, matched, items, matched_by_scores)


def read_out_of_scope(path: str | Path) -> set[str]:
    """Given a CSV with a ``file`` column (corpus file names of papers that report none of the six
    benchmarks; other columns such as ``reason`` are ignored), return the file names.

    Raises:
        EvaluationError: the file is missing or lacks the ``file`` column.
    """
    p = Path(path)
    if not p.is_file():
        raise EvaluationError(f"out-of-scope list {p} not found")
    with p.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if "file" not in (reader.fieldnames or ()):
            raise EvaluationError(f"{p}: needs a 'file' column (corpus file names)")
        return {row["file"].strip() for row in reader if row["file"].strip()}


def evaluate_warehouse(con, reference_dir: str | Path, out_of_scope: set[str] | None = None,
                       include_pending: bool = True) -> Evaluation:
    """Given a warehouse connection (read-only is enough), the reference folder and optionally
    the out-of-scope file names, assemble the observations and return their :class:`Evaluation`.

    Raises:
        EvaluationError: see :func:`read_reference`.
    """
    from extract.observations import assemble, read_inputs

    reference = read_reference(reference_dir)
    findings, papers, reviews = read_inputs(con)
    rows = assemble(findings, papers, reviews, include_pending=include_pending)
    # observation rows carry paper_key; map back to paper ids
    key_to_pid: dict[str, str] = {}
    from extract.observations import normalise_title

    for pid, p in papers.items():
        key_to_pid[p.get("arxiv_id") or normalise_title(p.get("title") or pid)] = pid
    for o in rows:
        o["paper_id"] = key_to_pid.get(o["paper_key"], o["paper_key"])
    oos = None
    if out_of_scope is not None:
        if out_of_scope:
            marks = ",".join("?" for _ in out_of_scope)
            oos = con.execute(
                f"""SELECT count(*) FROM findings f JOIN documents d USING (document_id)
                    WHERE f.kind = 'score' AND d.file_name IN ({marks})""", sorted(out_of_scope)
            ).fetchone()[0]
        else:
            oos = 0
    plist = [dict(p, paper_id=pid) for pid, p in papers.items()]
    ev = evaluate(reference, rows, plist, oos)
    paths = {pid: path for pid, path in con.execute(
        "SELECT paper_id, any_value(path) FROM documents WHERE path IS NOT NULL GROUP BY paper_id").fetchall()}
    mark_stated(ev, paths)
    return ev


#: Fields whose missed reference values are looked up in the paper's text (:func:`mark_stated`).
STATED_FIELDS = ("score", "chip_model")


def _score_spellings(v: float) -> set[str]:
    """Given a reference score, return how a paper could print it: the value and 100 - value
    (ImageNet error), each with one and two decimals (``76.3``, ``76.30``, ``23.7``, ``23.70``)."""
    out = set()
    for x in (v, 100.0 - v):
        if x > 0:
            out |= {f"{x:.1f}", f"{x:.2f}"}
            if abs(x - round(x)) < 1e-9:
                out.add(str(int(round(x))))
    return out


def stated_in(text: str, fieldname: str, value: Any) -> bool:
    """Given a paper's text, a field (``score`` or ``chip_model``) and a reference value, return
    True when the text states that value: a score as a number token equal to one of its
    spellings (:func:`_score_spellings`; ``93.2`` is not read inside ``193.25``), a chip model
    when :func:`extract.chips.find_chips` finds that chip (after :func:`normalise_chip`)."""
    if fieldname == "chip_model":
        want = normalise_chip(str(value))
        return any(m.chip.key == want for m in find_chips(text))
    spellings = _score_spellings(float(value))
    return any(tok in spellings for tok in re.findall(r"(?<![\d.])\d{1,3}(?:\.\d{1,2})?(?![\d])", text))


def mark_stated(ev: Evaluation, paths: dict[str, str]) -> None:
    """Given an evaluation and each paper's PDF path, add ``stated_in_pdf`` (True/False) to every
    missed item (FN, FP+FN) of :data:`STATED_FIELDS`, read from the PDF's text layer as extraction
    reads it (:func:`extract.pipeline.page_texts`; a paper whose PDF is gone or unreadable gets
    None), and fill ``ev.not_stated``: field -> number
    of missed reference values the paper's PDF does not state at all (another version of the
    paper, or a value the curators derived): misses no extraction of this PDF could avoid."""
    import pypdfium2 as pdfium

    from extract.pipeline import page_texts

    texts: dict[str, str | None] = {}
    for it in ev.items:
        if it["field"] not in STATED_FIELDS or "FN" not in it["outcome"] or it["reference"] is None:
            continue
        pid = it["paper_id"]
        if pid not in texts:
            texts[pid] = None
            path = paths.get(pid)
            if path and Path(path).is_file():
                try:
                    pdf = pdfium.PdfDocument(path)
                    texts[pid] = "\n".join(page_texts(pdf)[0])
                    pdf.close()
                except Exception:  # noqa: BLE001 - a diagnostic only: unknown, not an error
                    texts[pid] = None
        text = texts[pid]
        it["stated_in_pdf"] = None if text is None else stated_in(text, it["field"], it["reference"])
        if it["stated_in_pdf"] is False:
            ev.not_stated[it["field"]] = ev.not_stated.get(it["field"], 0) + 1


def render(ev: Evaluation, console=None) -> None:
    """Print the per-field table (lenient and strict) with rich."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    t = Table(title=f"extraction vs reference: {len(ev.papers)} papers, {ev.matched_rows}/{ev.reference_rows} reference rows paired"
                        f" ({ev.matched_rows - ev.matched_by_scores} by name, {ev.matched_by_scores} by scores)")
    for c in ("field", "TP", "FP", "FN", "precision", "recall", "F1", "strict FP", "strict P", "FN not in PDF"):
        t.add_column(c, justify="right" if c != "field" else "left")

    def f(x: float | None) -> str:
        return "-" if x is None else f"{x:.3f}"

    for name in FIELDS:
        c, s = ev.lenient[name], ev.strict[name]
        t.add_row(name, str(c.tp), str(c.fp), str(c.fn), f(c.precision), f(c.recall), f(c.f1), str(s.fp), f(s.precision),
                  str(ev.not_stated.get(name, 0)) if name in STATED_FIELDS else "")
    console.print(t)
    if ev.not_stated:
        console.print("FN not in PDF: missed reference values that the paper's PDF does not print at all "
                      "(another version of the paper, or a curator's derivation); no extraction of these PDFs can find them")
    if ev.out_of_scope_fp is not None:
        console.print(f"score findings on out-of-scope papers (counted as score FP): {ev.out_of_scope_fp}")


def write_json(ev: Evaluation, path: str | Path) -> Path:
    """Write the evaluation as JSON to ``path`` and return the path."""
    p = Path(path)
    p.write_text(json.dumps(ev.as_dict(), indent=1, default=str), encoding="utf-8")
    return p
