"""arXiv identifiers: parse file names and the margin stamp arXiv prints on page 1.

The stamp is the vertical line arXiv adds to every build, e.g.
``arXiv:1512.03385v1  [cs.CV]  10 Dec 2015``. Identifier schemes follow
https://info.arxiv.org/help/arxiv_identifier.html (new style ``YYMM.NNNNN`` since 2015,
``YYMM.NNNN`` from 2007, old style ``archive/YYMMNNN``).
"""

from __future__ import annotations

import re

#: New-style id (``1512.03385``) with an optional version, or an old-style one (``hep-th/9901001``).
ARXIV_ID_RE = re.compile(
    r"(?P<id>(?:\d{4}\.\d{4,5})|(?:[a-z][a-z\-]+(?:\.[A-Z]{2})?/\d{7}))(?P<version>v\d+)?"
)

_STAMP_RE = re.compile(r"arXiv:\s*" + ARXIV_ID_RE.pattern)
_FILE_RE = re.compile(r"^" + ARXIV_ID_RE.pattern + r"$")


def find_arxiv_stamp(text: str) -> tuple[str, str | None] | None:
    """Given page text, return ``(arxiv_id, version)`` from the first ``arXiv:ID`` stamp.

    ``version`` is like ``"v1"`` or None when the stamp carries none. Returns None when the
    text holds no stamp. Citations of other papers (``arXiv:...`` in references) also match,
    so pass only page-1 text.
    """
    m = _STAMP_RE.search(text)
    if m is None:
        return None
    return m.group("id"), m.group("version")


def parse_arxiv_filename(stem: str) -> tuple[str, str | None] | None:
    """Given a file name without extension, return ``(arxiv_id, version)`` or None.

    ``"1512.03385v1"`` -> ``("1512.03385", "v1")``; ``"1311.2524"`` -> ``("1311.2524", None)``;
    ``"AlexNet"`` -> None. Old-style ids use ``_`` for ``/`` in file names
    (``"hep-th_9901001"``).
    """
    m = _FILE_RE.match(stem.replace("_", "/", 1) if "_" in stem and not stem[0].isdigit() else stem)
    if m is None:
        return None
    return m.group("id"), m.group("version")


def validate_arxiv_id(value: str) -> str:
    """Return ``value`` stripped if it is a well-formed arXiv id (version allowed).

    Raises:
        ValueError: naming the bad input, when it is not an arXiv identifier.
    """
    v = value.strip()
    if not _FILE_RE.match(v):
        raise ValueError(
            f"not an arXiv identifier: {value!r} (expected e.g. 1512.03385 or 1512.03385v1)"
        )
    return v
