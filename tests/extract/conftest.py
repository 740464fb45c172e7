"""Fixtures for extract tests: the shared corpus beside the project root (skipped when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from extract import DocumentResult, extract_pdf

#: Project root: tests/extract/conftest.py -> parents[2].
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    """Return ../shared beside the project root, or $COMPUTE_LIMITS_SHARED when set."""
    env = os.environ.get("COMPUTE_LIMITS_SHARED")
    return Path(env) if env else (PROJECT_ROOT / ".." / "shared").resolve()


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The directory of corpus PDFs; skips the test when ../shared/corpus is not present."""
    d = shared_dir() / "corpus" / "pdfs"
    if not d.is_dir():
        pytest.skip("needs ../shared/corpus (beside the project root): not present in this clone")
    return d


_CACHE: dict[str, DocumentResult] = {}


@pytest.fixture(scope="session")
def extracted(corpus_dir: Path):
    """A function: corpus file name -> its DocumentResult (each paper extracted once per session)."""

    def get(name: str) -> DocumentResult:
        if name not in _CACHE:
            path = corpus_dir / name
            if not path.is_file():
                pytest.skip(f"corpus file {name} not present")
            _CACHE[name] = extract_pdf(path)
        return _CACHE[name]

    return get
