"""Tables from line layout: data rows, numeric columns, their headers and the caption.

A chain of pure functions, as in pdfplumber's table finder:
lines -> data rows (a label then a trailing run of numeric cells) -> blocks of rows ->
columns (numeric cells clustered by x-overlap) -> header phrases above, assigned to columns by
x-overlap (a spanning group header goes to the columns it covers) -> caption (``Table N`` line
nearest above or below).

Coordinates are PDF points, origin top-left (see :mod:`extract.layout`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from extract.layout import Box, Line, PageLayout, Word, union_boxes

#: Markers papers put on cells (footnotes, bold-as-best) that are not part of the value.
_MARKERS = "†‡*§¶∗⋆☆♠♣♦♥#⋄◦•"
#: A numeric cell: ``21.43``, ``77.1%``, ``25.6M``, ``0.39B``, ``1.8×10^9``, ``2.3·10^19``, ``4x``.
CELL_RE = re.compile(
    r"^[(\[]?(?P<sign>[+\-±])?(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)"
    r"(?:(?P<pow>\s?[×x·]\s?10\^-?\d{1,2})|(?P<suf>%|[KMGBT]|x|×|ms|s|fps|FPS|GB|MB|h|d))?[)\]]?$"
)
#: Cells that stand for "no value".
PLACEHOLDERS = frozenset({"-", "–", "—", "--", "N/A", "n/a", "NA", "?", "/", "×", "✗", "✓", "yes", "no", "Yes", "No"})
#: A ``Table N`` caption start.
CAPTION_RE = re.compile(r"^\s*(?:Table|TABLE|Tab\.)\s*(?:\d+|[IVX]+|[A-Z]\.?\d+)\s*[:.|]?")
#: A sub-table caption, ``(a) Results on the SQuAD test set``.
SUBCAPTION_RE = re.compile(r"^\s*\([a-h]\)\s+[A-Z]")


@dataclass(frozen=True)
class Cell:
    """A numeric table cell: ``text`` as printed (markers stripped), ``value`` before any header
    scale (``"25.6M"`` -> 25.6e6, ``"77.1%"`` -> 77.1), ``suffix`` (``%``, ``M``, ``x`` ... or
    ``""``), its ``bbox`` and column index ``col`` (-1 before columns are known)."""

    text: str
    value: float | None
    suffix: str
    bbox: Box
    col: int = -1


@dataclass
class Row:
    """A data row: ``label`` (words before the numeric cells, citations kept), ``cells``, the
    whole line's ``text`` and ``bbox``; ``marks``: x-ranges of check marks among the label words;
    ``dropped``: label-column phrases :func:`compose_label` left out (settings columns such as
    ``9 × 9 search``), used to tell apart rows whose labels are the same."""

    label: str
    cells: list[Cell]
    text: str
    bbox: Box
    marks: list[tuple[float, float]] = field(default_factory=list)
    dropped: str = ""  # label-column text left out of the label (settings: "9 × 9 search")


@dataclass
class Column:
    """A numeric column: x-range and the header text above it (group headers first)."""

    index: int
    x0: float
    x1: float
    header: str = ""


@dataclass
class Table:
    """A table found on a page.

    Attributes:
        page: 1-based page number.
        caption: the ``Table N ...`` text nearest the block ("" when none found).
        header: all header lines above the rows, joined.
        label_header: header words left of the first numeric column (e.g. ``"method"``).
        columns: numeric columns, left to right.
        rows: data rows, top to bottom, cells carrying column indexes.
        bbox: union of rows and header.
    """

    page: int
    caption: str
    header: str
    label_header: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    bbox: Box | None = None


_GLUED_DELTA_RE = re.compile(r"^(\d+(?:\.\d+)?%?)[(\[][+\-±↑↓]?\d*\.?\d+%?[)\]]$")


def column_cells(table: "Table", col_index: int):
    """Given a table and a column index, yield ``(row, cell)`` for each row whose one cell in
    that column holds a number. Rows where two cells fall into the column (an ambiguous split)
    and cells without a value are skipped."""
    for row in table.rows:
        cols = [c.col for c in row.cells]
        if cols.count(col_index) != 1:
            continue
        for cell in row.cells:
            if cell.col == col_index and cell.value is not None:
                yield row, cell


def transpose(table: Table) -> Table:
    """Given a table, return it with rows and columns swapped: each column becomes a row labelled
    with the column's header, each row a column headed by the row's label (GNMT's Table 6 lists
    datasets ``En→Fr`` / ``En→De`` down the side and models ``Trained with log-likelihood`` /
    ``Refined with RL`` across). Cells keep text, value, suffix and bbox; a transposed row's
    ``text`` is the original rows' texts joined with `` | `` (the printed source of its values).
    Caption, header and page are kept; rows without cells are dropped."""
    cols: list[Column] = []
    for i, row in enumerate(table.rows):
        x0, x1 = row.bbox[1], row.bbox[3]  # a transposed column spans the original row's height
        cols.append(Column(i, x0, x1, row.label))
    text = " | ".join(row.text for row in table.rows)
    rows: list[Row] = []
    for col in table.columns:
        cells = [Cell(c.text, c.value, c.suffix, c.bbox, i)
                 for i, row in enumerate(table.rows) for c in row.cells if c.col == col.index]
        if cells:
            rows.append(Row(col.header, cells, text, union_boxes([c.bbox for c in cells])))
    return Table(table.page, table.caption, table.header, table.label_header, cols, rows, table.bbox)


def parse_cell(text: str) -> tuple[float | None, str] | None:
    """Given a word, return ``(value, suffix)`` if it is a numeric cell, ``(None, "")`` for a
    placeholder (``-``, ``N/A``), else None.

    ``"25.6M"`` -> ``(25.6e6, "M")``; ``"77.1%"`` -> ``(77.1, "%")``; ``"1.8×10^9"`` -> ``(1.8e9, "e")``;
    ``"4x"`` -> ``(4.0, "x")``; ``"21.57(0.85)"`` (a value with its delta glued on) -> ``(21.57, "")``.
    """
    t = text.strip().strip(_MARKERS).rstrip(",;")
    if t in PLACEHOLDERS:
        return None, ""
    glued = _GLUED_DELTA_RE.match(t)
    if glued:
        t = glued.group(1)  # "21.57(0.85)": the value, then its gain over a baseline in brackets
    if t.endswith((")", "]")) != t.startswith(("(", "[")):
        return None
    m = CELL_RE.match(t)
    if m is None:
        return None
    v = float(m.group("num").replace(",", ""))
    if m.group("sign") == "-":
        v = -v
    if m.group("pow"):
        exp = int(m.group("pow").split("^")[1])
        return v * 10.0 ** exp, "e"
    suf = m.group("suf") or ""
    scale = {"K": 1e3, "M": 1e6, "G": 1e9, "B": 1e9, "T": 1e12}.get(suf, 1.0)  # ms, fps, GB: kept as written
    return v * scale, suf


def _is_cell(text: str) -> bool:
    t = text.strip().strip(_MARKERS).rstrip(",;")
    return t in PLACEHOLDERS or parse_cell(t) is not None


#: Signs between a mean and its spread: "94.91 ± 0.12".
_PLUS_MINUS = frozenset({"±", "+-", "+/-"})
#: A mean with its spread glued on or to follow: "94.91±0.12", "94.91±", "94.91".
_STD_RE = re.compile(r"(\d+(?:\.\d+)?%?)(±(?:\d*\.?\d+%?)?)?")
_SPREAD_RE = re.compile(r"\d*\.?\d+%?")


def _merge_powers(words: list[Word]) -> list[Word]:
    """Given a line's words, return them with ``2.3 · 10^19`` (three words) joined into one, a scale or
    unit set apart (``44.1 M``, ``9.8 ms``) joined to its number, and a spread dropped from its mean
    (``94.91 ± 0.12``, ``94.91±0.12``, ``94.91± 0.12`` -> ``94.91``)."""
    out: list[Word] = []
    i = 0
    while i < len(words):
        w = words[i]
        std = _STD_RE.fullmatch(w.text)
        if std and std.group(2):
            w = Word(std.group(1), w.bbox, w.start, w.end)  # "94.91±0.12": the mean, its spread dropped
            if std.group(2) == "±" and i + 1 < len(words) and _SPREAD_RE.fullmatch(words[i + 1].text):
                out.append(w)  # "94.91± 0.12"
                i += 2
                continue
        elif std and i + 2 < len(words) and words[i + 1].text in _PLUS_MINUS and _SPREAD_RE.fullmatch(words[i + 2].text):
            out.append(w)  # "94.91 ± 0.12": the mean; the spread after a free-standing sign dropped
            i += 3
            continue
        if (i + 1 < len(words) and words[i + 1].text in ("M", "G", "B", "K", "%", "ms", "fps", "FPS")
                and re.fullmatch(r"\d+(?:\.\d+)?", w.text) and words[i + 1].bbox[0] - w.bbox[2] < 4.0):
            z = words[i + 1]  # "44.1 M", "9.8 ms": a scale or unit printed apart from its number
            out.append(Word(f"{w.text}{z.text}", union_boxes([w.bbox, z.bbox]), w.start, z.end))
            i += 2
            continue
        if (i + 2 < len(words) and words[i + 1].text in ("·", "×", "x") and re.fullmatch(r"10\^-?\d{1,2}", words[i + 2].text)
                and re.fullmatch(r"\d+(?:\.\d+)?", w.text)):
            z = words[i + 2]
            out.append(Word(f"{w.text}×{z.text}", union_boxes([w.bbox, z.bbox]), w.start, z.end))
            i += 3
            continue
        out.append(w)
        i += 1
    return out


_DELTA_RE = re.compile(r"^[(\[][+\-±↑↓]?\d*\.?\d+%?[)\]]$|^±\d*\.?\d+$|^[↑↓]\d")


def _is_row(line: Line) -> bool:
    """Given a line, return whether :func:`parse_row` reads it as a data row (cached on the line)."""
    cached = line.__dict__.get("_is_row")
    if cached is None:
        cached = line.__dict__["_is_row"] = parse_row(line) is not None
    return cached


#: First words of a header line over a table's label column.
_HEADER_WORD_RE = re.compile(r"^(?:Models?|Methods?|Approach(?:es)?|Systems?|Architectures?|Networks?|Datasets?)$")
_YEAR_RE = re.compile(r"(?:19[89]\d|20[0-3]\d)")

#: Label endings that name a setting whose value follows (``beam size 12``, ``k = 5``, ``N=4``).
_SETTING_END_RE = re.compile(r"(?:\bbeam(?:\s+size)?|\bsize|\bwidth|\bdepth|\b[kKnN]\s*=|=)\s*$", re.IGNORECASE)


#: A line of dataset names with versions, each name twice or more: "SQuAD 1.1 SQuAD 2.0", "WMT 14 WMT 16".
_VERSIONED_GROUPS_RE = re.compile(r"(?P<name>[A-Za-z][\w\-']*)\s*v?\d+(?:\.\d+)?(?:\s+(?P=name)\s*v?\d+(?:\.\d+)?)+")


def parse_row(line: Line, max_label_words: int = 8, max_label_chars: int = 70) -> Row | None:
    """Given a line, return it as a data :class:`Row` (label then a trailing run of numeric cells,
    deltas such as ``(+1.2)`` and ``±0.1`` skipped; an integer right after a label ending in a
    setting name stays in the label: ``Single reversed LSTM, beam size 12``), or None when it is
    not one (no trailing numbers, or a label too long to be a row label)."""
    if _VERSIONED_GROUPS_RE.fullmatch(line.text.strip()):
        return None  # "SQuAD 1.1  SQuAD 2.0": group titles over columns, not a row
    words = _merge_powers(line.words)
    cells: list[Cell] = []
    k = len(words)
    first = k  # index of the leftmost cell: deltas left of it belong to the label ("MobileNetV2 (1.4)")
    while k > 0:
        w = words[k - 1]
        if _DELTA_RE.match(w.text):
            k -= 1
            continue
        if cells and w.text.strip(_MARKERS) == "" and k >= 2 and _is_cell(words[k - 2].text):
            k -= 1  # "19.9 † 4.9 †": a footnote mark set apart from its cell
            continue
        if w.text == "/" and cells and k >= 2 and _is_cell(words[k - 2].text):
            k -= 1  # "70.1 / 89.7" under "Top-1 / Top-5": two cells set with a slash between
            continue
        if not _is_cell(w.text):
            break
        parsed = parse_cell(w.text)
        value, suffix = parsed if parsed is not None else (None, "")
        cells.append(Cell(w.text.strip(_MARKERS), value, suffix, w.bbox))
        k -= 1
        first = k
    # "beam size 12", "k = 5": a setting the label names takes its number along
    while cells and first > 0 and _SETTING_END_RE.search(" ".join(w.text for w in words[max(0, first - 2):first])) \
            and (re.fullmatch(r"\d{1,4}", cells[-1].text)
                 or (words[first - 1].text.endswith("=") and re.fullmatch(r"\d{1,4}\.\d+", cells[-1].text))):
        cells.pop()
        first += 1
    if not cells or all(c.value is None for c in cells):
        return None
    if (first > 0 and _HEADER_WORD_RE.match(words[0].text) and all(_YEAR_RE.fullmatch(c.text) for c in cells)):
        return None  # "Model  CoNLL 2003  i2b2 2014": column titles ending in years, not a data row
    label_words = words[:first]
    label, dropped = compose_label_parts(label_words)
    if len(label_words) > max_label_words or len(label) > max_label_chars or label.endswith((",", ";")):
        return None
    if label_words and re.search(r"\b(?:is|are|was|were|of|the|by|with|and|to|than|from|at|in)$", label):
        return None
    cells.reverse()
    marks: list[tuple[float, float]] = []
    if label_words and label_words[0].text not in CHECK_MARKS:  # a row of marks only is an ablation grid
        for w in label_words[1:]:
            if w.text and set(w.text) <= CHECK_MARKS:  # "XX": two marks set without a gap
                step = (w.bbox[2] - w.bbox[0]) / len(w.text)
                marks.extend((w.bbox[0] + i * step, w.bbox[0] + (i + 1) * step) for i in range(len(w.text)))
        if marks:
            label = _MARK_IN_LABEL_RE.sub("", label).strip()
    return Row(label, cells, line.text, line.bbox, marks, dropped)


#: A check mark in a table's label columns: the row uses the setting its column names (``DD``).
CHECK_MARKS = frozenset({"X", "✓", "✔", "√"})
_MARK_IN_LABEL_RE = re.compile(r"\s+[" + "".join(sorted(CHECK_MARKS)) + r"]+(?=\s|$)")

_MODEL_LIKE_RE = re.compile(r"[A-Za-z].*\d|[a-z][A-Z]|[A-Z]{2}")
_NETWORK_RE = re.compile(r"[A-Za-z][A-Za-z]*-?\d{2,3}(?:[-\w]*)|Inception|Darknet|DarkNet|Hourglass"
                         r"|(?-i:(?<![\w-])[A-Z][A-Za-z]+-(?:[TSBLHG]|XL)(?:\/\d+)?(?![\w-]))", re.IGNORECASE)  # "Swin-L", "ViT-B/16"
_SPLIT_RE = re.compile(r"^(?:train|trainval|val|test|minival|test-dev|train\+val|trainval\d+k|\d+\+\d+|COCO|VOC)\S*$", re.IGNORECASE)


def compose_label(label_words: list[Word]) -> str:
    """Given the words left of a row's numeric cells, return the row label (see
    :func:`compose_label_parts`)."""
    return compose_label_parts(label_words)[0]


def compose_label_parts(label_words: list[Word]) -> tuple[str, str]:
    """Given the words left of a row's numeric cells, return the row label.

    Words closer than a column gap (``max(5 pt, 0.6 x word height)``) form one phrase. With one
    phrase the label is that phrase. With several (text columns such as the training data or the
    backbone: ``SSD512  trainval35k  VGG-16``), the label is the first phrase that looks like a
    model name (letters with a digit or an inner capital), followed by the other phrases that
    name a network, in brackets (``SSD512 (VGG-16)``); data-split phrases (``trainval35k``) are
    left out. The full line stays in :attr:`Row.text`. Returns ``(label, dropped)``, ``dropped``
    being the left-out phrases joined by spaces (data splits excepted; "" when none).
    """
    if not label_words:
        return "", ""
    phrases: list[list[Word]] = [[label_words[0]]]
    for w in label_words[1:]:
        prev = phrases[-1][-1]
        h = max(w.bbox[3] - w.bbox[1], 1.0)
        if w.bbox[0] - prev.bbox[2] > max(5.0, 0.6 * h):
            phrases.append([w])
        else:
            phrases[-1].append(w)
    texts = [" ".join(w.text for w in ph) for ph in phrases]
    if len(texts) == 1:
        return texts[0], ""
    main = next((i for i, t in enumerate(texts) if _MODEL_LIKE_RE.search(t) and not _SPLIT_RE.match(t)), 0)
    extras = [t for i, t in enumerate(texts) if i != main and _NETWORK_RE.search(t) and not _SPLIT_RE.match(t)]
    dropped = [t for i, t in enumerate(texts) if i != main and t not in extras and not _SPLIT_RE.match(t)
               and not set(t.replace(" ", "")) <= CHECK_MARKS]
    return texts[main] + "".join(f" ({t})" for t in extras), " ".join(dropped)


def _phrases(line: Line, gap: float = 0.45) -> list[tuple[str, float, float]]:
    """Given a header line, return its phrases ``(text, x0, x1)``: words closer than ``gap`` times
    the line's tallest word height (about a space; glyph boxes are tight, so a short word such as
    ``with`` alone would give a gap below one space and split ``Refined with RL``)."""
    out: list[list] = []
    h = max((w.bbox[3] - w.bbox[1] for w in line.words), default=0.0)
    for w in line.words:
        if out and w.bbox[0] - out[-1][2] < max(3.5, gap * h):
            out[-1][0] += " " + w.text
            out[-1][2] = max(out[-1][2], w.bbox[2])
        else:
            out.append([w.text, w.bbox[0], w.bbox[2]])
    return [(t, a, b) for t, a, b in out]


def cluster_columns(rows: list[Row]) -> list[Column]:
    """Given rows, return numeric columns (cells whose x-ranges overlap share one), left to right,
    and set each cell's ``col``."""
    spans: list[list[float]] = []
    for row in rows:
        for c in row.cells:
            x0, x1 = c.bbox[0], c.bbox[2]
            best, best_ov = -1, 0.0
            for j, (a, b) in enumerate(spans):
                ov = min(b, x1) - max(a, x0)
                if ov > best_ov:
                    best, best_ov = j, ov
            if best < 0:
                spans.append([x0, x1])
            else:
                spans[best][0] = min(spans[best][0], x0)
                spans[best][1] = max(spans[best][1], x1)
    spans.sort()
    merged: list[list[float]] = []
    for a, b in spans:
        if merged and a < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    cols = [Column(i, a, b) for i, (a, b) in enumerate(merged)]
    for row in rows:
        new = []
        for c in row.cells:
            xc = (c.bbox[0] + c.bbox[2]) / 2
            idx = min(range(len(cols)), key=lambda i: 0 if cols[i].x0 <= xc <= cols[i].x1 else min(abs(cols[i].x0 - xc), abs(cols[i].x1 - xc)))
            new.append(Cell(c.text, c.value, c.suffix, c.bbox, idx))
        row.cells = new
    return cols


_SENTENCE_RUN_RE = re.compile(r"(?:\b[a-z]+\b[,.]?\s+){3}[a-z]{2,}")
#: A line that breaks off on a word a sentence goes on from (``... CoNLL 2003 and``).
_RUNS_ON_RE = re.compile(r"\s(?:and|the|a|an|to|that|which|we|is|are)$")


def _reads_as_sentence(text: str) -> bool:
    """Given a line's text, return True when it reads as a line of a paragraph: at least six
    words, two thirds of them lower-case words (``modules in this experiment and we fix the
    reduction ratio to 16.``); column titles are capitalised terms and units."""
    words = text.split()
    lower = sum(1 for w in words if re.fullmatch(r"[a-z][a-z\-’']*[,.;:]?", w))
    return len(words) >= 6 and lower >= 2 * len(words) / 3


def _is_prose(line: Line) -> bool:
    """Given a line, return True when it reads as running text (many words, no column gaps)."""
    words = line.words
    return (len(words) >= 9 and sum(1 for w in words if w.text[:1].isalpha()) >= 0.7 * len(words)
            and len(_phrases(line)) <= 2)


#: A row label that only holds a setting (``[256;512]``, ``(3)``): the model is the group's.
_SETTING_ONLY_RE = re.compile(r"^[\[\](){};:,.\d\s\-–=]+$")


def _last_row(rows: list[Row | None]) -> Row | None:
    """Given a table block's rows so far, return the last one with cells, or None."""
    return next((r for r in reversed(rows) if r is not None and r.cells), None)


def _is_group_label(line: Line, rows: list[Row | None]) -> bool:
    """Given a line inside a table block without numeric cells and the rows so far, return True
    when it is a group label printed once for the rows below it (VGG's ``C`` / ``D`` / ``E`` beside
    their three scale settings): one short word (at most 12 characters, a letter in it) set left of
    the previous row's first numeric cell."""
    t = line.text.strip()
    prev = _last_row(rows)
    return (prev is not None and 0 < len(t) <= 12 and " " not in t and bool(re.search(r"[A-Za-z]", t))
            and line.bbox[2] <= prev.cells[0].bbox[0] and not _SECTION_RE.match(t))


def _long_label_row(line: Line, rows: list[Row | None]) -> Row | None:
    """Given a line inside a table block that :func:`parse_row` refused for its long label and the
    rows so far, return it as a row when its numeric cells sit exactly under the previous row's
    (same number, each overlapping its counterpart): a descriptive label such as ``Rescoring the
    baseline 1000-best with an ensemble of 5 reversed LSTMs 36.5`` (up to 14 words, 110
    characters). None otherwise."""
    prev = _last_row(rows)
    if prev is None:
        return None
    row = parse_row(line, max_label_words=14, max_label_chars=110)
    if row is None or len(row.cells) != len(prev.cells):
        return None
    if all(c.bbox[0] <= p.bbox[2] and c.bbox[2] >= p.bbox[0] for c, p in zip(row.cells, prev.cells)):
        return row
    return None


def _apply_group(row: Row, group: tuple[str, float] | None) -> tuple[str, float] | None:
    """Given a row and the current group label (text, right edge in points) or None, give the row
    its group and return the group still in force: a row without a label, or with a setting only
    (``[256;512]``), takes the group's name; a row whose own label starts right of the group label
    (a second text column: ``D`` then ``dense`` / ``multi-crop``) is prefixed with it; any other
    labelled row ends the group."""
    if group is None:
        return None
    name, right = group
    lbl = row.label.strip()
    if not lbl or _SETTING_ONLY_RE.match(lbl):
        row.label = f"{name} {lbl}".strip()
        return group
    if row.bbox[0] > right + 2:
        row.label = f"{name} {lbl}"
        return group
    return None


_SECTION_RE = re.compile(
    r"^\s*(single[\s\-]*models?|ensembles?(?:\s+models?)?|single|ensemble"
    # a training schedule heading its rows: "Mask R-CNN 3× schedule (36 epochs)", "1x schedule"
    r"|(?:[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)?\s+)?\d+\s?[×x]\s+schedule(?:\s*\(\s*\d+\s+epochs?\s*\))?)\s*:?\s*$",
    re.IGNORECASE)


def section_name(text: str) -> str:
    """Given a section line's words, return the section: ``Single`` or ``Ensemble`` (``Single model``,
    ``Ensembles``), or a schedule as written without the framework before it (``Mask R-CNN 3×
    schedule (36 epochs)`` -> ``3× schedule (36 epochs)``)."""
    m = re.search(r"\d+\s?[×x]\s+schedule.*$", text, re.IGNORECASE)
    if m:
        return m.group(0).strip()
    return "Ensemble" if text.lower().startswith("ens") else "Single"


def find_tables(layout: PageLayout) -> list[Table]:
    """Given a page layout, return the tables on it (blocks of >= 2 data rows, or 1 row under a
    header), each with columns, header and caption. When a line inside the block says
    ``Ensemble`` (or ``Single model``), the table has sections: each row's label gets its section
    (``R-NET (March 2017) (Ensemble)``), the rows before the first such line the one named just
    above the block, if any."""
    lines = layout.lines
    parsed = [parse_row(ln) if not (_is_prose(ln) or is_page_head(layout, ln)) else None for ln in lines]
    tables: list[Table] = []
    i = 0
    n = len(lines)
    while i < n:
        if parsed[i] is None:
            i += 1
            continue
        start = i
        rows = [parsed[i]]
        last = i
        j = i + 1
        # "Single model" / "Ensemble" lines split a table into sections (SQuAD, WMT leaderboards)
        above = [m.group(1) for ln in lines[max(0, i - 2):i] if (m := _SECTION_RE.match(ln.text))]
        section = above[-1] if above else None
        sections: list[str | None] = [section]
        seen_section = False
        group: tuple[str, float] | None = None
        if i > 0 and _is_group_label(lines[i - 1], [parsed[i]]) and lines[i].bbox[1] - lines[i - 1].bbox[3] < 8:
            group = (lines[i - 1].text.strip(), lines[i - 1].bbox[2])
            group = _apply_group(parsed[i], group)
        while j < n:
            prev_box = lines[last].bbox
            box = lines[j].bbox
            if abs(box[1] - prev_box[1]) > 45 or box[1] < prev_box[1] - 2:
                break
            if parsed[j] is None:
                parsed[j] = _long_label_row(lines[j], rows)
            if parsed[j] is not None:
                group = _apply_group(parsed[j], group)
                rows.append(parsed[j])
                sections.append(section)
                last = j
            elif _is_group_label(lines[j], rows):
                group = (lines[j].text.strip(), lines[j].bbox[2])
            elif m := _SECTION_RE.match(lines[j].text):
                section = m.group(1)
                seen_section = True
            elif j - last > 2 or _is_prose(lines[j]) or CAPTION_RE.match(lines[j].text):
                break
            j += 1
        if seen_section:
            counts = Counter(row.label for row in rows if row is not None)
            for row, sec in zip(rows, sections):
                if row is not None and sec and row.label:
                    name = section_name(sec)
                    if name in ("Single", "Ensemble") or counts[row.label] > 1:
                        # a schedule names a row only where it tells two rows apart
                        row.label = f"{row.label} ({name})"
        rows = [r for r in rows if r is not None]
        for prev, row in zip(rows, rows[1:]):
            if (not row.label and prev.label and len(row.cells) == len(prev.cells)
                    and any("." in c.text for c in prev.cells)):
                row.label = prev.label  # a group label printed once for several rows (e.g. VGG's "C")
        table = _assemble(layout, start, last, rows)
        if table is not None:
            tables.append(table)
        i = last + 1
    return tables


def stitch_marker_rows(rows: list[Row]) -> list[Row]:
    """Given a table's rows (cells carrying column indexes), return them with the pieces of a row
    that a raised footnote marker split off joined back: a row whose label is only markers
    (``†``, ``*``) or empty, within one line height below the previous row, whose cells all sit in
    columns right of the previous row's last cell (``Inception-ResNet-v2 [42] 19.9†`` / ``4.9†`` /
    ``20.37 5.21 ...``: one row)."""
    out: list[Row] = []
    for r in rows:
        prev = out[-1] if out else None
        if (prev is not None and r.cells and prev.cells and not r.label.strip(_MARKERS + " ")
                and min(c.col for c in r.cells) > max(c.col for c in prev.cells)
                and r.bbox[1] - prev.bbox[1] < max(prev.bbox[3] - prev.bbox[1], 4.0)):
            out[-1] = Row(prev.label, prev.cells + r.cells, f"{prev.text} {r.text}",
                          union_boxes([prev.bbox, r.bbox]))
            continue
        out.append(r)
    return out


def _sub_header_label(label: str) -> bool:
    """Given a row label, return True when the row is a line of column sub-headers, not data: no
    label (crop sizes ``224× 320×``) or only thresholds and numbers (SSD's IoU line ``0.5 0.5 0.5
    0.5 0.5:0.95 0.5 0.75``, read as label ``0.5 ... 0.5:0.95`` and two cells)."""
    return not re.search(r"[A-Za-z]", label)


def _settings_row(row: Row, below: Row) -> bool:
    """Given a table's first row and the row below it, return True when the first row is a line of
    settings over the columns, not data: a short label (three words at most) and integers only,
    over decimals (FRN's ``imgs/gpu 8 4 2 8 4 2 8 4 2`` over ``BN 38.3 37.1 32.9 ...``)."""
    if len(row.label.split()) > 3 or len(row.cells) < 2 or not all(re.fullmatch(r"\d{1,4}", c.text) for c in row.cells):
        return False
    decimals = [c for c in below.cells if "." in c.text]
    return len(decimals) >= max(2, len(below.cells) // 2)


def _assemble(layout: PageLayout, start: int, last: int, rows: list[Row]) -> Table | None:
    """Given the line range of a block of rows, return the :class:`Table`, or None when too thin."""
    lines = layout.lines
    dropped: set[str] = set()
    while len(rows) > 1 and (_sub_header_label(rows[0].label) or _settings_row(rows[0], rows[1])):
        dropped.add(rows[0].text)
        rows = rows[1:]  # leading rows of column sub-headers (crop sizes "224× 320×", "imgs/gpu 8 4 2"), not data
    cols = cluster_columns(rows)
    if not cols:
        return None
    rows = stitch_marker_rows(rows)
    block = union_boxes([r.bbox for r in rows])
    x0 = min(block[0], cols[0].x0) - 4
    x1 = max(block[2], cols[-1].x1) + 4
    top = block[1]
    caption, cap_idx = caption_lines(layout, (x0, top, x1, block[3]))
    cap_top = max((lines[k].bbox[3] for k in cap_idx if lines[k].bbox[3] <= top + 1), default=-1.0)
    # header: lines just above the first row (within 55 pt, below a caption placed above)
    all_caps = _all_caption_lines(layout)
    header_lines: list[Line] = []
    for k, ln in enumerate(lines):
        if k in cap_idx or k in all_caps or (start <= k <= last and ln.bbox[3] > top + 1):
            continue
        b = ln.bbox
        if b[3] > top + 1 or b[1] < top - 55 or b[1] < cap_top - 1 or b[2] < x0 - 2 or b[0] > x1 + 2:
            continue
        if CAPTION_RE.match(ln.text) or _is_prose(ln) or (_is_row(ln) and ln.text not in dropped
                                                           and not _sub_header_label(parse_row(ln).label)):
            continue
        if is_running_header(ln, layout.height):
            continue
        if ((_SENTENCE_RUN_RE.search(ln.text) or _RUNS_ON_RE.search(ln.text))
                and (len(_phrases(ln)) <= 2 or _reads_as_sentence(ln.text))):
            continue  # a line of running text (justified text has wide gaps), not column headers
        header_lines.append(ln)
    header_lines.sort(key=lambda ln: (round(ln.bbox[1]), ln.bbox[0]))
    if len(rows) < 2 and not header_lines:
        return None
    spacing = min((cols[i + 1].x0 - cols[i].x1 for i in range(len(cols) - 1)), default=40.0)
    label_parts: list[str] = []
    for ln in header_lines:
        for text, a, b in _phrases(ln):
            if b < cols[0].x0 - 2:
                label_parts.append(text)
        # group labels head the header block: only its first line, with more lines below
        groups = _group_spans(_phrases(ln), cols) if ln is header_lines[0] and len(header_lines) > 1 else None
        phrases = split_spanning_phrases(ln, join_open_brackets(units_to_their_titles(ln, _phrases(ln))), cols)
        owners = {i: header_owners(*_title_extent(ln, t, a, b), cols) for i, (t, a, b) in enumerate(phrases)}
        for col in cols:
            hits = [t for i, (t, a, b) in enumerate(phrases) if col.index in owners[i]]
            if not hits and groups:
                hits = [groups(col)]
            if not hits:
                xc = (col.x0 + col.x1) / 2
                # a phrase over another column is that column's title, never this one's
                near = [(min(abs(a - xc), abs(b - xc)), t) for t, a, b in _phrases(ln)
                        if a >= cols[0].x0 - 10 and not header_owners(a, b, cols)]
                near = [nt for nt in near if nt[0] <= max(spacing, 8.0) * 0.9]
                if near:
                    hits = [min(near)[1]]
            if hits:
                col.header = (col.header + " " + " ".join(hits)).strip()
    label_titles = mark_titles(header_lines, [m for r in rows for m in r.marks], cols[0].x0 - 2)
    for row in rows:
        for a, b in row.marks:
            # "ResNet-50  X  37.9" under "backbone  DD  AP": the row is ResNet-50 with DD
            over = sorted((abs((ta + tb) - (a + b)), t) for t, ta, tb in label_titles if ta <= b + 2 and tb >= a - 2)
            row.label = f"{row.label} + {over[0][1]}" if over else f"{row.label} (✓)"  # the nearest title
    _drop_category_column(rows, lines[max(0, start - 1):last + 1], label_titles)
    tell_apart(rows)
    tell_apart_by_schedule(rows, cols)
    bbox = union_boxes([block] + [ln.bbox for ln in header_lines])
    return Table(layout.page, caption, " ".join(ln.text for ln in header_lines), " ".join(label_parts), cols, rows, bbox)


#: Titles of a label column that sorts the rows into kinds ("Type": CNN / Transformer), and of the
#: column beside it that names them ("Method").
_CATEGORY_TITLE_RE = re.compile(r"^(?:Type|Category|Family|Group|Kind|Paradigm|(?:Model|Network|Architecture|Backbone|Arch\.)\s+type)$", re.IGNORECASE)
_NAME_TITLE_RE = re.compile(r"^(?:Models?|Methods?|Networks?|Approach(?:es)?|Systems?|Names?|Backbones?|Architectures?)$", re.IGNORECASE)


def _drop_category_column(rows: list[Row], lines: list[Line], titles: list[tuple[str, float, float]]) -> None:
    """Given a table's rows, the lines they were read from and the titles over its label columns,
    drop from each label the words of a category column (``Type  Method`` over ``CNN  ResNet-50``,
    ``Transformer  DeiT-S``): the row is ``ResNet-50``; the category goes to :attr:`Row.dropped`.
    Only when a category title (:data:`_CATEGORY_TITLE_RE`) stands left of a name title
    (:data:`_NAME_TITLE_RE`); the words dropped are those ending left of the name title."""
    cat = [(a, b) for t, a, b in titles if _CATEGORY_TITLE_RE.match(t.strip())]
    name = [(a, b) for t, a, b in titles if _NAME_TITLE_RE.match(t.strip())]
    if not cat or not name or not cat[0][1] < name[0][0]:
        return
    x_name = name[0][0]
    by_box = {ln.bbox: ln for ln in lines}
    # a category set once for its rows (multirow) stands on a line of its own, left of the names
    shared = {ln.text.strip() for ln in lines if ln.words and ln.bbox[2] < x_name - 2}
    for row in rows:
        ln = by_box.get(row.bbox)
        left = [w.text for w in ln.words if w.bbox[2] < x_name - 2] if ln is not None else []
        if left and row.cells:
            named = [w for w in ln.words if w.bbox[0] >= x_name - 2 and w.bbox[2] <= row.cells[0].bbox[0] + 0.5]
            label = compose_label_parts(_merge_powers(named))[0] if named else ""
            if label:
                row.label, row.dropped = label, f"{' '.join(left)} {row.dropped}".strip()
                continue
        for prefix in sorted(shared, key=len, reverse=True):
            if prefix and row.label.startswith(prefix + " "):
                row.label = row.label[len(prefix) + 1:]
                row.dropped = f"{prefix} {row.dropped}".strip()
                break


def _title_extent(line: Line, text: str, a: float, b: float) -> tuple[float, float]:
    """Given a header line and one of its phrases ``(text, a, b)``, return the x-extent that decides
    which column it titles: for a title followed by a bracketed unit (``Throughput (img/s)``), the
    title's words only, since a wide unit may reach over the next column; else ``(a, b)``."""
    m = re.fullmatch(r"(.+?)\s+\([^()]{1,12}\)", text)
    if m is None:
        return a, b
    words = [w for w in line.words if w.bbox[0] >= a - 0.5 and w.bbox[2] <= b + 0.5]
    head = [w for w in words if not w.text.startswith("(")]
    if not head or len(head) == len(words):
        return a, b
    first_bracket = next(i for i, w in enumerate(words) if w.text.startswith("("))
    head = words[:first_bracket]
    return (head[0].bbox[0], head[-1].bbox[2]) if head else (a, b)


def mark_titles(header_lines: list[Line], marks: list[tuple[float, float]], right: float) -> list[tuple[str, float, float]]:
    """Given a table's header lines, the x-ranges of the check marks in its rows and the x where
    its numeric columns start, return the titles ``(text, x0, x1)`` over the label columns: the
    header phrases left of ``right``, a phrase split into its words when two or more of its words
    stand over marks (``R S W D`` set tightly over four check-mark columns is four titles, so
    ``ION  X  X`` reads ``ION + S + W``, not ``ION + R S W D``)."""
    def over_mark(a: float, b: float) -> bool:
        return any(a <= mb + 2 and b >= ma - 2 for ma, mb in marks)

    out: list[tuple[str, float, float]] = []
    for ln in header_lines:
        for t, a, b in _phrases(ln):
            if b >= right:
                continue
            words = [w for w in ln.words if w.bbox[0] >= a - 0.5 and w.bbox[2] <= b + 0.5]
            if sum(over_mark(w.bbox[0], w.bbox[2]) for w in words) >= 2:
                out.extend((w.text, w.bbox[0], w.bbox[2]) for w in words)
            else:
                out.append((t, a, b))
    return out


def tell_apart(rows: list[Row]) -> None:
    """Given a table's rows, append to each label shared by several rows the phrases its row's
    label column left out (:attr:`Row.dropped`), in brackets: MetaAnchor's ``MetaAnchor (ours)``
    trained with ``3 × 3`` anchors and ``MetaAnchor (ours)  9 × 9  search`` become ``MetaAnchor
    (ours)`` and ``MetaAnchor (ours) (9 × 9 search)``. Labels stay as they are where no row of
    the group left anything out."""
    seen = Counter(row.label for row in rows)
    for row in rows:
        if seen[row.label] > 1 and row.dropped:
            row.label = f"{row.label} ({row.dropped})"


#: A column giving each row's training length in epochs.
_EPOCHS_COLUMN_RE = re.compile(r"^(?:#\s?)?(?:Epochs?|Ep\.?|Train(?:ing)?\s+epochs?|Sched(?:ule)?\.?\s*\(?epochs?\)?)$", re.IGNORECASE)


def tell_apart_by_schedule(rows: list[Row], cols: list[Column]) -> None:
    """Given a table's rows and columns, append to each label still shared by several rows its
    value in an epochs column (``Epochs``, ``#Ep.``): DETR-style tables list one model at 12 and 36
    epochs, ``PolyDETR (R-50)`` -> ``PolyDETR (R-50) (12 epochs)`` and ``... (36 epochs)``."""
    ep = next((c.index for c in cols if _EPOCHS_COLUMN_RE.match(c.header.strip())), None)
    if ep is None:
        return
    seen = Counter(row.label for row in rows)
    for row in rows:
        cell = next((c for c in row.cells if c.col == ep), None)
        if seen[row.label] > 1 and cell is not None and cell.value is not None and re.fullmatch(r"\d{1,4}", cell.text):
            row.label = f"{row.label} ({cell.text} epochs)"


def units_to_their_titles(line: Line, phrases: list[tuple[str, float, float]]) -> list[tuple[str, float, float]]:
    """Given a header line and its phrases ``(text, x0, x1)``, return them with a bracketed unit that
    opens a phrase (``(img/s) Top-1`` in tightly set ``Throughput (img/s) Top-1 Acc.``) moved to the
    end of the phrase before it: ``Throughput (img/s)`` and ``Top-1``; and a version number set
    apart from its name joined to it (``SQuAD`` + ``1.1``)."""
    out: list[tuple[str, float, float]] = []
    for t, a, b in phrases:
        if out and re.fullmatch(r"v?\d+\.\d+|v\d+", t) and re.search(r"[A-Za-z]$", out[-1][0]):
            pt, pa, _pb = out[-1]
            out[-1] = (f"{pt} {t}", pa, b)  # "SQuAD" + "1.1": a dataset and its version set apart
            continue
        m = re.match(r"(\([^()\s]{1,10}\))\s+(\S.*)$", t)
        if out and m:
            words = [w for w in line.words if w.bbox[0] >= a - 0.5 and w.bbox[2] <= b + 0.5]
            if words and words[0].text == m.group(1) and len(words) > 1:
                pt, pa, _pb = out[-1]
                out[-1] = (f"{pt} {m.group(1)}", pa, words[0].bbox[2])
                out.append((m.group(2), words[1].bbox[0], b))
                continue
        out.append((t, a, b))
    return out


def join_open_brackets(phrases: list[tuple[str, float, float]]) -> list[tuple[str, float, float]]:
    """Given a line's phrases ``(text, x0, x1)``, return them with a phrase that opens a bracket it
    does not close joined to the next ones until it closes (``mAP@[.5,`` + ``.95]`` ->
    ``mAP@[.5, .95]``: one title set with a wide space)."""
    out: list[tuple[str, float, float]] = []
    for t, a, b in phrases:
        if out:
            pt, pa, _pb = out[-1]
            if pt.count("[") > pt.count("]") or pt.count("(") > pt.count(")"):
                out[-1] = (f"{pt} {t}", pa, b)
                continue
        out.append((t, a, b))
    return out


def header_owners(a: float, b: float, cols: list[Column]) -> set[int]:
    """Given a header phrase's x-extent ``a..b`` (PDF points) and the table's columns, return the
    indexes of the columns it titles. A phrase touching one column (2 pt slack) titles it. A phrase
    touching several titles those it covers for at least half their width (a group label such as
    ``Single Model`` over ``EM F1`` covers both); when it covers none that far, only the column it
    overlaps most: a wide unit line centred under its own column (``(Batches/sec.)`` under
    ``GPU Speed``) that grazes the narrow number column beside it (``Top-1 err. (%)``) is not
    that column's title."""
    touched = [c for c in cols if a <= c.x1 + 2 and b >= c.x0 - 2]
    if len(touched) <= 1:
        return {c.index for c in touched}
    overlap = {c.index: min(b, c.x1) - max(a, c.x0) for c in touched}
    covered = {c.index for c in touched if overlap[c.index] >= 0.5 * max(c.x1 - c.x0, 1.0)}
    return covered or {max(overlap, key=lambda i: overlap[i])}


_RUNNING_HEADER_RE = re.compile(r"^\s*\d{1,3}\s+[A-Z][^\d]*$|^[A-Z][^\d]*\s\d{1,3}\s*$")


def is_running_header(line: Line, page_height: float) -> bool:
    """Given a line and the page height (PDF points), return True for a running page header: in
    the top 6% of the page, a page number then words or words then a page number (``10 Authors
    Suppressed Due to Excessive Length``). Such a line is never a table's column titles."""
    return line.bbox[3] <= 0.06 * page_height and bool(_RUNNING_HEADER_RE.match(line.text))


def is_page_head(layout: PageLayout, line: Line) -> bool:
    """Given a page layout and one of its lines, return True for a running page header: as
    :func:`is_running_header`, or the page's topmost line in its top 15% reading that way (Springer
    LNCS sets ``Corvid: Gated Stripe Mixing 3`` some 95 pt down a 792 pt page)."""
    if is_running_header(line, layout.height):
        return True
    top = min((ln.bbox[1] for ln in layout.lines if ln.words), default=line.bbox[1])
    return (line.bbox[1] <= top + 0.5 and line.bbox[3] <= 0.15 * layout.height
            and bool(_RUNNING_HEADER_RE.match(line.text)))


#: Words that are column titles on their own (``GFLOPs``, ``top-1``, ``#P``, ``EM``): two of them
#: over two columns are two titles, not one group label.
_TITLE_WORD_RE = re.compile(
    r"^(?:#\s?P(?:arams?)?|#?Params?\.?|[GMK]?FLOPs?|[GM]?MACs|Mult-Adds|MAdds|top-?[15]|acc\.?|err\.?|error|"
    r"m?AP\w*|EM|F1|BLEU|Latency|Speed|Time|Size|Depth|Width|Res\.?)$", re.IGNORECASE)


def _slash_parts(words: list[Word]) -> list[tuple[str, float, float]]:
    """Given a phrase's words, return its parts between `` / `` words as ``(text, x0, x1)``
    (``Top-1 / Top-5`` -> ``Top-1``, ``Top-5``); a single part when there is no slash."""
    parts: list[list[Word]] = [[]]
    for w in words:
        if w.text == "/":
            parts.append([])
        else:
            parts[-1].append(w)
    return [(" ".join(w.text for w in p), p[0].bbox[0], p[-1].bbox[2]) for p in parts if p]


def split_spanning_phrases(line: Line, phrases: list[tuple[str, float, float]],
                           cols: list[Column]) -> list[tuple[str, float, float]]:
    """Given a header line, its phrases and the table's columns, return the phrases with each one
    that spans as many columns (three or more) as it has words split into its words (tightly set
    titles read as one phrase: ``Params Mult-Adds Top-1`` over three columns is three titles, one
    per column). Two-word phrases over two columns stay whole unless both words are column titles
    on their own (``GFLOPs top-1``): they are usually one group label
    (``Single Model`` over ``EM F1``), and so do phrases with a comma or colon, which are running
    words (``Avg. Precision, IoU:`` over ``0.5:0.95 0.5 0.75``)."""
    out: list[tuple[str, float, float]] = []
    for t, a, b in phrases:
        over = [c for c in cols if a <= c.x1 + 2 and b >= c.x0 - 2]
        words = [w for w in line.words if w.bbox[0] >= a - 0.5 and w.bbox[2] <= b + 0.5]
        parts = _slash_parts(words)
        if len(over) >= 2 and len(parts) == len(over):
            out.extend(parts)  # "Top-1 / Top-5" over the two columns of "70.1 / 89.7"
            continue
        titled: list[list] = []  # words, a bracketed unit kept with the word before it ("Throughput (img/s)")
        for w in words:
            if titled and re.fullmatch(r"\([^()]{1,10}\)", w.text):
                titled[-1][0] += " " + w.text
                titled[-1][2] = w.bbox[2]
            else:
                titled.append([w.text, w.bbox[0], w.bbox[2]])
        if (len(over) >= 2 and len(titled) == len(over) and " ".join(w.text for w in words) == t
                and not re.search(r"[,:;]", t)  # "Avg. Precision, IoU:" is one group label
                and (len(over) >= 3 or all(_TITLE_WORD_RE.match(x[0]) for x in titled))):
            out.extend((x[0], x[1], x[2]) for x in titled)
        else:
            out.append((t, a, b))
    return out


def _group_spans(phrases: list[tuple[str, float, float]], cols: list[Column]):
    """Given a header line's phrases and the table's columns, return a function column -> group
    label when the line is a row of group labels (``original  re-implementation  SENet`` over
    ``top-1 top-5 | top-1 top-5 GFLOPs | top-1 top-5 GFLOPs``): at least two phrases over the
    numeric columns, each over a column, at most half as many phrases as columns. A group label
    sits over the columns it spans, so a column takes the label of its stretch: the boundaries
    are the middles of the gaps between neighbouring labels. None when the line is not such a row. Only the first header line is tried (a lower line
    with few phrases is the second line of some column titles: ``Million`` / ``Parameters``)."""
    over = [(t, a, b) for t, a, b in phrases if b >= cols[0].x0 - 2]
    if len(over) < 2 or 2 * len(over) > len(cols):
        return None
    if not all(any(a <= c.x1 + 2 and b >= c.x0 - 2 for c in cols) for _t, a, b in over):
        return None

    over.sort(key=lambda p: p[1])
    bounds = [(over[i][2] + over[i + 1][1]) / 2 for i in range(len(over) - 1)]

    def label(col: Column) -> str:
        xc = (col.x0 + col.x1) / 2
        return over[sum(1 for x in bounds if xc > x)][0]

    return label


def _caption_block(layout: PageLayout, idx: int) -> tuple[str, set[int]]:
    """Given the index of a ``Table N`` line, return the caption text with its continuation lines
    (up to six single-phrase lines closer than 6 pt) and their indexes."""
    lines = layout.lines
    parts = [lines[idx].text]
    used = {idx}
    y = lines[idx].bbox[3]
    for k in range(idx + 1, min(idx + 7, len(lines))):
        ln = lines[k]
        b = ln.bbox
        if b[1] - y > 6 or b[1] < y - 20 or _is_row(ln) or len(_phrases(ln, 1.0)) > 1 or CAPTION_RE.match(ln.text):
            break
        parts.append(ln.text)
        used.add(k)
        y = b[3]
    return " ".join(parts), used


def _is_column_titles(line: Line) -> bool:
    """Given a line, return True when it reads as a table's column titles: three or more phrases set
    apart, not prose (``Method  GFLOPs  AP  AP50  AP75``)."""
    phrases = _phrases(line)
    return (len(phrases) >= 3 and all(len(p[0].split()) <= 3 for p in phrases) and not _is_prose(line)
            and not CAPTION_RE.match(line.text) and not line.text.rstrip().endswith("."))


def _sides(layout: PageLayout, idx: int, used: set[int]) -> tuple[list[float], list[float]]:
    """Given a caption block, return the gaps (PDF points, at most 60) to the table lines around it,
    under it horizontally: data rows ending above it, and data rows or column titles starting
    below it."""
    lines = layout.lines
    top = lines[idx].bbox[1]
    bottom = max(lines[k].bbox[3] for k in used)
    x0 = min(lines[k].bbox[0] for k in used)
    x1 = max(lines[k].bbox[2] for k in used)
    near = [ln for k, ln in enumerate(lines) if k not in used and ln.bbox[0] < x1 and ln.bbox[2] > x0]
    above = [top - ln.bbox[3] for ln in near if -2 <= top - ln.bbox[3] <= 60 and ln.bbox[1] < top and _is_row(ln)
             and not is_page_head(layout, ln)]  # "Corvid: Gated Stripe Mixing 3": a page's head
    below = [ln.bbox[1] - bottom for ln in near
             if -2 <= ln.bbox[1] - bottom <= 60 and (_is_row(ln) or _is_column_titles(ln))]
    return above, below


def _claimed(layout: PageLayout, idx: int, used: set[int], below: bool) -> bool:
    """Given a caption block between two tables, return True when the table on the given side
    (below it when ``below``) belongs to another caption: the next ``Table N`` caption on that side,
    over the same columns, has table lines only towards this caption (a caption under its table, for
    the side below; over its table, for the side above)."""
    lines = layout.lines
    top = lines[idx].bbox[1]
    bottom = max(lines[k].bbox[3] for k in used)
    x0 = min(lines[k].bbox[0] for k in used)
    x1 = max(lines[k].bbox[2] for k in used)
    others = [(k, ln) for k, ln in enumerate(lines) if k not in used and CAPTION_RE.match(ln.text)
              and ln.bbox[0] < x1 and ln.bbox[2] > x0 and (ln.bbox[1] > bottom if below else ln.bbox[3] < top)]
    if not others:
        return False
    k, _ln = min(others, key=lambda kl: kl[1].bbox[1]) if below else max(others, key=lambda kl: kl[1].bbox[1])
    above_k, below_k = _sides(layout, k, _caption_block(layout, k)[1])
    return bool(above_k) and not below_k if below else bool(below_k) and not above_k


def _table_is_below(layout: PageLayout, idx: int, used: set[int]) -> bool:
    """Given a caption block, return True when its table is below it. With table lines on one side
    only, that side. With both (a caption between two tables): the side whose table no other
    caption claims (:func:`_claimed`: ``Table 1`` over its table, then ``Table 2`` between that
    table and the next, is over the next one); IEEE style (``TABLE II``) sets captions above; else
    the nearer side, counting only data rows below (LaTeX leaves about as much room under a table
    as between floats, so column titles below would win too often)."""
    above, below = _sides(layout, idx, used)
    if not below:
        return False
    if not above:
        return True
    if layout.lines[idx].text.lstrip().startswith("TABLE"):
        return True
    taken_below, taken_above = _claimed(layout, idx, used, True), _claimed(layout, idx, used, False)
    if taken_below != taken_above:
        return taken_above
    lines = layout.lines
    bottom = max(lines[k].bbox[3] for k in used)
    rows_below = [g for g in below if any(_is_row(ln) and abs(ln.bbox[1] - bottom - g) < 0.01 for ln in lines)]
    return bool(rows_below) and min(rows_below) < min(above)


def caption_lines(layout: PageLayout, region: Box) -> tuple[str, set[int]]:
    """Given a table region, return the nearest ``Table N`` caption block (see :func:`_caption_block`)
    above it (within 150 pt of the block's last line) or below it (within 60 pt, unless that caption
    heads a table of its own below), overlapping it horizontally, and its line indexes;
    ``("", set())`` if none."""
    best: tuple[float, str, set[int]] | None = None
    lines = layout.lines
    for idx, ln in enumerate(lines):
        if not (CAPTION_RE.match(ln.text) or SUBCAPTION_RE.match(ln.text)):
            continue
        b = ln.bbox
        if b[2] < region[0] or b[0] > region[2]:
            continue
        text, used = _caption_block(layout, idx)
        if b[3] <= region[1] + 2:
            cap_bottom = max(lines[k].bbox[3] for k in used)
            # the table starts at its column titles: "Method Backbone COCO val2017 COCO test-dev"
            titles = [ln.bbox[1] for k, ln in enumerate(lines) if k not in used and max(cap_bottom - 2, region[1] - 40) <= ln.bbox[1]
                      and ln.bbox[3] <= region[1] + 1 and ln.bbox[0] < region[2] and ln.bbox[2] > region[0]
                      and _is_column_titles(ln)]
            dist = min(titles, default=region[1]) - cap_bottom
            if dist > 150 or dist < -2 or not _table_is_below(layout, idx, used):
                continue
        elif b[1] >= region[3] - 2:
            dist = b[1] - region[3]
            if dist > 60 or _table_is_below(layout, idx, used):
                continue
        else:
            continue
        if best is None or dist < best[0]:
            best = (dist, text, used)
    if best is None:
        return "", set()
    text, used = best[1], best[2]
    if SUBCAPTION_RE.match(text):
        # a sub-table: its caption is "(a) ...", the table number's caption says the rest
        mains = [(abs(ln.bbox[1] - region[1]), k) for k, ln in enumerate(lines) if CAPTION_RE.match(ln.text)]
        if mains:
            main_text, main_used = _caption_block(layout, min(mains)[1])
            # "Table 1: (b) Ablations on the SQuAD dev set. (1a) The performance of ...": the
            # sub-table's own subject first, where a caption's first sentence is read from
            label = CAPTION_RE.match(main_text)
            head = label.group(0).strip() if label else ""
            sub = text.rstrip(" .") + "."
            text, used = f"{head} {sub} {main_text[label.end():].strip() if label else main_text}".strip(), used | main_used
    return text, used


FIGURE_CAPTION_RE = re.compile(r"^\s*(?:Figure|FIGURE|Fig\.)\s*\d+\s*[:.|]")


def _all_caption_lines(layout: PageLayout) -> set[int]:
    """Given a page, return the indexes of every caption line and its continuation lines: table
    captions and figure captions (``Figure 4. ... Left: plain networks of 18 and 34 layers``
    above a table is never its column titles)."""
    cached = layout.__dict__.get("_caption_lines")
    if cached is not None:
        return cached
    out: set[int] = set()
    for idx, ln in enumerate(layout.lines):
        if CAPTION_RE.match(ln.text) or FIGURE_CAPTION_RE.match(ln.text):
            out |= _caption_block(layout, idx)[1]
    layout.__dict__["_caption_lines"] = out
    return out


def caption_spans(layout: PageLayout) -> list[tuple[int, int, str]]:
    """Given a page, return ``(start, end, number)`` for each table caption block: the offsets
    of its text in the page text (:attr:`PageLayout.text`) and the table number (``"2"`` for
    ``Table 2: ... The models are trained for 12 epochs.``)."""
    out: list[tuple[int, int, str]] = []
    for idx, ln in enumerate(layout.lines):
        m = _TABLE_NUMBER_RE.match(ln.text)
        if not m:
            continue
        block = [layout.lines[k] for k in _caption_block(layout, idx)[1] if layout.lines[k].words]
        if block:
            out.append((min(b.words[0].start for b in block), max(b.words[-1].end for b in block), m.group(1)))
    return out


_TABLE_NUMBER_RE = re.compile(r"^\s*(?:Table|TABLE|Tab\.)\s*(\d+)\s*[:.|]")


def find_caption(layout: PageLayout, region: Box) -> str:
    """Given a table region, return its caption text (see :func:`caption_lines`)."""
    return caption_lines(layout, region)[0]


def column_titles(layout: PageLayout, table: Table, reach: float = 300.0) -> list[str] | None:
    """Given a table, return one title per numeric column from the nearest line above (within
    ``reach`` points) whose phrases sit one over each column (e.g. ``18-layer 34-layer ...`` over a
    ``FLOPs`` row), or None when no such line exists."""
    if table.bbox is None:
        return None
    top = min(r.bbox[1] for r in table.rows)
    cands = [ln for ln in layout.lines if ln.bbox[3] <= top + 1 and top - ln.bbox[3] <= reach]
    cands.sort(key=lambda ln: -ln.bbox[3])
    for ln in cands:
        phrases = _phrases(ln)
        titles: list[str] = []
        for col in table.columns:
            hits = [t for t, a, b in phrases if a <= col.x1 + 3 and b >= col.x0 - 3]
            if len(hits) != 1:
                break
            titles.append(hits[0])
        if len(titles) == len(table.columns) and len(set(titles)) == len(titles):
            return titles
    return None
