"""Page layout from pdfium's text layer: cleaned text with character boxes, words and lines.

pdfium reports one box per character of its page text (generated spaces and line breaks
included), so every character offset of the cleaned text maps back to a box. Boxes here are
``(x0, top, x1, bottom)`` in PDF points, origin top-left (pdfium's bottom-left boxes are flipped
with the page height), the same convention as pdfplumber and :class:`extract.models.Finding`.

A power of ten whose exponent is typeset as a superscript (``1.8×10⁹`` with a raised ``9``) reads
``1.8×10^9`` in the cleaned text, so it cannot be misread as ``1.8×109``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from extract.text import CHAR_MAP

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Word:
    """A run of non-space characters: ``text``, its ``bbox`` and ``start``/``end`` offsets in the
    cleaned page text."""

    text: str
    bbox: Box
    start: int
    end: int


@dataclass
class Line:
    """A text line as pdfium ends it (content order), rejoined where it broke one printed line
    (:func:`join_split_lines`): its words, left to right as read."""

    words: list[Word] = field(default_factory=list)

    @cached_property
    def text(self) -> str:
        """The words joined by single spaces (computed once: read it after the line is built)."""
        return " ".join(w.text for w in self.words)

    @cached_property
    def bbox(self) -> Box:
        """Union of the word boxes (computed once: read it after the line is built)."""
        return union_boxes([w.bbox for w in self.words])


def union_boxes(boxes: list[Box]) -> Box:
    """Given boxes ``(x0, top, x1, bottom)``, return the smallest box holding them all.

    Raises:
        ValueError: for an empty list.
    """
    if not boxes:
        raise ValueError("union of no boxes")
    return (
        min(b[0] for b in boxes), min(b[1] for b in boxes),
        max(b[2] for b in boxes), max(b[3] for b in boxes),
    )


@dataclass
class PageLayout:
    """Cleaned text of one page with a box per character.

    Attributes:
        page: 1-based page number.
        text: cleaned text (ligatures expanded, ``\\n`` line breaks, ``^`` before raised exponents).
        boxes: one box per character of ``text`` (None for generated characters without extent).
        words, lines: the text cut into words and pdfium lines.
        width, height: page size in points.
    """

    page: int
    text: str
    boxes: list[Box | None]
    words: list[Word]
    lines: list[Line]
    width: float
    height: float

    @property
    def flat(self) -> str:
        """``text`` with line breaks as spaces (same length, so offsets carry over)."""
        return self.text.replace("\n", " ")

    def bbox_of_span(self, start: int, end: int) -> Box | None:
        """Given offsets ``[start, end)`` into ``text``, return the union box of their characters,
        or None when none has a box."""
        boxes = [b for b in self.boxes[max(start, 0):end] if b is not None]
        return union_boxes(boxes) if boxes else None


def build_layout(page: int, raw_text: str, raw_boxes: list[tuple[float, float, float, float]],
                 width: float, height: float) -> PageLayout:
    """Given pdfium's page text and its per-character boxes ``(left, bottom, right, top)`` (PDF
    points, origin bottom-left; same length as the text), return the :class:`PageLayout`.

    Raises:
        ValueError: when text and boxes differ in length.
    """
    if len(raw_text) != len(raw_boxes):
        raise ValueError(f"page {page}: {len(raw_text)} characters but {len(raw_boxes)} boxes")
    chars: list[str] = []
    boxes: list[Box | None] = []
    n = len(raw_text)
    i = 0
    while i < n:
        ch = raw_text[i]
        l, b, r, t = raw_boxes[i]
        box: Box | None = (l, height - t, r, height - b) if r > l or t > b else None
        if ch == "\r":
            if i + 1 < n and raw_text[i + 1] == "\n":
                i += 1
            chars.append("\n")
            boxes.append(None)
            i += 1
            continue
        # a raised exponent after "10" (1.8×10⁹): mark it with "^"
        if (ch.isdigit() or ch == "-") and len(chars) >= 2 and chars[-2:] == ["1", "0"] and box is not None:
            prev = boxes[-1]
            before = "".join(chars[-4:-2])
            if (prev is not None and box[3] < prev[3] - 0.2 * (prev[3] - prev[1])
                    and (before[-1:] in ("×", "·", "*") or (before[-1:] == " " and before[:1] in ("×", "·", "*")))):
                chars.append("^")
                boxes.append(None)
        rep = CHAR_MAP.get(ord(ch), ch)
        if rep is None:
            rep = ""
        elif isinstance(rep, int):
            rep = chr(rep)
        for c in rep:
            chars.append(c)
            boxes.append(box if not c.isspace() else None)
        i += 1
    text = "".join(chars)
    words: list[Word] = []
    lines: list[Line] = [Line()]
    start = None
    for j, c in enumerate(text + "\n"):
        if c.isspace():
            if start is not None:
                wb = [bx for bx in boxes[start:j] if bx is not None]
                if wb:
                    w = Word(text[start:j], union_boxes(wb), start, j)
                    words.append(w)
                    lines[-1].words.append(w)
                start = None
            if c == "\n" and lines[-1].words:
                lines.append(Line())
        elif start is None:
            start = j
    if not lines[-1].words:
        lines.pop()
    return PageLayout(page, text, boxes, words, join_split_lines(lines), width, height)


def join_split_lines(lines: list[Line], max_gap: float = 40.0) -> list[Line]:
    """Given a page's lines in text order, return them with a line joined to the one before it
    when the text layer broke one printed line in two: it starts right of the previous line's end
    (at most ``max_gap`` points on) and the two overlap vertically for at least half the smaller
    height. pdfium breaks a table row at a raised footnote mark (``RetinaNet800 [28]`` /
    ``∗ trainval35k ResNet-101-FPN 39.1 ...``), which would split the label from its cells."""
    out: list[Line] = []
    for ln in lines:
        if out and out[-1].words and ln.words:
            prev = out[-1]
            a, b = prev.words[-1].bbox, ln.words[0].bbox
            top, bottom = max(prev.bbox[1], ln.bbox[1]), min(prev.bbox[3], ln.bbox[3])
            smaller = min(prev.bbox[3] - prev.bbox[1], ln.bbox[3] - ln.bbox[1])
            if a[2] - 0.5 <= b[0] <= a[2] + max_gap and smaller > 0 and bottom - top >= 0.5 * smaller:
                prev.words.extend(ln.words)
                prev.__dict__.pop("bbox", None)  # cached properties: computed again from all words
                prev.__dict__.pop("text", None)
                continue
        out.append(ln)
    return out
