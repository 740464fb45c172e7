"""Number, scale and unit parsing: table-driven cases and hypothesis round trips."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.units import parse_count, parse_duration, parse_number, parse_ops, parse_scaled


@pytest.mark.parametrize(
    ("text", "flop", "reported_as"),
    [
        ("3.6×10^9 FLOPs", 3.6e9, "FLOPs"),
        ("3.6 × 10^{9} FLOPs", 3.6e9, "FLOPs"),
        ("11.3 billion FLOPs", 11.3e9, "FLOPs"),
        ("7.8G FLOPs", 7.8e9, "FLOPs"),
        ("1.8 GFLOPs", 1.8e9, "GFLOPs"),
        ("569M Mult-Adds", 2 * 569e6, "multiply-adds"),
        ("300M Multiply-Adds", 2 * 300e6, "multiply-adds"),
        ("300M MAdds", 600e6, "multiply-adds"),
        ("4.1 GMACs", 8.2e9, "multiply-adds"),
        ("2.3e19 FLOPs", 2.3e19, "FLOPs"),
        ("has 3.6 billion multiply-adds", 7.2e9, "multiply-adds"),
    ],
)
def test_parse_ops(text: str, flop: float, reported_as: str) -> None:
    value, rep = parse_ops(text)
    assert value == pytest.approx(flop)
    assert rep == reported_as


@pytest.mark.parametrize(
    ("text", "value"),
    [("3.6×10^9", 3.6e9), ("3.6×109", 3.6e9), ("2.3e19", 2.3e19), ("11.3 billion", 11.3e9), ("7.8G", 7.8e9),
     ("569M", 569e6), ("1,024", 1024.0), ("0.39B", 0.39e9)],
)
def test_parse_scaled(text: str, value: float) -> None:
    assert parse_scaled(text) == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "seconds", "bounds"),
    [
        ("3.5 days", 3.5 * 86400, None),
        ("12 hours", 12 * 3600, None),
        ("twelve hours", 12 * 3600, None),
        ("took 5 to 6 days", 5.5 * 86400, (5 * 86400, 6 * 86400)),
        ("five to six days", 5.5 * 86400, (5 * 86400, 6 * 86400)),
        ("2 weeks", 14 * 86400, None),
        ("30 minutes", 1800, None),
    ],
)
def test_parse_duration(text: str, seconds: float, bounds) -> None:
    value, _unit, rng = parse_duration(text)
    assert value == pytest.approx(seconds)
    assert rng == (pytest.approx(bounds) if bounds else None)


@pytest.mark.parametrize(
    ("text", "value"),
    [("1.28 million", 1.28e6), ("300K", 3e5), ("eight", 8.0), ("25.6M", 25.6e6), ("4.5 million", 4.5e6)],
)
def test_parse_count(text: str, value: float) -> None:
    assert parse_count(text) == pytest.approx(value)


@pytest.mark.parametrize("bad", ["", "abc", "3.6 FLOP/s per watt?", "days"])
def test_parse_ops_rejects_non_ops(bad: str) -> None:
    with pytest.raises(ValueError, match="no operation count"):
        parse_ops(bad)


def test_parse_number_error_says_what_is_allowed() -> None:
    with pytest.raises(ValueError, match="digits like"):
        parse_number("many")


_mantissa = st.decimals(min_value="0.1", max_value="999.9", places=1).map(str)


@given(_mantissa, st.integers(min_value=3, max_value=15))
def test_power_of_ten_round_trip(m: str, exp: int) -> None:
    assert parse_scaled(f"{m}×10^{exp}") == pytest.approx(float(m) * 10.0**exp)
    assert parse_scaled(f"{m}e{exp}") == pytest.approx(float(m) * 10.0**exp)


@given(_mantissa, st.sampled_from([("K", 1e3), ("M", 1e6), ("G", 1e9), ("B", 1e9), ("billion", 1e9), ("million", 1e6)]))
def test_suffix_round_trip(m: str, suffix: tuple[str, float]) -> None:
    word, mult = suffix
    sep = " " if len(word) > 1 else ""
    assert parse_scaled(f"{m}{sep}{word}") == pytest.approx(float(m) * mult)


@given(_mantissa, st.sampled_from(["FLOPs", "GFLOPs", "Mult-Adds", "MAdds"]))
def test_ops_round_trip(m: str, unit: str) -> None:
    value, rep = parse_ops(f"{m} {unit}" if unit != "GFLOPs" else f"{m} GFLOPs")
    expect = float(m) * {"FLOPs": 1.0, "GFLOPs": 1e9, "Mult-Adds": 2.0, "MAdds": 2.0}[unit]
    assert math.isclose(value, expect, rel_tol=1e-9)
    assert rep == ("multiply-adds" if unit in ("Mult-Adds", "MAdds") else unit)


@given(st.integers(min_value=1, max_value=500), st.sampled_from([("hours", 3600), ("days", 86400), ("minutes", 60)]))
def test_duration_round_trip(n: int, unit: tuple[str, int]) -> None:
    assert parse_duration(f"{n} {unit[0]}")[0] == pytest.approx(n * unit[1])
