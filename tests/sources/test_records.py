"""Records, errors and the source-string parser: no network, no shared material."""

from __future__ import annotations

import pickle
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.sources import (
    ArxivSource,
    DirSource,
    FeedError,
    FetchError,
    ManifestError,
    PaperRef,
    SourceError,
    api_error_detail,
    backoff_seconds,
    parse_source,
    split_versioned_id,
)

ERROR_CLASSES = (SourceError, FeedError, FetchError, ManifestError)


@pytest.mark.parametrize("cls", ERROR_CLASSES)
def test_error_pickle_round_trip(cls):
    err = cls("arXiv API answered HTTP 400", url="http://127.0.0.1/api/query?id_list=abc",
              status=400, try_number=0, path="/tmp/x")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cls
    assert (back.message, back.url, back.status, back.try_number, back.path) == (
        err.message, err.url, err.status, err.try_number, err.path)
    assert str(back) == str(err)
    assert "status=400" in str(err)


def test_manifest_error_keeps_row_through_pickle():
    back = pickle.loads(pickle.dumps(ManifestError("bad row", row=7, path="m.csv")))
    assert (back.row, back.path) == (7, "m.csv")


@given(message=st.text(), url=st.none() | st.text(), status=st.none() | st.integers(100, 599),
       try_number=st.none() | st.integers(0, 10), cls=st.sampled_from(ERROR_CLASSES))
def test_error_pickle_round_trip_property(message, url, status, try_number, cls):
    err = cls(message, url=url, status=status, try_number=try_number)
    back = pickle.loads(pickle.dumps(err))
    assert (type(back), back.message, back.url, back.status, back.try_number) == (
        cls, message, url, status, try_number)


@given(st.integers(1, 30), st.floats(0, 10), st.floats(0, 100), st.integers())
def test_backoff_stays_within_half_and_whole_ceiling(round_number, base, extra, seed):
    cap = base + extra
    wait = backoff_seconds(round_number, base, cap, random.Random(seed))
    ceiling = min(cap, base * 2 ** (round_number - 1))
    assert ceiling / 2 <= wait <= ceiling


def test_paper_ref_pickles_and_is_frozen():
    ref = PaperRef(source="dir", paper_id="1512.03385", arxiv_id="1512.03385", version="v1",
                   local_path=Path("/x/1512.03385v1.pdf"), sha256="e3" * 32, id_source="filename")
    assert pickle.loads(pickle.dumps(ref)) == ref
    with pytest.raises(AttributeError):
        ref.version = "v2"  # type: ignore[misc]


@pytest.mark.parametrize(("value", "expected"), [
    ("1512.03385v1", ("1512.03385", "v1")), ("1311.2524", ("1311.2524", None)),
    ("hep-th/9901001", ("hep-th/9901001", None)), ("quant-ph/0201082v1", ("quant-ph/0201082", "v1")),
])
def test_split_versioned_id(value, expected):
    assert split_versioned_id(value) == expected


def test_api_error_detail():
    body = (b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><summary>incorrect id format for abc"
            b"</summary></entry></feed>")
    assert api_error_detail(body) == "incorrect id format for abc"
    assert api_error_detail(b"<html>oops") is None


def test_parse_source(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPUTE_LIMITS_ARXIV_API_URL", "http://127.0.0.1:1/api/query")
    src = parse_source("arxiv", cache_dir=tmp_path)
    assert isinstance(src, ArxivSource)
    assert src.settings.api_url == "http://127.0.0.1:1/api/query"
    assert src.cache_dir == tmp_path
    d = parse_source(f"dir:{tmp_path}")
    assert isinstance(d, DirSource) and d.path == tmp_path


@pytest.mark.parametrize("spec", ["", "dir:", "arxiv:cs.CV", "s3://bucket", "folder"])
def test_parse_source_names_allowed_forms(spec):
    with pytest.raises(ValueError, match="'arxiv' or 'dir:PATH'"):
        parse_source(spec)


def test_import_touches_no_network():
    """Importing the package must not open a socket (run in a fresh interpreter)."""
    code = ("import socket\n"
            "def refuse(*a, **k): raise AssertionError('network touched on import')\n"
            "socket.socket.connect = refuse\nsocket.getaddrinfo = refuse\n"
            "import flows.sources\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
