"""Nightly-operation tests use the ``fake_arxiv`` fixture of tests/conftest.py."""
