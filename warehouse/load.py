"""Write papers, documents, findings, runs, observations and fits into the warehouse.

Every writer is idempotent: ids are hashes of identifying fields (:func:`warehouse.db.stable_id`)
and rows that exist already are left alone (or, for findings re-read at the same place by a new
extractor version, updated in place), so loading the same input twice adds no row. A paper's
document and all its findings are written in one transaction, or not at all.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timezone
from typing import Any, Iterable, Iterator, Sequence

import duckdb
import pyarrow as pa

from flows.faults import checkpoint
from warehouse.db import first_row, scalar, stable_id, transaction, utcnow

#: Finding columns in table order (see schema.sql).
FINDING_COLUMNS: tuple[str, ...] = (
    "finding_id", "document_id", "paper_id", "kind", "value", "value_text", "unit", "model_label",
    "benchmark", "metric", "reported_as", "page", "bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom",
    "source_text", "method", "confidence", "extractor", "extractor_version", "context",
    "extracted_at", "run_id",
)

_FINDING_SCHEMA = pa.schema([
    ("finding_id", pa.string()), ("document_id", pa.string()), ("paper_id", pa.string()),
    ("kind", pa.string()), ("value", pa.float64()), ("value_text", pa.string()), ("unit", pa.string()),
    ("model_label", pa.string()), ("benchmark", pa.string()), ("metric", pa.string()),
    ("reported_as", pa.string()), ("page", pa.int32()), ("bbox_x0", pa.float64()),
    ("bbox_top", pa.float64()), ("bbox_x1", pa.float64()), ("bbox_bottom", pa.float64()),
    ("source_text", pa.string()), ("method", pa.string()), ("confidence", pa.float64()),
    ("extractor", pa.string()), ("extractor_version", pa.string()), ("context", pa.string()),
    ("extracted_at", pa.timestamp("us")), ("run_id", pa.string()),
])


@dataclass
class LoadResult:
    """What :func:`load_document` wrote.

    Attributes:
        document_id: id of the document row.
        paper_new: True when the paper was not in the warehouse before.
        document_new: True when the document row was added (False: it was there already).
        findings_new: findings rows added.
        findings_updated: existing findings (same place) whose value or version changed.
    """

    document_id: str
    paper_new: bool
    document_new: bool
    findings_new: int = 0
    findings_updated: int = 0


def document_id(sha256: str, extractor_version: str) -> str:
    """Given a file's SHA-256 and the extractor version, return the documents.document_id."""
    return stable_id("document", sha256, extractor_version)


def finding_id(sha256: str, f: Any) -> str:
    """Given a file's SHA-256 and a :class:`extract.models.Finding`, return its stable id.

    The id names the *place* (file, kind, benchmark, metric, model label, page, bbox rounded to
    1 pt, extractor) and not the value or the extractor version, so a re-extraction that reads
    the same place again keeps the id (and with it any review decision).
    """
    bbox = tuple(round(v) for v in f.bbox) if f.bbox is not None else None
    return stable_id("finding", sha256, f.kind, f.benchmark, f.metric, f.model_label, f.page, bbox, f.extractor)


def has_document(con: duckdb.DuckDBPyConnection, doc_id: str) -> bool:
    """Return True when the documents table holds ``doc_id``."""
    return first_row(con, "SELECT 1 FROM documents WHERE document_id = ?", [doc_id]) is not None


def _finding_rows(paper_id: str, doc_id: str, sha256: str, findings: Iterable[Any], run_id: str | None) -> pa.Table:
    now = utcnow()
    cols: dict[str, list] = {c: [] for c in FINDING_COLUMNS}
    seen: set[str] = set()
    for f in findings:
        fid = finding_id(sha256, f)
        if fid in seen:  # two hits at one place: keep the first
            continue
        seen.add(fid)
        bbox = f.bbox if f.bbox is not None else (None, None, None, None)
        row = {
            "finding_id": fid, "document_id": doc_id, "paper_id": paper_id, "kind": f.kind,
            "value": f.value, "value_text": f.value_text, "unit": f.unit, "model_label": f.model_label,
            "benchmark": f.benchmark, "metric": f.metric, "reported_as": f.reported_as, "page": f.page,
            "bbox_x0": bbox[0], "bbox_top": bbox[1], "bbox_x1": bbox[2], "bbox_bottom": bbox[3],
            "source_text": f.source_text, "method": f.method, "confidence": float(f.confidence),
            "extractor": f.extractor, "extractor_version": f.extractor_version,
            "context": json.dumps(f.context or {}, sort_keys=True, default=str),
            "extracted_at": now, "run_id": run_id,
        }
        for c in FINDING_COLUMNS:
            cols[c].append(row[c])
    return pa.table(cols, schema=_FINDING_SCHEMA)


def load_document(
    con: duckdb.DuckDBPyConnection,
    ref: Any,
    result: Any,
    *,
    extractor_version: str,
    run_id: str | None = None,
) -> LoadResult:
    """Write one paper, its document row and all its findings in one transaction.

    Args:
        con: read-write connection.
        ref: a :class:`flows.sources.PaperRef` with ``sha256`` set (``local_path`` informational).
        result: the :class:`extract.models.DocumentResult` of the file (or one made for a fetch
            failure, with status ``fetch_error``).
        extractor_version: :data:`extract.EXTRACTOR_VERSION` that produced ``result``.
        run_id: runs.run_id of the current run.

    Returns:
        :class:`LoadResult`. Loading a document that is present already writes nothing.

    Raises:
        ValueError: ``ref.sha256`` is missing.
        duckdb.Error: the write failed; the transaction is rolled back, nothing is written.
    """
    if not ref.sha256:
        raise ValueError(f"paper {ref.paper_id}: sha256 of the file is required to load it")
    doc_id = document_id(ref.sha256, extractor_version)
    now = utcnow()
    with transaction(con):
        paper_new = first_row(con, "SELECT 1 FROM papers WHERE paper_id = ?", [ref.paper_id]) is None
        if paper_new:
            con.execute(
                """INSERT INTO papers (paper_id, arxiv_id, arxiv_version, title, authors, categories,
                       published_at, abs_url, source, id_source, status, status_reason, first_seen_at, first_run_id)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    ref.paper_id, ref.arxiv_id, ref.version, ref.title or result.title,
                    list(ref.authors or ()), list(ref.categories or ()),
                    ref.published.replace(tzinfo=None) if getattr(ref, "published", None) else None,
                    ref.abs_url, ref.source, ref.id_source, result.status, result.reason, now, run_id,
                ],
            )
        else:
            con.execute(
                """UPDATE papers SET status = ?, status_reason = ?,
                       arxiv_version = coalesce(?, arxiv_version), title = coalesce(title, ?)
                   WHERE paper_id = ? AND (status IS DISTINCT FROM ? OR status_reason IS DISTINCT FROM ?
                       OR arxiv_version IS DISTINCT FROM coalesce(?, arxiv_version))""",
                [result.status, result.reason, ref.version, ref.title or result.title, ref.paper_id,
                 result.status, result.reason, ref.version],
            )
        if has_document(con, doc_id):
            return LoadResult(doc_id, paper_new, False)
        con.execute(
            """INSERT INTO documents (document_id, paper_id, file_name, path, sha256, bytes, pages,
                   pages_analysed, status, status_reason, extractor_version, extract_seconds, extracted_at, run_id)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                doc_id, ref.paper_id,
                ref.local_path.name if ref.local_path is not None else f"{ref.paper_id}.pdf",
                str(ref.local_path) if ref.local_path is not None else None,
                ref.sha256, _file_size(ref), result.pages, result.pages_analysed, result.status,
                result.reason, extractor_version, result.seconds, now, run_id,
            ],
        )
        checkpoint("load")
        new_rows = _finding_rows(ref.paper_id, doc_id, ref.sha256, result.findings, run_id)
        before = scalar(con, "SELECT count(*) FROM findings")
        con.register("_new_findings", new_rows)
        try:
            updated = scalar(
            con,
                """SELECT count(*) FROM findings f JOIN _new_findings n USING (finding_id)
                   WHERE f.value IS DISTINCT FROM n.value OR f.value_text IS DISTINCT FROM n.value_text
                      OR f.extractor_version IS DISTINCT FROM n.extractor_version"""
            )
            con.execute(
                f"""INSERT INTO findings SELECT {', '.join(FINDING_COLUMNS)} FROM _new_findings
                    ON CONFLICT (finding_id) DO UPDATE SET
                        document_id = excluded.document_id, value = excluded.value,
                        value_text = excluded.value_text, unit = excluded.unit,
                        source_text = excluded.source_text, confidence = excluded.confidence,
                        extractor_version = excluded.extractor_version, context = excluded.context,
                        extracted_at = excluded.extracted_at, run_id = excluded.run_id"""
            )
        finally:
            con.unregister("_new_findings")
        after = scalar(con, "SELECT count(*) FROM findings")
    return LoadResult(doc_id, paper_new, True, after - before, updated)


def _file_size(ref: Any) -> int | None:
    p = getattr(ref, "local_path", None)
    try:
        return p.stat().st_size if p is not None else None
    except OSError:
        return None


# ---------------------------------------------------------------------------------------- runs


@dataclass
class RunCounts:
    """Counters a run accumulates, written to ``runs`` at the end.

    Attributes:
        papers_seen: papers the source listed.
        papers_new: papers not in the warehouse before.
        documents_extracted: documents extracted in this run.
        findings_new: findings rows added.
        fits_written: fits rows added.
        documents_by_status: status -> documents handled in this run (skipped ones as ``skipped``).
        findings_by_kind: kind -> findings rows added.
    """

    papers_seen: int = 0
    papers_new: int = 0
    documents_extracted: int = 0
    findings_new: int = 0
    fits_written: int = 0
    documents_by_status: Counter = field(default_factory=Counter)
    findings_by_kind: Counter = field(default_factory=Counter)

    def as_json(self) -> str:
        """Return the two breakdowns as a JSON object string."""
        return json.dumps(
            {"documents_by_status": dict(self.documents_by_status), "findings_by_kind": dict(self.findings_by_kind)},
            sort_keys=True,
        )


def start_run(con: duckdb.DuckDBPyConnection, command: str, source: str | None, flow_run_id: str | None = None) -> str:
    """Insert a ``runs`` row with status ``running`` and return its new run_id (UUID4 hex).

    Rows still ``running`` from earlier runs belong to processes that died (this process holds
    the only read-write connection DuckDB allows), so they are closed as ``interrupted`` first.
    """
    con.execute(
        "UPDATE runs SET status = 'interrupted', error = 'the process ended before the run finished (killed or crashed)' "
        "WHERE status = 'running'"
    )
    run_id = uuid.uuid4().hex
    con.execute(
        "INSERT INTO runs (run_id, flow_run_id, command, source, started_at, status) VALUES (?, ?, ?, ?, ?, 'running')",
        [run_id, flow_run_id, command, source, utcnow()],
    )
    return run_id


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, counts: RunCounts, *, error: str | None = None) -> None:
    """Close the ``runs`` row: end time (UTC), counts, and status completed (or failed with ``error``)."""
    con.execute(
        """UPDATE runs SET finished_at = ?, status = ?, papers_seen = ?, papers_new = ?,
               documents_extracted = ?, findings_new = ?, fits_written = ?, counts = ?, error = ?
           WHERE run_id = ?""",
        [utcnow(), "failed" if error else "completed", counts.papers_seen, counts.papers_new,
         counts.documents_extracted, counts.findings_new, counts.fits_written, counts.as_json(), error, run_id],
    )


# ------------------------------------------------------------------------- observations, fits

OBSERVATION_COLUMNS: tuple[str, ...] = (
    "observation_id", "source", "source_file", "source_row", "paper_key", "arxiv_id", "title",
    "paper_link", "model_name", "year", "benchmark", "metric", "score", "ops_per_forward_pass_flop",
    "parameters", "epochs", "training_set_size", "training_time_s", "chip_model", "chip_count",
    "peak_flops_per_s", "network_operations_flop", "hardware_burden_flop", "finding_ids", "raw",
    "imported_at",
)


def insert_observations(con: duckdb.DuckDBPyConnection, rows: Sequence[dict[str, Any]]) -> int:
    """Insert observation dicts (keys of :data:`OBSERVATION_COLUMNS` but ``imported_at``).

    Rows whose observation_id exists already are skipped. Runs in one transaction.

    Returns:
        Number of rows added.

    Raises:
        KeyError: a row lacks a column.
    """
    now = utcnow()
    cols = {c: [] for c in OBSERVATION_COLUMNS}
    for r in rows:
        for c in OBSERVATION_COLUMNS:
            cols[c].append(now if c == "imported_at" else r[c])
    schema = pa.schema([
        (c, pa.string()) if c not in {"source_row", "year", "score", "ops_per_forward_pass_flop", "parameters",
                                      "epochs", "training_set_size", "training_time_s", "chip_count",
                                      "peak_flops_per_s", "network_operations_flop", "hardware_burden_flop",
                                      "finding_ids", "imported_at"}
        else (c, pa.int64() if c in {"source_row", "year"} else pa.list_(pa.string()) if c == "finding_ids"
              else pa.timestamp("us") if c == "imported_at" else pa.float64())
        for c in OBSERVATION_COLUMNS
    ])
    table = pa.table(cols, schema=schema)
    with transaction(con):
        before = scalar(con, "SELECT count(*) FROM observations")
        con.register("_new_obs", table)
        try:
            con.execute(
                f"INSERT INTO observations SELECT {', '.join(OBSERVATION_COLUMNS)} FROM _new_obs ON CONFLICT DO NOTHING"
            )
        finally:
            con.unregister("_new_obs")
        after = scalar(con, "SELECT count(*) FROM observations")
    return after - before


FIT_COLUMNS: tuple[str, ...] = (
    "fit_id", "benchmark", "metric", "compute_measure", "model_form", "response", "n", "slope",
    "intercept", "slope_se", "slope_ci_low", "slope_ci_high", "r2", "implied_power_k", "k_ci_low",
    "k_ci_high", "input_hash", "code_version", "observation_ids", "created_at", "run_id",
)


@contextmanager
def recorded_run(con: duckdb.DuckDBPyConnection, command: str, source: str | None) -> Iterator[tuple[str, RunCounts]]:
    """Open a ``runs`` row for the block and close it: completed, or failed with the error.

    Yields ``(run_id, counts)``; the block fills ``counts``. The exception, if any, propagates.
    """
    run_id = start_run(con, command, source)
    counts = RunCounts()
    try:
        yield run_id, counts
    except BaseException as exc:
        finish_run(con, run_id, counts, error=f"{type(exc).__name__}: {exc}")
        raise
    finish_run(con, run_id, counts)


# ---------------------------------------------------------------------------- harvest watermarks


def get_watermark(con: duckdb.DuckDBPyConnection, query_key: str):
    """Return the latest submission time (naive UTC datetime) harvested for ``query_key``, or None."""
    return scalar(con, "SELECT last_submitted_at FROM harvest_watermarks WHERE query_key = ?", [query_key])


def advance_watermark(con: duckdb.DuckDBPyConnection, query_key: str, query: str, latest: Any,
                      papers_seen: int, run_id: str | None) -> None:
    """Move the watermark of ``query_key`` forward to ``latest`` (aware or naive UTC datetime).

    It never moves backwards (a backfill of older dates leaves it alone); ``latest`` None (an
    empty window) creates nothing and changes nothing but the count.
    """
    latest_naive = latest.astimezone(timezone.utc).replace(tzinfo=None) if getattr(latest, "tzinfo", None) else latest
    with transaction(con):
        current = get_watermark(con, query_key)
        if current is None:
            if latest_naive is None:
                return
            con.execute(
                "INSERT INTO harvest_watermarks VALUES (?, ?, ?, ?, ?, ?)",
                [query_key, query, latest_naive, papers_seen, utcnow(), run_id],
            )
            return
        con.execute(
            """UPDATE harvest_watermarks SET last_submitted_at = greatest(last_submitted_at, coalesce(?, last_submitted_at)),
                   papers_seen = papers_seen + ?, updated_at = ?, run_id = ? WHERE query_key = ?""",
            [latest_naive, papers_seen, utcnow(), run_id, query_key],
        )


def has_version(con: duckdb.DuckDBPyConnection, paper_id: str, version: str | None, extractor_version: str) -> bool:
    """Return True when this paper's ``version`` was already read by ``extractor_version``.

    Lets the nightly flow skip an arXiv paper before downloading it. A None version never matches.
    """
    if version is None:
        return False
    return first_row(
        con,
        """SELECT 1 FROM papers p JOIN documents d USING (paper_id)
           WHERE p.paper_id = ? AND p.arxiv_version = ? AND d.extractor_version = ?""",
        [paper_id, version, extractor_version],
    ) is not None
