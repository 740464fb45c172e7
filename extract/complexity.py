"""Model size and cost from tables: operations per forward pass and parameter counts.

A column (or a row) qualifies by its header: ``FLOPs``, ``GFLOPs``, ``Mult-Adds``, ``MAdds``,
``MACs`` for operations; ``Params``, ``#Params``, ``Parameters`` for parameters. The scale comes from
the cell (``25.6M``, ``0.39B``, ``1.8×10^9``) or the header (``FLOPs (×10^9)``, ``GFLOPs``,
``Params (M)``); a bare number under a header without a scale is skipped (precision first).
Multiply-adds count 2 FLOP. Columns about training cost, speed or throughput are skipped.
"""

from __future__ import annotations

import re

from extract.layout import PageLayout
from extract.models import Finding
from extract.scores import clean_label
from extract.tables import Table, column_cells, column_titles
from extract.version import EXTRACTOR_VERSION

_OPS_HEAD_RE = re.compile(
    r"(?<![A-Za-z])(?:[GMBT]?\s?-?FLOPs?|[GMBT]?FLOPS|(?:G|M|B)?\s?-?(?:Mult[\-\s.]*Adds?|Multi[\-\s]Adds|MAdds?|MACs|MACC?s?|Multiply[\-\s]Adds)|#\s?Ops|\bOps\b)(?![A-Za-z])",
    re.IGNORECASE,
)
_OPS_EXCLUDE_RE = re.compile(
    r"train|cost|total|/s\b|per second|speed|throughput|latency|TFLOPS|reduction|ratio|saving|%|utili"
    r"|top-?\s?\d|error|\bacc|\bAP\b|BLEU|\bF1\b|\bEM\b",  # a score header spilled over: ambiguous
    re.IGNORECASE,
)
#: Row labels of layer-by-layer architecture tables (per-layer costs are not a model's).
_LAYER_LABEL_RE = re.compile(
    r"^(?:conv(?!next)\w*|convolution|(?:max|avg|average)\s?pool\w*|pool\w*|inception\s*\(|linear|fc\b|softmax|dropout|"
    r"layer|stage|block|bottleneck|depthwise|dwise|input|output|classifier|stem)", re.IGNORECASE)
_PARAMS_HEAD_RE = re.compile(r"(?<![A-Za-z])(?:#\s?)?(?:Params?|Parameters?|Param\.|#\s?P)(?![A-Za-z])", re.IGNORECASE)
_PARAMS_EXCLUDE_RE = re.compile(
    r"ratio|reduction|saving|%|extra|additional|increase|overhead|relative|\+|Δ|vs|top-?\s?\d|error|\bacc|\bAP\b|BLEU|FLOP|MAdd|Mult",
    re.IGNORECASE,
)

#: Header scale markers -> multiplier.
_HEAD_SCALES: list[tuple[re.Pattern[str], float]] = [
    (re.compile(r"[×x]\s?10\^?(\d{1,2})"), 0.0),  # power given in the header
    (re.compile(r"\((?:in\s+)?(?:billions?|bn|B|G)\)|\bBillions?\b|\bBn\b|(?<![A-Za-z])G[-\s]?(?:FLOPs?|MACs|Mult|MAdds)|(?<![A-Za-z])B[-\s]?(?:FLOPs?|MAdds)", re.IGNORECASE), 1e9),
    (re.compile(r"\((?:in\s+)?(?:millions?|mil|M)\)|\bMillions?\b|(?<![A-Za-z])M[-\s]?(?:FLOPs?|MACs|Mult|MAdds|Params)|\(M\)", re.IGNORECASE), 1e6),
    (re.compile(r"\((?:in\s+)?(?:thousands?|K)\)", re.IGNORECASE), 1e3),
    (re.compile(r"(?<![A-Za-z])T[-\s]?FLOPs?", re.IGNORECASE), 1e12),
]


def header_scale(header: str) -> float | None:
    """Given a column header, return the multiplier it declares (``"FLOPs (×10^9)"`` -> 1e9,
    ``"GFLOPs"`` -> 1e9, ``"Bn Ops"`` -> 1e9, ``"Params (M)"`` -> 1e6), or None when it declares none."""
    for pattern, mult in _HEAD_SCALES:
        m = pattern.search(header)
        if m:
            return 10.0 ** int(m.group(1)) if mult == 0.0 else mult
    return None


def is_multiply_adds(header: str) -> bool:
    """Given a header, return True when it counts multiply-adds (``Mult-Adds``, ``MAdds``, ``MAdd``, ``MACs``)."""
    return bool(re.search(r"mult|madd|\bg?macs?\b|macc|multiply", header, re.IGNORECASE))


def usable_label(label: str) -> bool:
    """Given a cleaned row label, return True when it can name a model: not empty, not a layer of
    an architecture table (``conv1``, ``inception (3a)``), not a grid of check marks or numbers."""
    if not label or _LAYER_LABEL_RE.match(label):
        return False
    return re.search(r"[A-Za-z]{2}|[A-Za-z]-?\d", re.sub(r"\b[Xx]\b", "", label)) is not None


def _value(cell_value: float, suffix: str, scale: float | None) -> float | None:
    if suffix in ("M", "B", "G", "K", "T", "e"):
        return cell_value
    if suffix not in ("",):
        return None
    return cell_value * scale if scale is not None else None


def table_complexity(table: Table, layout: PageLayout | None = None) -> list[Finding]:
    """Given a :class:`Table` (and its page layout, used for column titles over a row-oriented
    table), return ``ops_per_forward_pass`` and ``parameters`` findings."""
    out: list[Finding] = []

    def emit(kind: str, header: str, value: float, cell, row, label: str, orient: str) -> None:
        if kind == "ops_per_forward_pass":
            madds = is_multiply_adds(header)
            flop = value * (2.0 if madds else 1.0)
            if not 1e5 <= flop <= 1e13:
                return
            rep = "multiply-adds" if madds else ("GFLOPs" if re.search(r"GFLOP", header, re.I) else "FLOPs")
            f_value, unit = flop, "FLOP"
        else:
            if not 1e3 <= value <= 2e12:
                return
            rep, f_value, unit = None, value, "count"
        f_value = float(f"{f_value:.12g}")  # 4.1 * 1e9 -> 4.1e9, not 4099999999.9999995
        out.append(Finding(
            kind=kind, value=f_value, unit=unit, page=table.page, bbox=cell.bbox, source_text=row.text,
            extractor=f"table.{'ops' if kind == 'ops_per_forward_pass' else 'params'}",
            extractor_version=EXTRACTOR_VERSION, model_label=label or None, reported_as=rep,
            method="table_cell", confidence=0.8,
            context={"caption": table.caption[:300], "column": header, "orientation": orient, "cell_text": cell.text},
        ))

    # column-oriented: a FLOPs / Params column
    for col in table.columns:
        h = col.header
        if _OPS_HEAD_RE.search(h) and not _OPS_EXCLUDE_RE.search(h) and not _PARAMS_HEAD_RE.search(h):
            kind = "ops_per_forward_pass"
        elif _PARAMS_HEAD_RE.search(h) and not _PARAMS_EXCLUDE_RE.search(h) and not _OPS_HEAD_RE.search(h):
            kind = "parameters"
        else:
            continue
        scale = header_scale(h)
        for row, cell in column_cells(table, col.index):
            label = clean_label(row.label)
            if not usable_label(label):
                continue
            v = _value(cell.value, cell.suffix, scale)
            if v is not None:
                emit(kind, h, v, cell, row, label, "column")
    # row-oriented: a row labelled FLOPs / Params, columns titled by model
    for row in table.rows:
        lab = row.label.strip()
        if len(lab) > 30:
            continue
        if _OPS_HEAD_RE.fullmatch(lab.split("(")[0].strip()) or re.fullmatch(r"(?:[GM]?FLOPs?|Mult-Adds|MAdds|MACs)\s*\(.*\)", lab, re.I):
            kind = "ops_per_forward_pass"
        elif re.fullmatch(r"#?\s?(?:Params?|Parameters?)(?:\s*\(.*\))?", lab, re.I):
            kind = "parameters"
        else:
            continue
        titles = column_titles(layout, table) if layout is not None else None
        if titles is None:
            continue
        scale = header_scale(lab)
        for cell in row.cells:
            if cell.value is None or cell.col < 0 or cell.col >= len(titles):
                continue
            v = _value(cell.value, cell.suffix, scale)
            if v is not None:
                emit(kind, lab, v, cell, row, titles[cell.col], "row")
    return out
