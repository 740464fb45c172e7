"""ArxivSource against a replay of real arXiv API responses and corpus PDFs on 127.0.0.1."""

from __future__ import annotations

import hashlib
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import arxiv
import pytest

from flows.sources import (
    ArxivSettings,
    ArxivSource,
    FeedError,
    FetchError,
    PaperRef,
    build_query,
)

ATOM = "{http://www.w3.org/2005/Atom}"


def entry_ids(body: bytes) -> list[str]:
    """Given an Atom body, return its entries' short ids (``2202.12139v1``), in order."""
    root = ET.fromstring(body)
    return [e.findtext(f"{ATOM}id").split("/abs/")[1] for e in root.iter(f"{ATOM}entry")]


def versioned(ref: PaperRef) -> str:
    return f"{ref.arxiv_id}{ref.version or ''}"


# --------------------------------------------------------------------------- search / look-up


@pytest.mark.parametrize(
    ("page_size", "offset", "max_results", "pages"),
    [
        (10, 0, 60, ["0", "10", "20", "30", "40", "50"]),
        (15, 0, 15, ["0"]),
        (100, 0, 100, ["0"]),
        (10, 5, 10, ["5"]),
        (15, 5, 15, ["5"]),
        (15, 9, 15, ["9"]),
    ],
)
def test_paged_search_returns_recorded_entries_in_order(
        arxiv_replay, recorded_arxiv_api, tmp_path, page_size, offset, max_results, pages):
    everything = entry_ids(recorded_arxiv_api.body("q_testing_s0_m100"))
    source = arxiv_replay.source(tmp_path, page_size=page_size)

    refs = list(source.query("testing", max_results=max_results, offset=offset))

    assert [versioned(r) for r in refs] == everything[offset:offset + max_results]
    assert len(refs) == max_results
    assert [r["start"] for r in arxiv_replay.api_requests] == pages
    assert {r["max_results"] for r in arxiv_replay.api_requests} == {str(page_size)}


def test_search_result_fields_are_parsed_in_utc(arxiv_replay, tmp_path):
    (first,) = arxiv_replay.source(tmp_path, page_size=10).query("testing", max_results=1)
    assert first == PaperRef(
        source="arxiv", paper_id="2202.12139", arxiv_id="2202.12139", version="v1",
        title="Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques",
        authors=("Mohit Kumar Ahuja", "Arnaud Gotlieb", "Helge Spieker"),
        published=datetime(2022, 2, 24, 15, 5, 19, tzinfo=timezone.utc),
        updated=datetime(2022, 2, 24, 15, 5, 19, tzinfo=timezone.utc),
        categories=("cs.SE", "cs.LG"), abs_url="https://arxiv.org/abs/2202.12139v1",
        pdf_url="https://arxiv.org/pdf/2202.12139v1", id_source="api")
    assert first.published.utcoffset() == timedelta(0)


def test_requests_carry_our_user_agent(arxiv_replay, tmp_path):
    """Regression: arxiv 4.0.2 sends its own ``arxiv.py/x`` User-Agent on every request."""
    list(arxiv_replay.source(tmp_path, page_size=10, user_agent="compute-limits-test/1").query(
        "testing", max_results=10))
    (agent,) = arxiv_replay.user_agents
    assert agent.startswith("compute-limits-test/1 ")
    assert "arxiv.py/" in agent


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        (["1605.08386"], ["1605.08386v1"]),
        (["1707.08567"], None),
        (["2104.12255v1"], ["2104.12255v1"]),
        (["astro-ph/0601001"], None),
        (["quant-ph/0201082v1"], ["quant-ph/0201082v1"]),
        (["0808.05394", "1707.08567"], None),
    ],
)
def test_lookup_by_id(arxiv_replay, recorded_arxiv_api, tmp_path, ids, expected):
    key = "id_" + "_".join(i.replace("/", "_") for i in ids) + "_s0"
    refs = arxiv_replay.source(tmp_path).lookup(ids)
    assert [versioned(r) for r in refs] == entry_ids(recorded_arxiv_api.body(key))
    if expected is not None:
        assert [versioned(r) for r in refs] == expected
    assert all(r.id_source == "api" and r.source == "arxiv" for r in refs)
    assert [r["id_list"] for r in arxiv_replay.api_requests] == [",".join(ids)]


def test_lookup_old_style_id_keeps_archive(arxiv_replay, tmp_path):
    (ref,) = arxiv_replay.source(tmp_path).lookup(["quant-ph/0201082v1"])
    assert (ref.paper_id, ref.arxiv_id, ref.version) == ("quant-ph/0201082", "quant-ph/0201082", "v1")


@pytest.mark.parametrize("missing_id", ["0000.0000", "0808.05394"])
def test_empty_results_give_empty_list(arxiv_replay, tmp_path, missing_id):
    assert arxiv_replay.source(tmp_path).lookup([missing_id]) == []
    assert len(arxiv_replay.api_requests) == 1


def test_lookup_rejects_malformed_id_before_any_request(arxiv_replay, tmp_path):
    with pytest.raises(ValueError, match="not an arXiv identifier"):
        arxiv_replay.source(tmp_path).lookup(["abc"])
    assert arxiv_replay.api_requests == []


def test_http_400_raises_feed_error_and_is_not_retried(arxiv_replay, tmp_path):
    """Regression: arxiv 4.0.2's ``Client._parse_feed`` retries every ``HTTPError``, 400 included."""
    source = arxiv_replay.source(tmp_path, num_retries=3, retry_rounds=3)
    with pytest.raises(FeedError) as caught:
        list(source.results(arxiv.Search(id_list=["abc"])))
    err = caught.value
    assert err.status == 400
    assert err.url.startswith(arxiv_replay.api_url + "?") and "id_list=abc" in err.url
    assert "incorrect id format for abc" in str(err)
    assert len(arxiv_replay.api_requests) == 1


# --------------------------------------------------------------------------- retries


@pytest.mark.parametrize("status", [503, 429, 500])
def test_transient_status_is_retried_then_succeeds(arxiv_replay, tmp_path, status):
    arxiv_replay.fail_next(status)
    refs = arxiv_replay.source(tmp_path).lookup(["1605.08386"])
    assert [versioned(r) for r in refs] == ["1605.08386v1"]
    assert len(arxiv_replay.api_requests) == 2


def test_backoff_rounds_retry_after_arxiv_client_gives_up(arxiv_replay, tmp_path):
    # arxiv.Client tries twice per round (num_retries=1): 5 failures end in round 3.
    arxiv_replay.fail_next(429, times=5)
    refs = arxiv_replay.source(tmp_path, num_retries=1, retry_rounds=3).lookup(["1605.08386"])
    assert len(refs) == 1
    assert len(arxiv_replay.api_requests) == 6


def test_persistent_503_raises_feed_error_after_all_rounds(arxiv_replay, tmp_path):
    arxiv_replay.fail_next(503, times=100)
    source = arxiv_replay.source(tmp_path, num_retries=1, retry_rounds=2)
    with pytest.raises(FeedError) as caught:
        source.lookup(["1605.08386"])
    assert caught.value.status == 503
    assert caught.value.try_number == 2
    assert len(arxiv_replay.api_requests) == (1 + 1) * (1 + 2)


def test_failure_mid_search_resumes_at_the_failed_page(arxiv_replay, recorded_arxiv_api, tmp_path):
    source = arxiv_replay.source(tmp_path, page_size=10, num_retries=0, retry_rounds=2)
    results = source.query("testing", max_results=60)
    first_20 = [next(results) for _ in range(20)]
    arxiv_replay.fail_next(502)
    rest = list(results)
    assert [versioned(r) for r in first_20 + rest] == entry_ids(
        recorded_arxiv_api.body("q_testing_s0_m100"))[:60]
    assert [r["start"] for r in arxiv_replay.api_requests] == ["0", "10", "20", "20", "30", "40", "50"]


def test_unexpected_empty_page_is_retried(arxiv_replay, recorded_arxiv_api, tmp_path):
    source = arxiv_replay.source(tmp_path, page_size=10, num_retries=0, retry_rounds=1)
    results = source.query("testing", max_results=20)
    first = [next(results) for _ in range(10)]
    arxiv_replay.fail_next(200, body=recorded_arxiv_api.body("id_0000.0000"))  # an empty feed
    assert len(first + list(results)) == 20
    assert [r["start"] for r in arxiv_replay.api_requests] == ["0", "10", "10"]


def test_read_timeout_is_retried(arxiv_replay, tmp_path):
    arxiv_replay.fail_next(200, sleep_s=0.5)
    source = arxiv_replay.source(tmp_path, timeout_s=0.2, num_retries=0, retry_rounds=3)
    assert len(source.lookup(["1605.08386"])) == 1
    # The replay server is single-threaded: the retry can queue behind the slow answer and
    # time out as well, so 2 or 3 requests.
    assert 2 <= len(arxiv_replay.api_requests) <= 3


# --------------------------------------------------------------------------- PDFs


def test_fetch_pdf_downloads_into_content_addressed_cache_once(
        arxiv_replay, corpus_manifest_rows, tmp_path):
    row = next(r for r in corpus_manifest_rows if r["file"] == "1512.03385v1.pdf")
    ref = PaperRef(source="arxiv", paper_id="1512.03385", arxiv_id="1512.03385", version="v1",
                   id_source="api")

    fetched = arxiv_replay.source(tmp_path).fetch_pdf(ref)

    assert fetched.sha256 == row["sha256"]
    assert fetched.local_path == tmp_path / "sha256" / row["sha256"][:2] / f"{row['sha256']}.pdf"
    assert hashlib.sha256(fetched.local_path.read_bytes()).hexdigest() == row["sha256"]
    assert fetched.local_path.stat().st_size == int(row["bytes"])
    assert (tmp_path / "by-id" / "1512.03385v1.json").is_file()
    assert list((tmp_path / "tmp").iterdir()) == []
    assert arxiv_replay.pdf_requests == ["1512.03385v1"]

    again = arxiv_replay.source(tmp_path).fetch_pdf(ref)  # a new source, same cache
    assert again == fetched
    assert arxiv_replay.pdf_requests == ["1512.03385v1"]


def test_fetch_pdf_moves_feed_pdf_url_onto_pdf_base_url(arxiv_replay, tmp_path):
    ref = PaperRef(source="arxiv", paper_id="x", pdf_url="https://arxiv.org/pdf/1111.2011v2")
    source = arxiv_replay.source(tmp_path)
    assert source.pdf_url_for(ref) == arxiv_replay.pdf_base_url + "/1111.2011v2"
    fetched = source.fetch_pdf(ref)
    assert fetched.local_path.read_bytes().startswith(b"%PDF")


def test_non_pdf_body_raises_fetch_error_and_caches_nothing(arxiv_replay, tmp_path):
    arxiv_replay.pdf_overrides["2401.00001v1"] = (200, b"<html>PDF is being generated</html>")
    ref = PaperRef(source="arxiv", paper_id="2401.00001", arxiv_id="2401.00001", version="v1")
    with pytest.raises(FetchError, match="not a PDF") as caught:
        arxiv_replay.source(tmp_path).fetch_pdf(ref)
    assert caught.value.url == arxiv_replay.pdf_base_url + "/2401.00001v1"
    assert not (tmp_path / "by-id").exists()
    assert not (tmp_path / "sha256").exists()
    assert list((tmp_path / "tmp").iterdir()) == []


def test_pdf_http_404_raises_fetch_error_with_status(arxiv_replay, tmp_path):
    ref = PaperRef(source="arxiv", paper_id="2401.00002", arxiv_id="2401.00002", version="v1")
    with pytest.raises(FetchError) as caught:
        arxiv_replay.source(tmp_path).fetch_pdf(ref)
    assert caught.value.status == 404
    assert len(arxiv_replay.pdf_requests) == 1


def test_pdf_transient_503_is_retried(arxiv_replay, tmp_path):
    arxiv_replay.fail_next_pdf(503, times=2)
    ref = PaperRef(source="arxiv", paper_id="1111.2011", arxiv_id="1111.2011", version="v2")
    fetched = arxiv_replay.source(tmp_path, num_retries=3).fetch_pdf(ref)
    assert fetched.local_path.is_file()
    assert arxiv_replay.pdf_requests == ["1111.2011v2"] * 3


def test_pdf_persistent_503_raises_fetch_error(arxiv_replay, tmp_path):
    arxiv_replay.fail_next_pdf(503, times=10)
    ref = PaperRef(source="arxiv", paper_id="1111.2011", arxiv_id="1111.2011", version="v2")
    with pytest.raises(FetchError) as caught:
        arxiv_replay.source(tmp_path, num_retries=2).fetch_pdf(ref)
    assert caught.value.status == 503
    assert len(arxiv_replay.pdf_requests) == 3


def test_fetch_pdf_without_any_id_is_a_value_error(tmp_path):
    ref = PaperRef(source="dir", paper_id="file:0123456789abcdef")
    with pytest.raises(ValueError, match="no arXiv id"):
        ArxivSource(cache_dir=tmp_path).fetch_pdf(ref)


# --------------------------------------------------------------------------- settings and query


def test_build_query_format():
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert build_query(["cs.CV", "cs.CL", "cs.LG", "stat.ML"], start, start + timedelta(days=1)) == (
        "(cat:cs.CV OR cat:cs.CL OR cat:cs.LG OR cat:stat.ML) "
        "AND submittedDate:[202401010000 TO 202401020000]")
    assert ArxivSource.build_query is build_query


def test_build_query_converts_to_utc_and_rejects_bad_windows():
    cet = timezone(timedelta(hours=1))
    q = build_query(["cs.CV"], datetime(2024, 1, 1, 1, 30, tzinfo=cet), datetime(2024, 1, 2, tzinfo=cet))
    assert q.endswith("submittedDate:[202401010030 TO 202401012300]")
    with pytest.raises(ValueError, match="timezone-aware"):
        build_query(["cs.CV"], datetime(2024, 1, 1), datetime(2024, 1, 2))
    with pytest.raises(ValueError, match="before"):
        build_query(["cs.CV"], datetime(2024, 1, 2, tzinfo=timezone.utc), datetime(2024, 1, 1, tzinfo=timezone.utc))
    with pytest.raises(ValueError, match="category"):
        build_query(["cs.CV) OR (all:x"], datetime(2024, 1, 1, tzinfo=timezone.utc),
                    datetime(2024, 1, 2, tzinfo=timezone.utc))


def test_search_sends_the_category_window_query(arxiv_replay, tmp_path):
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    source = arxiv_replay.source(tmp_path, categories=("cs.CV",))
    with pytest.raises(FeedError, match="404"):  # no recording for this query: the server says 404
        list(source.search(start, start + timedelta(days=1)))
    assert arxiv_replay.api_requests[0]["search_query"] == (
        "(cat:cs.CV) AND submittedDate:[202401010000 TO 202401020000]")


def test_settings_defaults_follow_arxiv_terms():
    s = ArxivSettings()
    assert s.api_url == "https://export.arxiv.org/api/query"
    assert s.pdf_base_url == "https://arxiv.org/pdf"
    assert s.categories == ("cs.CV", "cs.CL", "cs.LG", "stat.ML")
    assert (s.page_size, s.delay_seconds, s.num_retries) == (100, 3.0, 3)
    assert s.user_agent.startswith("compute-limits/")


@pytest.mark.parametrize("api_url", ["https://export.arxiv.org/api/query", "http://10.0.0.1:8080/api"])
def test_short_delay_against_remote_api_is_refused(api_url):
    with pytest.raises(ValueError, match="terms of use"):
        ArxivSettings(api_url=api_url, delay_seconds=1.0)


@pytest.mark.parametrize("api_url", ["http://127.0.0.1:5000/api/query", "http://localhost/q",
                                     "http://[::1]:8000/api/query"])
def test_short_delay_against_loopback_api_is_allowed(api_url):
    assert ArxivSettings(api_url=api_url, delay_seconds=0).delay_seconds == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("page_size", 0, "page_size"), ("page_size", 2001, "page_size"), ("num_retries", -1, "num_retries"),
     ("timeout_s", 0, "timeout_s"), ("categories", (), "categories"), ("categories", ("CV",), "category"),
     ("api_url", "ftp://x/y", "api_url"), ("api_url", "https://export.arxiv.org/api/query?x=1", "query"),
     ("user_agent", " ", "user_agent"), ("backoff_max_s", 0.5, "backoff"), ("delay_seconds", -1, ">= 0")],
)
def test_invalid_settings_say_what_is_allowed(field, value, message):
    with pytest.raises(ValueError, match=message):
        ArxivSettings(**{field: value})


def test_settings_from_env():
    env = {"COMPUTE_LIMITS_ARXIV_API_URL": "http://127.0.0.1:9/api/query",
           "COMPUTE_LIMITS_ARXIV_PDF_URL": "http://127.0.0.1:9/pdf/"}
    s = ArxivSettings.from_env(env, delay_seconds=0)
    assert (s.api_url, s.pdf_base_url, s.delay_seconds) == (
        "http://127.0.0.1:9/api/query", "http://127.0.0.1:9/pdf", 0)
    assert ArxivSettings.from_env({}) == ArxivSettings()


def test_constructing_a_source_does_no_io(tmp_path):
    cache = tmp_path / "not-yet"
    ArxivSource(ArxivSettings(), cache_dir=cache)
    assert not cache.exists()


# --------------------------------------------------------------------------- keep last


def test_every_recording_was_replayed(request, recorded_arxiv_api):
    """Fails when a recorded response in shared/arxiv-api/recorded_2026 is not exercised."""
    module = sys.modules[__name__]
    defined = {name for name in vars(module) if name.startswith("test_")}
    selected = {item.originalname for item in request.session.items
                if getattr(item, "module", None) is module}
    if selected != defined:
        pytest.skip("only part of this module was selected")
    unused = {r.name for r in recorded_arxiv_api.by_key.values()} - recorded_arxiv_api.used
    assert not unused, f"recordings never replayed: {sorted(unused)}"

