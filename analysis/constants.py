"""The analysis constants (``analysis/constants.toml``) as validated settings objects.

Every empirical constant the analysis uses lives in that one TOML file with its source; this
module only reads and checks it. Reading happens when a function is called, never on import.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class FitSettings:
    """How every fit is made (``[fit]`` and ``[theory]`` of constants.toml).

    Attributes:
        bootstrap_reps: case-bootstrap resamples per fit (int, >= 0; 0 switches the bootstrap off).
        confidence: level of every interval, in (0, 1).
        quantile: quantile q of the frontier regression, in (0, 1).
        huber_delta: Huber delta on natural-log residuals (> 0); Hoffmann et al. 2022 use 1e-3.
        year_base: year subtracted in the year term (int; 2012 = AlexNet).
        normalise_to_model: model name whose compute normalises x in the quantile form (or "").
        theory_k: theoretical floor of the implied power (4, Thompson et al. 2022 sec. 2).

    Raises:
        ValueError: a value outside its allowed range (the message says which).
    """

    bootstrap_reps: int = 2000
    confidence: float = 0.95
    quantile: float = 0.1
    huber_delta: float = 1e-3
    year_base: int = 2012
    normalise_to_model: str = "AlexNet"
    theory_k: float = 4.0

    def __post_init__(self) -> None:
        if not isinstance(self.bootstrap_reps, int) or self.bootstrap_reps < 0:
            raise ValueError(f"bootstrap_reps must be an integer >= 0, got {self.bootstrap_reps!r}")
        if not 0 < self.confidence < 1:
            raise ValueError(f"confidence must lie in (0, 1), got {self.confidence!r}")
        if not 0 < self.quantile < 1:
            raise ValueError(f"quantile must lie in (0, 1), got {self.quantile!r}")
        if not self.huber_delta > 0:
            raise ValueError(f"huber_delta must be > 0, got {self.huber_delta!r}")
        if not self.theory_k > 0:
            raise ValueError(f"theory_k must be > 0, got {self.theory_k!r}")

    def with_(self, **changes: Any) -> "FitSettings":
        """Return a copy with ``changes`` applied (validated again)."""
        return replace(self, **changes)


@dataclass(frozen=True)
class EpochConvention:
    """Hardware burden after Epoch AI (``[hardware_burden_epoch]``).

    Attributes:
        utilisation: fraction of peak achieved, in (0, 1]; 0.4 after Sevilla et al. 2022.
        mixed_precision_from_year: from this year on, GPUs listing an FP16 peak count at it.
    """

    utilisation: float = 0.4
    mixed_precision_from_year: int = 2018

    def __post_init__(self) -> None:
        if not 0 < self.utilisation <= 1:
            raise ValueError(f"utilisation must lie in (0, 1], got {self.utilisation!r}")


@dataclass(frozen=True)
class CostConstants:
    """Reference chip, energy and carbon constants (``[cost]`` and ``[energy]``).

    Attributes:
        chip: name of the reference chip (NVIDIA Tesla V100).
        peak_fp32_flop_per_s, peak_fp16_flop_per_s: its peaks in FLOP/s.
        power_w: its board power in W.
        price_usd_per_chip_hour: cloud price in USD per chip-hour.
        pue: data-centre power usage effectiveness (1.58, Strubell et al. 2019).
        co2_lbs_per_kwh: carbon intensity, lbs CO2e per kWh (0.954, Strubell et al. 2019).
        kg_per_lb: pounds to kilograms.
    """

    chip: str
    peak_fp32_flop_per_s: float
    peak_fp16_flop_per_s: float
    power_w: float
    price_usd_per_chip_hour: float
    pue: float
    co2_lbs_per_kwh: float
    kg_per_lb: float

    def __post_init__(self) -> None:
        for name in ("peak_fp32_flop_per_s", "peak_fp16_flop_per_s", "power_w", "price_usd_per_chip_hour",
                     "pue", "co2_lbs_per_kwh", "kg_per_lb"):
            if not getattr(self, name) > 0:
                raise ValueError(f"cost constant {name} must be > 0, got {getattr(self, name)!r}")


@dataclass(frozen=True)
class Anchors:
    """Published anchors printed beside the extrapolation (``[anchors]``)."""

    imagenet_top1_error_pct: float
    compute_flop: float
    cost_usd: float
    source: str


@dataclass(frozen=True)
class Constants:
    """Everything in constants.toml.

    Attributes:
        fit, epoch, cost, anchors: the sections above.
        targets: benchmark -> metric -> target errors in percent (error = 100 - score).
        path: file read.
    """

    fit: FitSettings
    epoch: EpochConvention
    cost: CostConstants
    anchors: Anchors
    targets: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    path: str = ""


def load_constants(path: str | Path | None = None) -> Constants:
    """Read constants.toml (default: the packaged ``analysis/constants.toml``).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: a section or key is missing or a value is out of range.
    """
    if path is None:
        ref = resources.files("analysis").joinpath("constants.toml")
        text, where = ref.read_text(encoding="utf-8"), str(ref)
    else:
        text, where = Path(path).read_text(encoding="utf-8"), str(path)
    data = tomllib.loads(text)
    try:
        f, th = data["fit"], data["theory"]
        fit = FitSettings(
            bootstrap_reps=int(f["bootstrap_reps"]), confidence=float(f["confidence"]),
            quantile=float(f["quantile"]), huber_delta=float(f["huber_delta"]),
            year_base=int(f["year_base"]), normalise_to_model=str(f.get("normalise_to_model", "")),
            theory_k=float(th["implied_power_k"]),
        )
        e = data["hardware_burden_epoch"]
        epoch = EpochConvention(utilisation=float(e["utilisation"]),
                                mixed_precision_from_year=int(e["mixed_precision_from_year"]))
        c, en = data["cost"], data["energy"]
        cost = CostConstants(
            chip=str(c["chip"]), peak_fp32_flop_per_s=float(c["peak_fp32_flop_per_s"]),
            peak_fp16_flop_per_s=float(c["peak_fp16_flop_per_s"]), power_w=float(c["power_w"]),
            price_usd_per_chip_hour=float(c["price_usd_per_chip_hour"]), pue=float(en["pue"]),
            co2_lbs_per_kwh=float(en["co2_lbs_per_kwh"]), kg_per_lb=float(en["kg_per_lb"]),
        )
        a = data["anchors"]
        anchors = Anchors(float(a["imagenet_top1_error_pct"]), float(a["compute_flop"]), float(a["cost_usd"]),
                          str(a["source"]))
    except KeyError as exc:
        raise ValueError(f"{where}: missing key {exc} (see the packaged analysis/constants.toml)") from None
    targets = {b: {m: [float(v) for v in vals] for m, vals in ms.items()}
               for b, ms in data.get("targets", {}).items()}
    for b, ms in targets.items():
        for m, vals in ms.items():
            if any(not 0 < v < 100 for v in vals):
                raise ValueError(f"{where}: targets.{b}.{m} must be errors in percent, in (0, 100): {vals}")
    return Constants(fit=fit, epoch=epoch, cost=cost, anchors=anchors, targets=targets, path=where)
