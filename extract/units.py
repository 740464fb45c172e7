"""Numbers, scales and units as papers write them.

Pure functions, no I/O. Conventions (see :mod:`extract.models`):

=====================  ===========================================================
quantity               normalised to
=====================  ===========================================================
operations             FLOP; 1 multiply-add (MAC, "Mult-Adds", "MAdds") = 2 FLOP
durations              seconds (minute 60 s, hour 3,600 s, day 86,400 s, week 7 days)
counts                 plain float (``"1.28 million"`` -> 1.28e6)
=====================  ===========================================================

Scale suffixes: ``K`` / ``k`` / thousand = 1e3, ``M`` / million = 1e6, ``G`` / ``B`` / billion = 1e9,
``T`` / trillion = 1e12 (SI prefixes; "B" as billions is the usage of e.g. EfficientNet's tables).
"""

from __future__ import annotations

import re

#: Spelled-out numbers papers use for counts ("eight GPUs", "five to six days").
WORD_NUMBERS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100,
}

#: Scale words and SI-like suffixes -> multiplier.
SCALES: dict[str, float] = {
    "k": 1e3, "thousand": 1e3,
    "m": 1e6, "mil": 1e6, "million": 1e6, "millions": 1e6,
    "g": 1e9, "b": 1e9, "bn": 1e9, "billion": 1e9, "billions": 1e9,
    "t": 1e12, "trillion": 1e12,
}

#: Seconds per duration unit.
DURATION_SECONDS: dict[str, float] = {
    "second": 1.0, "sec": 1.0, "s": 1.0,
    "minute": 60.0, "min": 60.0,
    "hour": 3600.0, "hr": 3600.0, "h": 3600.0,
    "day": 86400.0, "week": 604800.0, "month": 2629800.0,
}

#: A decimal number with optional thousands separators: ``3.6``, ``1,281,167``, ``.5``.
NUMBER = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_WORDNUM = "|".join(sorted((w for w in WORD_NUMBERS if w not in ("a", "an", "single")), key=len, reverse=True))
#: A count written in digits or words.
COUNT = rf"(?:{NUMBER}|(?i:{_WORDNUM}))"
#: Multiplication signs papers use between a mantissa and a power of ten.
TIMES = r"(?:\s*[×x\*·]\s*)"
#: ``3.6×10^9``, ``3.6 × 10^{9}``, ``3.6×109`` (superscript lost), ``2.3e19``, ``3.6 billion``, ``7.8G``.
SCALED = (
    rf"(?P<num>{NUMBER})"
    rf"(?:{TIMES}10\s*(?:\^\s*\{{?|\*\*)?\s*(?P<exp>[−\-–]?\d{{1,2}})\}}?"
    rf"|[eE](?P<eexp>[+\-]?\d{{1,2}})"
    rf"|\s?(?P<scale>[kKMGBT]|bn|[Bb]illions?|[Mm]illions?|[Tt]housand|[Tt]rillion)(?![A-Za-z\d])"
    rf")?"
)
SCALED_RE = re.compile(SCALED)


def parse_number(text: str) -> float:
    """Given a number written in digits or words (``"3,600"``, ``"3.6"``, ``"eight"``), return it.

    Raises:
        ValueError: when ``text`` is not a number.
    """
    t = text.strip().lower().replace("\u2212", "-")
    if t in WORD_NUMBERS:
        return float(WORD_NUMBERS[t])
    t = t.replace(",", "")
    try:
        return float(t)
    except ValueError:
        raise ValueError(f"not a number: {text!r} (digits like '3.6' or '1,024', or a word like 'eight')") from None


def scale_factor(suffix: str | None) -> float:
    """Given a scale suffix or word (``"M"``, ``"billion"``, None), return its multiplier (1.0 for None).

    Raises:
        ValueError: for an unknown suffix; the allowed ones are the keys of :data:`SCALES`.
    """
    if not suffix:
        return 1.0
    key = suffix.strip().lower()
    if key not in SCALES:
        raise ValueError(f"unknown scale {suffix!r}; allowed: {', '.join(SCALES)}")
    return SCALES[key]


def parse_scaled(text: str) -> float:
    """Given a scaled number (``"3.6×10^9"``, ``"3.6×109"``, ``"2.3e19"``, ``"11.3 billion"``, ``"7.8G"``), return it.

    A power of ten whose superscript was flattened (``"3.6×109"``) reads as ``10**9``.

    Raises:
        ValueError: when ``text`` is not a scaled number.
    """
    m = SCALED_RE.fullmatch(text.strip())
    if m is None:
        raise ValueError(f"not a scaled number: {text!r} (e.g. '3.6×10^9', '2.3e19', '11.3 billion', '7.8G')")
    return scaled_from_match(m)


def scaled_from_match(m: re.Match[str]) -> float:
    """Given a match of :data:`SCALED` (groups num, exp, eexp, scale), return the value it denotes."""
    value = parse_number(m.group("num"))
    if m.group("exp"):
        return value * 10.0 ** int(m.group("exp").replace("−", "-").replace("–", "-"))
    if m.group("eexp"):
        return value * 10.0 ** int(m.group("eexp"))
    return value * scale_factor(m.group("scale"))


# --------------------------------------------------------------------------------------------
# operations

#: Operation units -> (FLOP per unit-operation, canonical name for ``reported_as``).
_OP_UNITS: list[tuple[str, float, str]] = [
    (r"G[-\s]?FLOPs?", 1e9 * 1.0, "GFLOPs"),
    (r"M[-\s]?FLOPs?", 1e6, "MFLOPs"),
    (r"T[-\s]?FLOPs?", 1e12, "TFLOPs"),
    (r"FLOPs?|flops|FLOPS", 1.0, "FLOPs"),
    (r"(?:G|M|B)?[-\s]?(?:Mult-Adds|Mult-adds|mult-adds|MultAdds|Multi-Adds|Multi-adds|MAdds|MACs|MACC?s?"
     r"|[Mm]ultiply-[Aa]dds|[Mm]ultiply-accumulates?|multiply-accumulate operations|multiplication-additions|[Mm]ultiply–[Aa]dds)", 2.0, "multiply-adds"),
]
_OPS_UNIT_RE = "|".join(f"(?:{u})" for u, _, _ in _OP_UNITS)
#: A number + scale + operation unit, e.g. ``3.6 billion FLOPs``, ``569M Mult-Adds``, ``1.8 GFLOPs``
#: (rates such as ``FLOP/s`` or ``FLOPs per second`` do not match).
OPS_RE = re.compile(rf"(?<![\w.]){SCALED}\s*(?P<unit>{_OPS_UNIT_RE})(?![A-Za-z])(?!\s*/\s*s\b)(?!\s+per\s+second)")


def ops_unit(unit: str) -> tuple[float, str, float]:
    """Given an operation unit as written (``"GFLOPs"``, ``"Mult-Adds"``, ``"GMACs"``), return
    ``(FLOP per unit, reported_as, extra scale)``: ``"GMACs"`` -> ``(2.0, "multiply-adds", 1e9)``.

    Raises:
        ValueError: when ``unit`` is not an operation unit.
    """
    u = unit.strip()
    for pattern, per, name in _OP_UNITS:
        if re.fullmatch(pattern, u):
            extra = 1.0
            if name == "multiply-adds" and u[:1] in "GMB" and u[:2].lower() not in ("ma", "mu"):
                extra = SCALES[u[0].lower()]
            return per, name, extra
    raise ValueError(f"not an operation unit: {unit!r} (FLOPs, GFLOPs, Mult-Adds, MAdds, MACs ...)")


def parse_ops(text: str) -> tuple[float, str]:
    """Given an operation count (``"569M Mult-Adds"``, ``"1.8 GFLOPs"``, ``"3.6×10^9 FLOPs"``),
    return ``(FLOP, reported_as)``; multiply-adds count 2 FLOP each.

    Raises:
        ValueError: when ``text`` holds no operation count.
    """
    m = OPS_RE.search(text)
    if m is None:
        raise ValueError(f"no operation count in {text!r} (e.g. '3.6 billion FLOPs', '569M Mult-Adds')")
    return ops_from_match(m)


def ops_from_match(m: re.Match[str]) -> tuple[float, str]:
    """Given a match of :data:`OPS_RE`, return ``(FLOP, reported_as)``."""
    per, name, extra = ops_unit(m.group("unit"))
    return scaled_from_match(m) * per * extra, name


# --------------------------------------------------------------------------------------------
# durations

_DUR_UNIT = r"(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?)"
#: ``3.5 days``, ``12 hours``, ``five to six days``, ``5-6 days``, ``about a week``.
DURATION_RE = re.compile(
    rf"(?<![\w.])(?P<lo>{COUNT}|a|an|one)(?:\s*(?:to|-|–|or|and)\s*(?P<hi>{COUNT}))?\s*(?P<unit2>"
    rf"seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?)(?![A-Za-z])",
    re.IGNORECASE,
)


def duration_seconds(unit: str) -> float:
    """Given a duration unit (``"days"``, ``"hrs"``, ``"minute"``), return seconds per unit.

    Raises:
        ValueError: for an unknown unit (allowed: keys of :data:`DURATION_SECONDS`, plural or not).
    """
    u = unit.strip().lower()
    for cand in (u, u.rstrip("s")):
        if cand in DURATION_SECONDS:
            return DURATION_SECONDS[cand]
    raise ValueError(f"unknown duration unit {unit!r}; allowed: {', '.join(DURATION_SECONDS)}")


def parse_duration(text: str) -> tuple[float, str, tuple[float, float] | None]:
    """Given a duration (``"3.5 days"``, ``"12 hours"``, ``"five to six days"``), return
    ``(seconds, unit as written, (low, high) or None)``.

    Range rule: ``"5 to 6 days"`` gives the midpoint (5.5 days) and both bounds, so
    callers can record them.

    Raises:
        ValueError: when ``text`` holds no duration.
    """
    m = DURATION_RE.search(text)
    if m is None:
        raise ValueError(f"no duration in {text!r} (e.g. '3.5 days', '12 hours', 'five to six days')")
    return duration_from_match(m)


def duration_from_match(m: re.Match[str]) -> tuple[float, str, tuple[float, float] | None]:
    """Given a match of :data:`DURATION_RE`, return ``(seconds, unit, (low, high) or None)``."""
    lo = parse_number(m.group("lo"))
    per = duration_seconds(m.group("unit2"))
    unit = m.group("unit2").lower()
    if m.group("hi"):
        hi = parse_number(m.group("hi"))
        if hi > lo:
            return (lo + hi) / 2.0 * per, unit, (lo * per, hi * per)
    return lo * per, unit, None


# --------------------------------------------------------------------------------------------
# counts

#: A count with an optional scale word: ``1.28 million``, ``300K``, ``60M``, ``eight``.
SCALED_COUNT_RE = re.compile(
    rf"(?<![\w.])(?P<num>{COUNT})(?:\s?(?P<scale>[kKMB]|[Bb]illion|[Mm]illion|[Tt]housand)(?![A-Za-z]))?"
)


def parse_count(text: str) -> float:
    """Given a count (``"1.28 million"``, ``"300K"``, ``"eight"``, ``"25.6M"``), return it.

    Raises:
        ValueError: when ``text`` is not a count.
    """
    m = SCALED_COUNT_RE.fullmatch(text.strip())
    if m is None:
        raise ValueError(f"not a count: {text!r} (e.g. '1.28 million', '300K', 'eight')")
    return parse_number(m.group("num")) * scale_factor(m.group("scale"))
