"""Shared fixtures: where ../shared is, and skips with a clear reason where it is absent."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def shared_root() -> Path:
    """Return ``$COMPUTE_LIMITS_SHARED`` or the ``shared`` folder beside the project root."""
    env = os.environ.get("COMPUTE_LIMITS_SHARED")
    return Path(env) if env else PROJECT_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """The authors' published data, ../shared/reference/thompson2022 (skip where absent)."""
    d = shared_root() / "reference" / "thompson2022"
    if not (d / "image-classification-on-imagenet.csv").exists():
        pytest.skip(f"needs the reference data at {d} (../shared beside the project root): not present in this clone")
    return d


@pytest.fixture(scope="session")
def corpus_pdfs() -> Path:
    """The 123 real corpus PDFs, ../shared/corpus/pdfs (skip where absent)."""
    d = shared_root() / "corpus" / "pdfs"
    if not d.is_dir():
        pytest.skip(f"needs the corpus at {d} (../shared beside the project root): not present in this clone")
    return d


@pytest.fixture(scope="session")
def prefect_harness():
    """A temporary Prefect API (SQLite in a temp folder) for the whole session: flows run against it."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def httpserver_listen_address():
    """Listen on 127.0.0.1 only."""
    return ("127.0.0.1", 0)


@pytest.fixture()
def fake_arxiv(httpserver, monkeypatch):
    """A :class:`tests.fakes.FakeArxiv` served on 127.0.0.1, with the project's arXiv settings pointed at it
    (API and PDF URLs, no politeness delay and short backoff: loopback only)."""
    from tests.fakes import FakeArxiv

    fake = FakeArxiv()
    httpserver.expect_request(re.compile(r"^/(api|pdf)/.*")).respond_with_handler(fake.handle)
    fake.base_url = httpserver.url_for("/").rstrip("/")
    monkeypatch.setenv("COMPUTE_LIMITS_ARXIV_API_URL", f"{fake.base_url}/api/query")
    monkeypatch.setenv("COMPUTE_LIMITS_ARXIV_PDF_URL", f"{fake.base_url}/pdf")
    monkeypatch.setenv("COMPUTE_LIMITS_ARXIV_DELAY_S", "0")
    monkeypatch.setenv("COMPUTE_LIMITS_ARXIV_BACKOFF_BASE_S", "0.05")
    return fake
