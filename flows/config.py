"""Harvest and schedule settings, read from ``flows/harvest.toml`` (the one place with the query
and its rationale) or a user file given with ``--config``.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from flows.sources.settings import CATEGORY_RE

#: The shipped default configuration file.
DEFAULT_CONFIG = "harvest.toml"


@dataclass(frozen=True)
class HarvestConfig:
    """What the nightly arXiv harvest asks for (see ``flows/harvest.toml`` for the rationale).

    Attributes:
        categories: arXiv categories (e.g. ``cs.CV``); at least one.
        keywords: words or phrases searched in title and abstract (any of them); empty: no filter.
        overlap_hours: hours re-asked before the watermark each run (>= 0).
        initial_lookback_days: window of a first run with no watermark, in days (> 0).
        max_results: cap on papers per run (>= 1).
        cron: schedule of the deployment (five-field cron, evaluated in ``timezone``).
        timezone: IANA time zone of the cron schedule.
    """

    categories: tuple[str, ...] = ("cs.CV", "cs.CL", "cs.LG", "stat.ML")
    keywords: tuple[str, ...] = field(default_factory=tuple)
    overlap_hours: float = 72.0
    initial_lookback_days: float = 1.0
    max_results: int = 2000
    cron: str = "0 2 * * *"
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        object.__setattr__(self, "categories", tuple(self.categories))
        object.__setattr__(self, "keywords", tuple(self.keywords))
        if not self.categories:
            raise ValueError("[arxiv] categories must name at least one arXiv category, e.g. ['cs.CV']")
        for c in self.categories:
            if not CATEGORY_RE.match(c):
                raise ValueError(f"[arxiv] category {c!r} is not an arXiv category like 'cs.CV'")
        for k in self.keywords:
            if not k.strip() or '"' in k:
                raise ValueError(f"[arxiv] keyword {k!r} must be non-empty and contain no double quote")
        if self.overlap_hours < 0:
            raise ValueError(f"[arxiv] overlap_hours must be >= 0, got {self.overlap_hours}")
        if self.initial_lookback_days <= 0:
            raise ValueError(f"[arxiv] initial_lookback_days must be > 0, got {self.initial_lookback_days}")
        if self.max_results < 1:
            raise ValueError(f"[arxiv] max_results must be >= 1, got {self.max_results}")
        if len(self.cron.split()) != 5:
            raise ValueError(f"[schedule] cron must have five fields (minute hour day month weekday), got {self.cron!r}")

    @property
    def query_key(self) -> str:
        """Hash (16 hex digits) of categories and keywords: one watermark per distinct query."""
        text = "|".join(sorted(self.categories)) + "#" + "|".join(sorted(k.lower() for k in self.keywords))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_config(path: str | Path | None = None) -> HarvestConfig:
    """Read a harvest config TOML (default: the shipped ``flows/harvest.toml``).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: a value is invalid or a key unknown (the message names it).
    """
    if path is None:
        text = resources.files("flows").joinpath(DEFAULT_CONFIG).read_text(encoding="utf-8")
        where = "flows/harvest.toml"
    else:
        p = Path(path)
        if not p.exists():
            raise FileNotFoundError(f"config file not found: {p}")
        text, where = p.read_text(encoding="utf-8"), str(p)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{where}: not valid TOML: {exc}") from None
    known = {"arxiv": {"categories", "keywords", "overlap_hours", "initial_lookback_days", "max_results"},
             "schedule": {"cron", "timezone"}}
    values: dict = {}
    for section, keys in data.items():
        if section not in known:
            raise ValueError(f"{where}: unknown section [{section}]; allowed: {sorted(known)}")
        for k, v in keys.items():
            if k not in known[section]:
                raise ValueError(f"{where}: unknown key {k!r} in [{section}]; allowed: {sorted(known[section])}")
            values[k] = v
    return HarvestConfig(**values)
