"""``extract_pdf``: one PDF in, a :class:`~extract.models.DocumentResult` out; never raises for a bad PDF.

Steps:

1. Open with pypdfium2; unreadable, empty, truncated or non-PDF files -> ``parse_error``; a
   password -> ``encrypted``; more pages than ``settings.max_pages`` -> ``too_many_pages``.
2. Read every page's text layer (pdfium, ~400 pages/s). Too little text -> ``no_text_layer``.
3. Blank the references section. Run the sentence rules on the plain text of every page; pages
   with a hit, and pages with a ``Table`` caption and a number, get a layout pass (pdfium
   character boxes -> words, lines, tables) that gives the findings their boxes.
Why pdfium character boxes and not pdfplumber for the layout pass: pdfium reports one box per
character of its text (about 6 ms per page for all boxes), while pdfplumber's ``extract_words``
costs about 0.1 s per page here; pdfium's content-order lines also keep the two columns of a
page apart and table rows whole. The boxes follow pdfplumber's convention (points, origin
top-left) and the tests check them against pdfplumber's own word boxes;
:mod:`extract.preview` draws findings on a page with pdfplumber. ``pages_analysed`` counts the
pages that got this layout pass.

4. pdfplumber cross-check (``settings.pdfplumber_check``): every score and ops table-cell finding is
   re-read in its box by pdfplumber's own character parser (pdfminer); a cell the two readers see
   differently is marked and its confidence halved (see :func:`cross_check`). Only pages with
   table findings are opened (about a third of the analysed pages), so it costs ~0.2 s on those.
5. Paper-level rule: when the paper defines its FLOPs as multiply-adds (``FLOPs
   (multiply-adds)``), its FLOPs values count 2 FLOP each (the contract: 1 multiply-add = 2 FLOP).
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from pathlib import Path

from extract.models import DocumentResult, Finding
from extract.settings import ExtractSettings
from extract.stamp import find_arxiv_stamp
from extract.text import blank_lines, clean_text, guess_title, reference_lines, sentence_spans
from extract.version import EXTRACTOR_VERSION

_TABLE_PAGE_RE = re.compile(r"(?:^|\n)\s*(?:Table|TABLE|Tab\.)\s*(?:\d+|[IVX]+)")
_MADD = r"(?:multiply[\s\-\ufffe\u00ad]*(?:adds?|accumulates?|add\s+operations?)|mult-adds?|MACs?|MAC\s+operations?)"
#: A paper saying its FLOPs are multiply-adds (then each is 2 FLOP).
_FLOPS_ARE_MADDS_RE = re.compile(
    r"FLOPs?\s*\(\s*(?:i\.e\.,?\s*)?(?:multiply-adds|mult-adds|multiply-accumulates?|MACs|multiply–adds)\s*\)"
    r"|FLOPs?\b(?:[^.]{0,40}?\bi\.e\.,?|,?\s+(?:(?:are|is|were|was)\s+)?(?:namely|measured as|counted as|defined as|refers?\s+to|means|denotes))\s+(?:the\s+number\s+of\s+)?"
    r"(?:multiply-adds|mult-adds|multiply-accumulates|multiply[\s\-\ufffe\u00ad]*add\s+operations|multiplication[\s\-\ufffe\u00ad]*additions?(?:\s+operations)?)"
    # "counting one multiply-accumulate as one FLOP", "one FLOP corresponds to one multiply-add"
    rf"|(?:one|a|each)\s+{_MADD}\s+(?:as|is|counts?\s+as|counted\s+as|equals)\s+(?:one|a|1)\s+FLOP\b"
    rf"|(?:one|a|each)\s+FLOP\s+(?:is|as|corresponds\s+to|equals|means)\s+(?:one|a|1)\s+{_MADD}"
    # "FLOPs ... count one fused multiply-add as one operation", "FLOPs count multiply-accumulate operations"
    rf"|FLOPs?\b[^.]{{0,60}}?\bcount(?:s|ed|ing)?\s+(?:one\s+|each\s+|a\s+)?(?:fused\s+)?{_MADD}(?:\s+as\s+(?:one|a|1|single)\s+(?:operation|op|FLOP)\b|\s+operations\b|\b(?!\s+as\s+(?:two|2)))",
    re.IGNORECASE,
)


def _fail(status: str, reason: str, t0: float, pages: int = 0) -> DocumentResult:
    return DocumentResult(status=status, reason=reason, pages=pages, seconds=time.perf_counter() - t0)


def _page_text_and_boxes(textpage) -> tuple[str, list[tuple[float, float, float, float]]]:
    """Given a pdfium text page, return its text and one box per character (aligned)."""
    import pypdfium2.raw as pdfium_c

    n = textpage.count_chars()
    text = textpage.get_text_range()
    if len(text) != n:
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage, i) or 32) for i in range(n))
    return text, [textpage.get_charbox(i) for i in range(n)]


def extract_pdf(path: str | Path, settings: ExtractSettings | None = None) -> DocumentResult:
    """Given a PDF path, return what extraction made of it (status, findings with provenance).

    Never raises for a bad PDF: unreadable input gives status ``parse_error`` (missing, 0-byte,
    non-PDF, truncated), ``encrypted``, ``no_text_layer`` or ``too_many_pages``, with a ``reason``.
    Raises ``TypeError`` only when ``settings`` is not an :class:`ExtractSettings`.
    """
    import pypdfium2 as pdfium

    from extract.chips import load_chips
    from extract.complexity import table_complexity
    from extract.layout import build_layout
    from extract.scores import sentence_scores, table_scores
    from extract.sentences import sentence_findings
    from extract.tables import find_tables

    t0 = time.perf_counter()
    settings = ExtractSettings() if settings is None else settings
    if not isinstance(settings, ExtractSettings):
        raise TypeError(f"settings must be an ExtractSettings, got {type(settings).__name__}")
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        return _fail("parse_error", f"cannot read {p}: {exc.strerror or exc}", t0)
    if size == 0:
        return _fail("parse_error", f"{p.name} is empty (0 bytes)", t0)
    try:
        with p.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        return _fail("parse_error", f"cannot read {p}: {exc}", t0)
    if b"%PDF" not in head:
        return _fail("parse_error", f"{p.name} is not a PDF (no %PDF header in the first 1 KiB)", t0)
    try:
        pdf = pdfium.PdfDocument(str(p))
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            return _fail("encrypted", f"{p.name} is encrypted: {msg}", t0)
        return _fail("parse_error", f"pdfium cannot open {p.name}: {msg}", t0)
    except Exception as exc:  # noqa: BLE001 - any parser failure is a parse_error, by contract
        return _fail("parse_error", f"pdfium cannot open {p.name}: {type(exc).__name__}: {exc}", t0)
    try:
        return _extract_open(pdf, p, settings, t0, load_chips(), build_layout, find_tables,
                             table_scores, table_complexity, sentence_scores, sentence_findings)
    except Exception as exc:  # noqa: BLE001 - a damaged page tree surfaces late; still no raise
        return _fail("parse_error", f"failed while reading {p.name}: {type(exc).__name__}: {exc}", t0)
    finally:
        pdf.close()


def page_texts(pdf) -> tuple[list[str], list[int]]:
    """Given an open ``pypdfium2.PdfDocument``, return each page's cleaned text layer
    (:func:`extract.text.clean_text`; one str per page) and the 1-based numbers of pages that
    could not be read (their text is ""): one broken page does not sink the paper."""
    texts: list[str] = []
    bad_pages: list[int] = []
    for i in range(len(pdf)):
        try:
            page = pdf[i]
            tp = page.get_textpage()
            texts.append(clean_text(tp.get_text_range()))
            tp.close()
            page.close()
        except Exception:  # noqa: BLE001 - recorded in bad_pages
            texts.append("")
            bad_pages.append(i + 1)
    return texts, bad_pages


def _extract_open(pdf, p: Path, settings: ExtractSettings, t0: float, chips, build_layout, find_tables,
                  table_scores, table_complexity, sentence_scores, sentence_findings) -> DocumentResult:
    n_pages = len(pdf)
    if n_pages > settings.max_pages:
        return _fail("too_many_pages", f"{n_pages} pages > max_pages={settings.max_pages}", t0, n_pages)
    if n_pages == 0:
        return _fail("parse_error", f"{p.name} has no pages", t0)
    texts, bad_pages = page_texts(pdf)
    chars = sum(len(t) - t.count(" ") - t.count("\n") for t in texts)
    if chars < settings.min_text_chars:
        return _fail("no_text_layer", f"only {chars} characters of text in {n_pages} pages (scanned or image-only PDF?)", t0, n_pages)
    stamp = find_arxiv_stamp(texts[0])
    result = DocumentResult(status="ok", pages=n_pages, title=guess_title(texts[0]),
                            arxiv_stamp=f"{stamp[0]}{stamp[1] or ''}" if stamp else None)
    from extract.scores import paper_benchmarks
    from extract.sentences import last_dataset

    refs = reference_lines(texts)
    bodies = [blank_lines(raw, refs[i]) for i, raw in enumerate(texts)]
    benchmarks = paper_benchmarks("\n".join(bodies))
    from extract.observations import title_model_name

    own_name = title_model_name(result.title)
    findings: list[Finding] = []
    section: str | None = None  # the section heading in effect at the end of the previous page
    # per page: the heading in effect at its end, and the dataset named since its last heading
    page_end: list[tuple[str | None, str | None]] = []
    for i, text in enumerate(bodies):
        flat = text.replace("\n", " ")
        wants_table = settings.tables and bool(_TABLE_PAGE_RE.search(text))
        wants_sent = False
        if settings.sentences:
            spans = sentence_spans(flat)
            wants_sent = bool(sentence_findings(flat, spans, None, i + 1, chips) or sentence_scores(flat, spans, None, i + 1, own_name=own_name))
        if not (wants_table or wants_sent):
            section = next((ln for ln in reversed(text.split("\n")) if is_heading(ln)), section)
            page_end.append((section, None))
            continue
        page = pdf[i]
        tp = page.get_textpage()
        raw_text, boxes = _page_text_and_boxes(tp)
        w, h = page.get_size()
        tp.close()
        page.close()
        layout = build_layout(i + 1, raw_text, boxes, w, h)
        layout.text = blank_lines(layout.text, refs[i]) if refs[i] else layout.text
        if refs[i]:
            layout.lines = [ln for ln in layout.lines if ln.words and layout.text[ln.words[0].start] != " "]
        result.pages_analysed += 1
        heads = [(ln.words[0].start, ln.text) for ln in layout.lines if is_heading(ln.text)]
        if wants_sent:
            lflat = layout.flat
            lspans = sentence_spans(lflat)
            stated = sentence_findings(lflat, lspans, layout, i + 1, chips)
            scope_by_section(stated, heads, section, lflat)
            findings.extend(stated)
            findings.extend(sentence_scores(lflat, lspans, layout, i + 1, own_name=own_name))
        section = heads[-1][1] if heads else section
        page_end.append((section, last_dataset(layout.flat[heads[-1][0]:]) if heads else None))
        if wants_table:
            for table in find_tables(layout):
                findings.extend(table_scores(table, benchmarks=benchmarks))
                findings.extend(table_complexity(table, layout))
    if settings.sentences:
        seams = seam_findings(bodies, chips, sentence_findings)
        for f in seams:  # a sentence broken by a page break belongs to the section its first page ends in
            head, named = page_end[f.page - 1] if f.page - 1 < len(page_end) else (None, None)
            scope_by_section([f], [], head)
            if "dataset" not in f.context and named:
                f.context["dataset"], f.context["dataset_named"] = named, False
                f.context["dataset_from"] = "its section's text"
        findings.extend(seams)
        scope_by_table_refs(findings, bodies)
    if settings.pdfplumber_check:
        findings = cross_check(p, findings)
    if any(_FLOPS_ARE_MADDS_RE.search(t) for t in texts):
        findings = [_as_madds(f) for f in findings]
    findings = [f for f in _dedupe(findings) if f.confidence >= settings.min_confidence]
    findings.sort(key=lambda f: (f.page, f.bbox[1] if f.bbox else 0.0, f.bbox[0] if f.bbox else 0.0))
    result.findings = findings
    if not findings:
        result.status = "no_findings"
        result.reason = f"no recognised statement in {n_pages} pages ({result.pages_analysed} analysed)"
    if bad_pages:
        result.reason = (result.reason + "; " if result.reason else "") + f"unreadable pages skipped: {bad_pages}"
    result.seconds = time.perf_counter() - t0
    return result


#: Kinds whose table cells pdfplumber re-reads (the fields the accuracy targets cover; pages
#: holding only parameter columns are not opened, which keeps the check to ~0.3 s x 47 pages).
CHECKED_KINDS = frozenset({"score", "ops_per_forward_pass"})
_CHECK_STRIP = " \n\t" + "†‡*§¶∗⋆☆♠♣♦♥#⋄◦•"


def _norm_cell(text: str) -> str:
    """Given a cell's text, return what both readers must agree on: letters, digits, ``.``, ``%``
    and ``-`` in order (spaces, markers, separators and the ``×``/``^`` of a power of ten, which
    pdfplumber orders differently around a raised exponent, left out)."""
    t = text.replace("−", "-")
    return "".join(ch for ch in t if (ch.isalnum() or ch in ".%-") and ch not in "x×")


def cross_check(path: Path, findings: list[Finding]) -> list[Finding]:
    """Given the PDF path and its findings, return them with every score and ops table-cell finding
    re-read by pdfplumber: the characters pdfplumber's own parser (pdfminer) places with their centre
    inside the finding's box (padded 0.5 pt) is compared with ``context["cell_text"]`` as a multiset of characters (spaces,
    markers and thousands separators ignored; a raised exponent reads out of order). Agreement: confidence + 0.05 (at most 0.95); disagreement: confidence halved (so the
    assembly, which uses findings of confidence >= 0.5, leaves it out); either way
    ``context["pdfplumber_check"]`` says what was found. Pages are opened once each; if pdfplumber
    cannot read the file the findings are returned unchanged (``pdfplumber_check`` absent)."""
    todo = [i for i, f in enumerate(findings) if f.method == "table_cell" and f.bbox is not None
            and f.kind in CHECKED_KINDS and f.context.get("cell_text")]
    if not todo:
        return findings
    try:
        import pdfplumber

        out = list(findings)
        with pdfplumber.open(str(path)) as pdf:
            by_page: dict[int, list[int]] = {}
            for i in todo:
                by_page.setdefault(findings[i].page, []).append(i)
            for page_no, idxs in by_page.items():
                page = pdf.pages[page_no - 1]
                W, H = float(page.width), float(page.height)
                chars = sorted(page.chars, key=lambda c: (round(c["top"]), c["x0"]))
                for i in idxs:
                    f = findings[i]
                    x0, top, x1, bottom = f.bbox
                    box = (max(0.0, x0 - 0.5), max(0.0, top - 0.5), min(W, x1 + 0.5), min(H, bottom + 0.5))
                    if box[2] <= box[0] or box[3] <= box[1]:
                        continue
                    # pdfplumber's char boxes span the font's ascent/descent, pdfium's the glyph:
                    # a character belongs to the cell when its centre lies in the padded box
                    seen = "".join(c["text"] for c in chars
                                   if box[0] <= (c["x0"] + c["x1"]) / 2 <= box[2]
                                   and box[1] - 1.0 <= (c["top"] + c["bottom"]) / 2 <= box[3] + 1.0)
                    # as multisets: a raised exponent sorts before its base in reading order
                    agree = sorted(_norm_cell(seen)) == sorted(_norm_cell(str(f.context["cell_text"])))
                    ctx = dict(f.context, pdfplumber_check="agree" if agree else f"disagree: {seen[:40]!r}")
                    conf = min(0.95, f.confidence + 0.05) if agree else f.confidence * 0.5
                    out[i] = replace(f, confidence=round(conf, 3), context=ctx)
                page.close()
        return out
    except Exception:  # noqa: BLE001 - the check is optional; the pdfium reading stands
        return findings


def _as_madds(f: Finding) -> Finding:
    """Given a finding, return it doubled to FLOP if it is an ops value written as FLOPs in a paper
    that defines FLOPs as multiply-adds."""
    if f.kind != "ops_per_forward_pass" or f.reported_as not in ("FLOPs", "GFLOPs", "MFLOPs"):
        return f
    ctx = dict(f.context, paper_defines_flops_as="multiply-adds", value_as_written=f.value)
    return replace(f, value=f.value * 2.0, reported_as="multiply-adds (paper's FLOPs)", context=ctx)


_CONTINUATION_RE = re.compile(r"^[a-z][a-z0-9\-]*\s")  # "for 100 epochs ...", "v3 chips. ..."


def _continues(line: str) -> bool:
    """Given a line, return True when it reads as the middle of a sentence: a lower-case word
    first, then at least three more words of two letters or more (``for 100 epochs from scratch``,
    not ``f c, [16, 256]``)."""
    return bool(_CONTINUATION_RE.match(line)) and sum(1 for w in line.split()[1:] if re.search(r"[A-Za-z]{2}", w)) >= 3


_TERMINATED_RE = re.compile(r"[.!?:;)\]]\s*$")


def seam_findings(bodies: list[str], chips, sentence_findings, max_tail: int = 300,
                  candidates: int = 8) -> list[Finding]:
    """Given the pages' body texts (line breaks kept), return the findings of sentences broken by a
    page break: "All models are trained" ending page 4 and "for 100 epochs from scratch, ..." on
    page 5 below a table and its caption. A page's tail (the text after its last sentence end, at
    most ``max_tail`` characters, three or more words, no closing punctuation) is joined to each of
    the next page's first ``candidates`` lines that start with a lower-case word followed by three
    or more words (a sentence's middle: a caption's second line may be one too), up to that
    line's sentence end. Kept: findings of the joined sentence that neither part yields alone and
    whose matched words reach past the join (``trained`` + ``for 100 epochs``), from the first
    candidate that yields any; page = the page the sentence starts on, no bbox (the quote spans
    two pages), ``context["seam"] = True``."""
    from extract.sentences import dataset_context

    out: list[Finding] = []
    for i in range(len(bodies) - 1):
        lines = bodies[i].rstrip().split("\n")
        while lines and re.fullmatch(r"\s*\d{1,3}\s*", lines[-1]):
            lines.pop()  # the page number
        flat = " ".join(lines).rstrip()
        ends = list(re.finditer(r"[.!?]\s+(?=[A-Z(\[\d])", flat))
        tail = flat[ends[-1].end():].strip() if ends else ""
        if (not tail or len(tail) > max_tail or len(tail.split()) < 3 or _TERMINATED_RE.search(tail)
                or re.match(r"\d+[A-Z]", tail)):  # "5We used ...": a footnote, not the body's last line
            continue
        nxt = bodies[i + 1]
        offsets, pos = [], 0
        for line in nxt.split("\n"):
            if _continues(line.strip()):
                offsets.append(pos + len(line) - len(line.lstrip()))
            pos += len(line) + 1
            if len(offsets) >= candidates:
                break
        for off in offsets:
            rest = nxt[off:off + 1200].replace("\n", " ")
            rspans = sentence_spans(rest)
            cont = rest[:rspans[0][1]] if rspans else rest
            seam = f"{tail} {cont.strip()}"
            alone = {(f.kind, f.value, f.value_text) for part in (tail, cont)
                     for f in sentence_findings(part, [(0, len(part))], None, i + 1, chips)}
            new = [f for f in sentence_findings(seam, [(0, len(seam))], None, i + 1, chips)
                   if (f.kind, f.value, f.value_text) not in alone and _past(seam, f, len(tail))]
            if new:
                whole = f"{flat} {cont.strip()}"  # the dataset named before the sentence, on its first page
                ds = dataset_context(whole, len(flat) - len(tail), len(whole))
                for f in new:
                    f.context["seam"] = True
                    if ds:
                        f.context["dataset"], f.context["dataset_named"] = ds
                out.extend(new)
                break
    return out


_HEADING_RE = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2}){0,2}\.?|[A-H](?:\.\d{1,2})?\.?)\s+([A-Z][^.!?:;]{3,80})$")


def is_heading(line: str) -> bool:
    """Given a line of text, return True when it reads as a numbered section heading (``4.2. Image
    Classification in ImageNet-1K``, ``C CIFAR-10 Experiments``): a section number, then a
    capitalised title of one to twelve words without sentence punctuation, commas or numbers of
    its own, not ending on a word a sentence goes on from (footnotes start with a number too)."""
    m = _HEADING_RE.match(line)
    if not m:
        return False
    words = m.group(1).split()
    if "," in m.group(1) or words[-1].lower() in _RUNS_ON_WORDS:
        return False  # a footnote ("7 For example, the BERT SQuAD model can be trained in")
    return 1 <= len(words) <= 12 and not any(re.fullmatch(r"[\d.,%×x]+", w) for w in words) \
        and any(len(w) >= 4 for w in words)


_RUNS_ON_WORDS = frozenset({"a", "an", "the", "of", "in", "on", "to", "for", "with", "by", "and", "or", "be", "is", "are", "that", "we"})


def scope_by_section(findings: list[Finding], heads: list[tuple[int, str]], carried: str | None,
                     flat: str | None = None, reach: int = 3000) -> None:
    """Given one page's sentence findings, its section headings ``(offset in the page text,
    heading)`` and the heading in effect from earlier pages, set the dataset context of each
    finding whose sentence names no dataset to the dataset its section heading names (the last
    heading before it: "We use 8 GPUs (NVIDIA V100) in training ... for 120 epochs" under "4.2.
    Image Classification in ImageNet-1K"): the heading says what the section's runs are for,
    more surely than a dataset named somewhere in the text before. Under a heading that names
    none ("5. Implementation"), a finding with no dataset context takes the last dataset named
    between the heading and it, on the page ``flat`` (at most ``reach`` characters back: "During
    training on ImageNet, we follow standard practice ..."). ``context["dataset_from"]`` records
    which."""
    from extract.sentences import last_dataset, table_dataset

    for f in findings:
        if f.context.get("dataset_named"):
            continue
        off = f.context.get("offset")
        head = next((h for start, h in reversed(heads) if isinstance(off, int) and start <= off), carried)
        ds = table_dataset(head) if head else None
        if ds:
            f.context["dataset"], f.context["dataset_named"] = ds, False
            f.context["dataset_from"] = f"section heading {head.strip()[:80]!r}"
        elif flat is not None and "dataset" not in f.context and isinstance(off, int):
            start = max((a for a, _h in heads if a <= off), default=None)
            if start is not None and off - start <= reach:
                ds = last_dataset(flat[start:off])
                if ds:
                    f.context["dataset"], f.context["dataset_named"] = ds, False
                    f.context["dataset_from"] = "its section's text"


_CAPTION_START_RE = re.compile(r"(?m)^\s*Table\s+(\d{1,2})\s*[:.|]\s*(.{0,300})")


def scope_by_table_refs(findings: list[Finding], bodies: list[str]) -> None:
    """Given a paper's findings and its pages' body texts, set the dataset context of sentence
    findings whose sentence names no dataset but refers to a table (in it or in the 300
    characters before it: ``In Table 1, we compare ... Following [49], our models were trained for
    600 epochs``) to the dataset that table's caption names (``... on the CIFAR-10 (C-10) and
    CIFAR-100 (C100) datasets``): the statement is about that table's runs. The caption's dataset
    replaces one merely named somewhere before the sentence; ``context["dataset_from"]`` says so."""
    from extract.sentences import table_dataset

    captions: dict[str, str] = {}
    for text in bodies:
        for m in _CAPTION_START_RE.finditer(text):
            captions.setdefault(m.group(1), m.group(2))
    for f in findings:
        ref = f.context.get("table_ref")
        if f.method != "sentence" or not ref or f.context.get("dataset_named") or ref not in captions:
            continue
        ds = table_dataset(captions[ref])
        if ds:
            f.context["dataset"], f.context["dataset_named"] = ds, False
            f.context["dataset_from"] = f"Table {ref} caption"


def _past(text: str, f: Finding, join: int) -> bool:
    """Given a joined sentence, one of its findings and the join's offset, return True when the
    finding's matched words (``context["match"]``) end after the join."""
    match = f.context.get("match")
    at = text.find(match) if match else -1
    return at >= 0 and at + len(match) > join


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Given findings, return them without repeats of the same kind/value/page/box/benchmark/label."""
    seen: set[tuple] = set()
    out: list[Finding] = []
    for f in findings:
        key = (f.kind, f.value, f.value_text, f.page, f.bbox, f.benchmark, f.metric, f.model_label)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out


__all__ = ["extract_pdf", "EXTRACTOR_VERSION"]
