"""Validated settings of :class:`flows.sources.ArxivSource`.

Politeness: arXiv's API terms of use (https://info.arxiv.org/help/api/tou.html) ask for no more
than one request every three seconds; a smaller delay is refused unless the API is a loopback
address (a test server).
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

#: Minimum seconds between requests to arXiv, from https://info.arxiv.org/help/api/tou.html
#: ("make no more than one request every three seconds").
ARXIV_MIN_DELAY_S = 3.0
#: Largest page the API serves (arXiv API user manual, "max_results": 2000 per request).
ARXIV_MAX_PAGE_SIZE = 2000
#: An arXiv category: archive, optional ``.SUBJECT`` (https://arxiv.org/category_taxonomy).
CATEGORY_RE = re.compile(r"^[a-z][a-z\-]*(\.[A-Za-z][A-Za-z\-]*)?$")

def is_loopback(url: str) -> bool:
    """Given a URL, return True when its host is ``localhost`` or a loopback IP address."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_base_url(name: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{name} must be an http(s) URL with a host, got {url!r}")
    if parts.query or parts.fragment or "{" in url or "}" in url:
        raise ValueError(f"{name} must carry no query string, fragment or braces, got {url!r}")


@dataclass(frozen=True)
class ArxivSettings:
    """Validated settings of :class:`ArxivSource`; invalid values raise ``ValueError``.

    Attributes:
        api_url: arXiv API query endpoint (default the public one).
        pdf_base_url: PDFs are fetched from ``{pdf_base_url}/{id}{version}``.
        categories: arXiv categories searched (https://arxiv.org/category_taxonomy).
        page_size: results per API request, 1..2000 (the API's limit).
        delay_seconds: seconds between API requests (and between PDF requests); >= 3 s as the
            terms of use require (https://info.arxiv.org/help/api/tou.html), unless ``api_url``
            is a loopback address. PDF requests to a non-loopback host are paced >= 3 s anyway.
        num_retries: immediate retries of one request, done by ``arxiv.Client`` for the API and by
            urllib3 (with backoff) for PDFs; >= 0.
        retry_rounds: further rounds for transient API errors once ``arxiv.Client`` gives up,
            each after an exponential backoff with jitter; >= 0.
        timeout_s: seconds to connect / between bytes, on every request; > 0.
        user_agent: User-Agent sent on every request (arXiv asks bots to identify themselves).
        backoff_base_s: first backoff (s); doubles each round. >= 0.
        backoff_max_s: backoff cap (s), also the cap on a server's Retry-After. >= backoff_base_s.
    """

    api_url: str = "https://export.arxiv.org/api/query"
    pdf_base_url: str = "https://arxiv.org/pdf"
    categories: tuple[str, ...] = ("cs.CV", "cs.CL", "cs.LG", "stat.ML")
    page_size: int = 100
    delay_seconds: float = ARXIV_MIN_DELAY_S
    num_retries: int = 3
    retry_rounds: int = 3
    timeout_s: float = 30.0
    user_agent: str = ("compute-limits/0.1 (+https://github.com/compute-limits/compute-limits; "
                       "nightly harvest of deep-learning papers for research)")
    backoff_base_s: float = 2.0
    backoff_max_s: float = 120.0

    def __post_init__(self) -> None:
        _check_base_url("api_url", self.api_url)
        _check_base_url("pdf_base_url", self.pdf_base_url)
        object.__setattr__(self, "pdf_base_url", self.pdf_base_url.rstrip("/"))
        object.__setattr__(self, "categories", tuple(self.categories))
        if not self.categories:
            raise ValueError("categories must name at least one arXiv category, e.g. ('cs.CV',)")
        for cat in self.categories:
            if not isinstance(cat, str) or not CATEGORY_RE.match(cat):
                raise ValueError(f"category {cat!r} is not an arXiv category like 'cs.CV' or 'stat.ML'")
        if not (isinstance(self.page_size, int) and 1 <= self.page_size <= ARXIV_MAX_PAGE_SIZE):
            raise ValueError(f"page_size must be an int from 1 to {ARXIV_MAX_PAGE_SIZE}, got {self.page_size!r}")
        if not self.delay_seconds >= 0:
            raise ValueError(f"delay_seconds must be >= 0, got {self.delay_seconds!r}")
        if self.delay_seconds < ARXIV_MIN_DELAY_S and not is_loopback(self.api_url):
            raise ValueError(
                f"delay_seconds must be >= {ARXIV_MIN_DELAY_S} s against {self.api_url} (arXiv API "
                "terms of use, https://info.arxiv.org/help/api/tou.html); smaller values are "
                f"allowed only for a loopback api_url; got {self.delay_seconds!r}")
        for name in ("num_retries", "retry_rounds"):
            value = getattr(self, name)
            if not (isinstance(value, int) and value >= 0):
                raise ValueError(f"{name} must be an int >= 0, got {value!r}")
        if not self.timeout_s > 0:
            raise ValueError(f"timeout_s must be > 0 seconds, got {self.timeout_s!r}")
        if not self.user_agent.strip():
            raise ValueError("user_agent must identify the client, e.g. 'compute-limits/0.1 (+URL)'")
        if not (self.backoff_base_s >= 0 and self.backoff_max_s >= self.backoff_base_s):
            raise ValueError(f"need 0 <= backoff_base_s <= backoff_max_s, got "
                             f"{self.backoff_base_s!r} and {self.backoff_max_s!r}")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> ArxivSettings:
        """Build settings from ``COMPUTE_LIMITS_ARXIV_API_URL`` / ``COMPUTE_LIMITS_ARXIV_PDF_URL``
        (and ``COMPUTE_LIMITS_ARXIV_DELAY_S`` / ``_BACKOFF_BASE_S`` / ``_TIMEOUT_S``, seconds;
        a delay under 3 s is still refused unless the API URL is a loopback address).

        ``environ`` defaults to ``os.environ``; empty variables are ignored; keyword
        ``overrides`` win over both. Raises ``ValueError`` like the constructor.
        """
        env = os.environ if environ is None else environ
        values: dict = {}
        for var, name in (("COMPUTE_LIMITS_ARXIV_API_URL", "api_url"),
                          ("COMPUTE_LIMITS_ARXIV_PDF_URL", "pdf_base_url")):
            if env.get(var, "").strip():
                values[name] = env[var].strip()
        for var, name in (("COMPUTE_LIMITS_ARXIV_DELAY_S", "delay_seconds"),
                          ("COMPUTE_LIMITS_ARXIV_BACKOFF_BASE_S", "backoff_base_s"),
                          ("COMPUTE_LIMITS_ARXIV_TIMEOUT_S", "timeout_s")):
            if env.get(var, "").strip():
                try:
                    values[name] = float(env[var])
                except ValueError:
                    raise ValueError(f"{var} must be a number of seconds, got {env[var]!r}") from None
        values.update(overrides)
        return cls(**values)
