"""Fixtures for nightly-operation tests: the synthetic arXiv API of :mod:`tests.fakes` on 127.0.0.1."""

from __future__ import annotations

import re

import pytest

from tests.fakes import Entry, FakeArxiv  # noqa: F401 - Entry re-exported for the tests


@pytest.fixture(scope="session")
def httpserver_listen_address():
    """Listen on 127.0.0.1 only."""
    return ("127.0.0.1", 0)


@pytest.fixture()
def fake_arxiv(httpserver, monkeypatch) -> FakeArxiv:
    """A :class:`FakeArxiv` served on 127.0.0.1, with the project's arXiv settings pointed at it
    (API and PDF URLs, no politeness delay and short backoff: loopback only)."""
    fake = FakeArxiv()
    httpserver.expect_request(re.compile(r"^/(api|pdf)/.*")).respond_with_handler(fake.handle)
    fake.base_url = httpserver.url_for("/").rstrip("/")
    monkeypatch.setenv("COMPUTE_LIMITS_ARXIV_API_URL", f"{fake.base_url}/api/query")
    monkeypatch.setenv("COMPUTE_LIMITS_ARXIV_PDF_URL", f"{fake.base_url}/pdf")
    monkeypatch.setenv("COMPUTE_LIMITS_ARXIV_DELAY_S", "0")
    monkeypatch.setenv("COMPUTE_LIMITS_ARXIV_BACKOFF_BASE_S", "0.05")
    return fake
