"""Page text: cleaning, the references section, and sentences.

Pure functions over strings (the PDF reading lives in :mod:`extract.pipeline`). Page text comes
from pdfium's text layer (``\\r\\n`` line breaks, U+FFFE where a hyphen joined a broken word).
"""

from __future__ import annotations

import re

#: Ligatures and look-alike characters, replaced before any pattern runs (str.translate table).
CHAR_MAP = str.maketrans({
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\ufffe": "", "\u00ad": "", "\u2212": "-", "\u2010": "-", "\u2011": "-", "\u00a0": " ",
    "\u2009": " ", "\u202f": " ", "\u200b": "", "\x02": "-",
})

_REF_HEAD_RE = re.compile(r"^\s*(?:\d+\.?\s*|[IVX]+\.\s*)?(?:References|REFERENCES|Bibliography|BIBLIOGRAPHY|Literature Cited)\s*$")
_REF_HEAD_ANY_RE = re.compile(_REF_HEAD_RE.pattern, re.MULTILINE)
_APPENDIX_RE = re.compile(
    r"^\s*(?:Appendix|APPENDIX|Appendices|APPENDICES|Supplementary|SUPPLEMENTARY|Supplemental|"
    r"[A-H](?:\.\d+)?\.?\s+[A-Z][A-Za-z\-]+(?:\s+[A-Za-z\-:]+){0,8})\s*$"
)


def clean_text(text: str) -> str:
    """Given raw page text, return it with ligatures expanded, soft hyphens removed and
    ``\\r\\n`` turned into ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(CHAR_MAP)


def reference_lines(pages: list[str]) -> list[set[int]]:
    """Given cleaned page texts (``\n`` line breaks), return per page the indexes of the lines
    that belong to the references section.

    The section starts at a line reading ``References`` / ``Bibliography`` (optionally numbered)
    and runs to the end of the document, or to a short appendix heading after it (``Appendix``,
    ``A Details of ...``). A table that LaTeX floated past the bibliography is not part of it: a
    ``Table N`` caption line (``TABLE II`` alone on its line in IEEE style), the lines after it up to the next reference entry (``[12] ...``,
    ``12. ...``, ``Surname, A.``) and the table above it (rows ending in numbers, short header and group
    lines such as ``Dev Test`` or ``Ours``) are left out.
    """
    out: list[set[int]] = []
    in_refs = False
    for text in pages:
        flagged: set[int] = set()
        if in_refs or _REF_HEAD_ANY_RE.search(text):
            lines = text.split("\n")
            in_float = False
            for i, line in enumerate(lines):
                if not in_refs and _REF_HEAD_RE.match(line):
                    in_refs = True
                elif in_refs and len(line) < 70 and _APPENDIX_RE.match(line) and not line.rstrip().endswith((".", ",")):
                    in_refs = False
                if in_refs and _FLOAT_CAPTION_RE.match(line):
                    in_float = True
                    j = i - 1
                    while j >= 0 and j in flagged and (_NUMBERS_END_RE.search(lines[j]) or (
                            len(lines[j].strip()) < 40 and not lines[j].rstrip().endswith((".", ","))
                            and not _REF_ENTRY_RE.match(lines[j]))):
                        flagged.discard(j)  # a table's rows and headers above its caption
                        j -= 1
                elif in_float and _REF_ENTRY_RE.match(line):
                    in_float = False
                if in_refs and not in_float:
                    flagged.add(i)
        out.append(flagged)
    return out


#: A table caption at the start of a line.
_FLOAT_CAPTION_RE = re.compile(r"^\s*(?:Table|TABLE|Tab\.)\s*(?:\d+|[IVX]+|[A-Z]\.?\d+)\s*(?:[:.|]|$)")  # "TABLE I" alone: IEEEtran
#: The start of a reference entry: "[12] K. He, ...", "12. He, K.", "He, K., Zhang, X.", "K. He, X. Zhang".
_REF_ENTRY_RE = re.compile(r"^\s*(?:\[\d{1,3}\]|\d{1,3}\.\s+[A-Z]|[A-Z][A-Za-z'\-]+,\s+[A-Z]\.|[A-Z]\.\s+[A-Z][a-z])")
#: A line ending in two numbers, as table rows do ("85.0 91.6") and reference entries do not.
_CELL = r"[\d.,%†‡*]*\d\.\d[\d%†‡*]*"  # a decimal number: "85.0", "92.3†" (not "2016." nor "770-778,")
_NUMBERS_END_RE = re.compile(rf"(?:^|\s)(?:{_CELL}\s+[\d.,%†‡*]*\d[\d%†‡*]*|[\d.,%†‡*]*\d[\d%†‡*]*\s+{_CELL})\s*$")


def blank_lines(text: str, lines: set[int]) -> str:
    """Given text and line indexes, return the text with those lines' characters replaced by
    spaces (same length, so character offsets stay valid)."""
    if not lines:
        return text
    parts = text.split("\n")
    return "\n".join(" " * len(p) if i in lines else p for i, p in enumerate(parts))


_BOUNDARY_RE = re.compile(r"[.!?][\)\]\"”’]*\s+(?=[A-Z(\[\"“•]|\d+(?:\.\d+)*\s+[A-Z][a-z])")
_NO_SPLIT_BEFORE = re.compile(
    r"(?:\b(?:e\.g|i\.e|et al|etc|Fig|Figs|Tab|Eq|Eqs|Sec|Secs|Ref|vs|cf|resp|approx|No|Vol|pp|Dr|Mr|Inc|Prof)\.|\b[A-Z]\.)$"
)


def sentence_spans(flat: str) -> list[tuple[int, int]]:
    """Given flattened page text (line breaks as spaces), return sentence spans ``(start, end)``.

    A sentence ends at ``.``, ``!`` or ``?`` followed by space and a capital, bracket or quote;
    abbreviations such as ``e.g.``, ``et al.``, ``Fig.`` and initials do not end one.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY_RE.finditer(flat):
        end = m.start() + 1
        if _NO_SPLIT_BEFORE.search(flat[max(start, end - 12):end]):
            continue
        if flat[start:end].strip():
            spans.append((start, end))
        start = m.end()
    if flat[start:].strip():
        spans.append((start, len(flat)))
    return spans


_TITLE_SKIP_RE = re.compile(
    r"arXiv:|^\s*(?:Published|Accepted|Under review|Proceedings|Preprint|This article|See discussions|"
    r"JMLR|Journal|ARTICLE IN PRESS|Vol\.|Volume|\d+\s*$|JOURNAL|Automated Knowledge|University of|"
    r"To appear|Workshop|Conference|Copyright|©|doi|DOI|https?://|Research Article|Open Access)",
    re.IGNORECASE,
)


def guess_title(page1_text: str) -> str | None:
    """Given the cleaned text of page 1, return the first line that looks like a title, or None.

    Skips arXiv stamps, venue and journal headers and bare numbers; a title broken over two lines is
    joined when the first line ends in a word that cannot end a title (``with``, ``of``, ``for`` ...).
    """
    lines = [ln.strip() for ln in page1_text.split("\n") if ln.strip()]
    for i, line in enumerate(lines[:15]):
        if _TITLE_SKIP_RE.search(line) or len(line) < 8 or "@" in line:
            continue
        title = line
        if i + 1 < len(lines) and re.search(r"\b(?:with|of|for|and|the|a|an|to|in|on|via|from|by|using|:)$|[:\-]$", title, re.IGNORECASE):
            title = f"{title} {lines[i + 1]}"
        return re.sub(r"\s+", " ", title)[:300]
    return None
