"""The chip table (``extract/data/chips.csv``): peak FLOP/s of training chips and their aliases.

Columns: ``chip_key, vendor, model, aliases, kind, peak_fp32_flops_per_s, peak_fp16_flops_per_s,
chips_per_board_note, source_url, source_note``. ``aliases`` is a ``|``-separated regular
expression matched case-insensitively against text. Peak values are FP32 FLOP/s per GPU board,
per Cloud TPU v2/v3 device (board of 4 chips) and per TPU v4 chip, as in Thompson et al. (2022);
each row cites its datasheet.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

#: Columns chips.csv must have.
CHIP_COLUMNS: tuple[str, ...] = (
    "chip_key", "vendor", "model", "aliases", "kind", "peak_fp32_flops_per_s",
    "peak_fp16_flops_per_s", "chips_per_board_note", "source_url", "source_note",
)
#: Allowed values of the ``kind`` column.
CHIP_KINDS: tuple[str, ...] = ("gpu", "tpu", "cpu")


@dataclass(frozen=True)
class Chip:
    """One row of the chip table.

    Attributes:
        key: stable id, e.g. ``"nvidia-tesla-p100"`` (the ``value_text`` of chip_model findings).
        vendor, model: names as the vendor writes them.
        aliases: compiled case-insensitive pattern that recognises the chip in text.
        kind: ``gpu``, ``tpu`` or ``cpu``.
        peak_fp32_flops_per_s: FP32 peak in FLOP/s (float64), None when the vendor publishes none.
        peak_fp16_flops_per_s: FP16/tensor peak in FLOP/s, None when not listed.
        chips_per_board_note: what one counted unit is (board, device, chip).
        source_url, source_note: where the peak comes from.
    """

    key: str
    vendor: str
    model: str
    aliases: re.Pattern[str]
    kind: str
    peak_fp32_flops_per_s: float | None
    peak_fp16_flops_per_s: float | None
    chips_per_board_note: str
    source_url: str
    source_note: str


def _opt_float(text: str) -> float | None:
    """Given a CSV cell, return it as float, or None when empty."""
    return float(text) if text.strip() else None


def parse_chips(text: str) -> tuple[Chip, ...]:
    """Given the CSV text of a chip table, return its rows as :class:`Chip` (file order).

    Raises:
        ValueError: when a column is missing, a kind is not one of :data:`CHIP_KINDS`, a key repeats,
            a row has no source, or an alias is not a valid regular expression.
    """
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CHIP_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise ValueError(f"chip table lacks columns {missing}; needs {', '.join(CHIP_COLUMNS)}")
    chips: list[Chip] = []
    seen: set[str] = set()
    for n, row in enumerate(reader, start=2):
        key = row["chip_key"].strip()
        if key in seen:
            raise ValueError(f"chip table line {n}: duplicate chip_key {key!r}")
        seen.add(key)
        if row["kind"] not in CHIP_KINDS:
            raise ValueError(f"chip table line {n}: kind {row['kind']!r}; allowed: {', '.join(CHIP_KINDS)}")
        if not row["source_url"].strip():
            raise ValueError(f"chip table line {n}: {key} has no source_url")
        try:
            pattern = re.compile(row["aliases"], re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"chip table line {n}: bad alias pattern for {key}: {exc}") from None
        chips.append(
            Chip(
                key=key, vendor=row["vendor"], model=row["model"], aliases=pattern, kind=row["kind"],
                peak_fp32_flops_per_s=_opt_float(row["peak_fp32_flops_per_s"]),
                peak_fp16_flops_per_s=_opt_float(row["peak_fp16_flops_per_s"]),
                chips_per_board_note=row["chips_per_board_note"], source_url=row["source_url"],
                source_note=row["source_note"],
            )
        )
    return tuple(chips)


@lru_cache(maxsize=4)
def load_chips(path: str | Path | None = None) -> tuple[Chip, ...]:
    """Return the chip table; ``path`` defaults to the packaged ``extract/data/chips.csv``.

    Cached per path. Raises ``OSError`` when the file cannot be read and ``ValueError`` (see
    :func:`parse_chips`) when it is malformed.
    """
    if path is None:
        text = resources.files("extract").joinpath("data/chips.csv").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return parse_chips(text)


@dataclass(frozen=True)
class ChipMention:
    """A chip named in text: the :class:`Chip` and the character span ``[start, end)`` of the match."""

    chip: Chip
    start: int
    end: int


_PLURAL_RE = re.compile(r"\b([A-Z]{1,2}\d{2,3})s\b")


def find_chips(text: str, chips: tuple[Chip, ...] | None = None) -> list[ChipMention]:
    """Given text, return the chips it names, left to right, without overlapping spans.

    Where aliases of two chips overlap, the longer match wins (``"Titan Xp"`` over ``"Titan X"``),
    then the earlier table row. A model number in the plural (``16 P100s``) is read as the chip.
    """
    table = load_chips() if chips is None else chips
    text = _PLURAL_RE.sub(r"\1 ", text)  # "P100s" -> "P100 ": same length, offsets unchanged
    cands: list[tuple[int, int, int, Chip]] = []
    for order, chip in enumerate(table):
        for m in chip.aliases.finditer(text):
            if m.end() > m.start():
                cands.append((m.start(), -(m.end() - m.start()), order, chip))
    cands.sort(key=lambda c: (c[1], c[2]))  # longest first, then table order
    taken: list[ChipMention] = []
    for start, neglen, _, chip in cands:
        end = start - neglen
        if any(start < t.end and t.start < end for t in taken):
            continue
        taken.append(ChipMention(chip, start, end))
    taken.sort(key=lambda t: t.start)
    return taken


def chip_by_key(key: str, chips: tuple[Chip, ...] | None = None) -> Chip:
    """Given a chip key, return its :class:`Chip`.

    Raises:
        KeyError: when no row has that key.
    """
    for chip in load_chips() if chips is None else chips:
        if chip.key == key:
            return chip
    raise KeyError(f"no chip {key!r} in the chip table")
