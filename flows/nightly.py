"""The nightly Prefect flow: harvest -> fetch -> extract -> load -> refit -> summary.

* harvest: list papers from the source (``arxiv``: the API for a submitted-date window;
  ``dir:PATH``: a local folder of PDFs).
* fetch: download PDFs into the content-addressed cache (arXiv only; retried, it is I/O).
* extract: one task per paper, each in its own process with time and memory limits
  (:mod:`flows.worker`); papers whose file was already extracted by this extractor version are
  skipped. Not retried: extraction is deterministic.
* load: the flow's own thread writes each paper with all its findings in one transaction as
  soon as its extraction ends (DuckDB has one writer: this process).
* refit: fits every benchmark x compute measure on the curated observations; unchanged input
  adds no fit.
* summary: counts printed, stored in ``runs`` and attached as a Prefect markdown artifact.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

import extract
from extract.models import KINDS, DocumentResult
from flows.faults import checkpoint
from flows.worker import WorkerLimits, extract_isolated
from warehouse import db, load
from warehouse.db import first_row


@dataclass
class RunSummary:
    """What a nightly run did (also the flow's return value).

    Attributes:
        run_id: runs.run_id.
        source: the source spec.
        counts: :class:`warehouse.load.RunCounts` of the run.
        fits: fits written, as (benchmark, metric, compute_measure, model_form, n, slope, r2) tuples.
        wall_time_s: seconds from start to end.
        warehouse: path of the warehouse file.
        window: the arXiv submitted-date window and why it was chosen (arXiv source only).
        extract_wall_s: seconds from the first fetch/extraction to the last load.
        report_path: the HTML report written after new fits, if any.
        pending_findings: findings without a review decision (all of them until review exists).
    """

    run_id: str
    source: str
    counts: load.RunCounts
    fits: list[tuple] = field(default_factory=list)
    wall_time_s: float = 0.0
    warehouse: str = ""
    pending_findings: int = 0
    window: str | None = None
    extract_wall_s: float = 0.0
    report_path: str | None = None

    def markdown(self) -> str:
        """Return the summary as a markdown document (for the Prefect artifact and the CLI)."""
        c = self.counts
        lines = [
            f"# compute-limits nightly run `{self.run_id[:12]}`",
            "",
            f"Source `{self.source}`, warehouse `{self.warehouse}`, wall time {self.wall_time_s:.1f} s.",
            *([f"arXiv window: {self.window}."] if self.window else []),
            "",
            f"- papers seen: **{c.papers_seen}**, new: **{c.papers_new}**",
            f"- documents extracted: **{c.documents_extracted}**",
            f"- findings added: **{c.findings_new}**",
            f"- fits written: **{c.fits_written}**",
            f"- findings awaiting review: **{self.pending_findings}** (review them: `compute-limits review list`, "
            "`compute-limits review serve`; a refit uses only accepted and corrected ones)",
            "",
            "| document status | papers |",
            "|---|---|",
            *[f"| {k} | {v} |" for k, v in sorted(c.documents_by_status.items())],
            "",
            "| finding kind | added |",
            "|---|---|",
            *[f"| {k} | {c.findings_by_kind.get(k, 0)} |" for k in KINDS],
        ]
        headline = [f for f in self.fits if f[3] == "polynomial"]
        if headline:
            lines += ["", f"New polynomial fits ({len(headline)} of {len(self.fits)} new fits in all model forms; "
                      "`compute-limits fits show` lists every form):", "",
                      "| benchmark | metric | compute measure | n | slope | R^2 |", "|---|---|---|---|---|---|"]
            lines += [f"| {b} | {m} | {cm} | {n} | {s:.4f} | {'' if r2 is None else f'{r2:.3f}'} |"
                      for b, m, cm, form, n, s, r2 in headline]
        return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------ tasks


def retry_if_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect ``retry_condition_fn``: retry an I/O task only when its error may pass.

    A :class:`flows.sources.SourceError` with a permanent HTTP status (4xx but 429: a bad query,
    a missing PDF) and ``ValueError`` (bad input) are not retried; connection trouble, timeouts,
    429/5xx and anything unknown are.
    """
    from flows.sources import SourceError
    from flows.sources.arxiv_source import TRANSIENT_STATUSES

    exc = getattr(state, "data", None)
    if isinstance(exc, SourceError):
        return exc.status is None or exc.status in TRANSIENT_STATUSES
    return not isinstance(exc, ValueError)


@task(name="harvest", retries=2, retry_delay_seconds=10, retry_condition_fn=retry_if_transient, cache_policy=NO_CACHE)
def harvest(src: Any, window: tuple[str, str] | None, max_results: int | None,
            categories: tuple[str, ...] = (), keywords: tuple[str, ...] = ()) -> list:
    """List the papers of the source: a :class:`flows.sources.DirSource` lists its folder; an
    :class:`flows.sources.ArxivSource` queries the API for the submitted-date ``window``
    (ISO start and end, UTC) in ``categories`` with any of ``keywords``. Returns PaperRefs,
    at most ``max_results`` (None: all).
    """
    from flows.sources import DirSource

    if isinstance(src, DirSource):
        refs = src.list_papers()
    else:
        assert window is not None
        start, end = (_parse_utc(w) for w in window)
        refs = list(src.search(start, end, max_results=max_results, categories=categories or None,
                               keywords=keywords))
    if max_results is not None:
        refs = refs[:max_results]
    return refs


def harvest_window(con, cfg: Any, since: str | None, until: str | None,
                   now: datetime | None = None) -> tuple[datetime, datetime, str]:
    """Return the arXiv submitted-date window ``(start, end, why)`` of this run, in UTC.

    ``--since``/``--until`` win (a backfill). Otherwise the window runs from the query's
    watermark minus ``cfg.overlap_hours`` (so nights the scheduler missed are caught up, and
    papers announced late are still seen) to now; with no watermark yet, from
    ``cfg.initial_lookback_days`` ago.

    Raises:
        ValueError: a date that is not ISO 8601, or start not before end.
    """
    end = _parse_utc(until) or now or datetime.now(timezone.utc)
    if since:
        start, why = _parse_utc(since), "--since"
    else:
        wm = load.get_watermark(con, cfg.query_key)
        if wm is not None:
            start = wm.replace(tzinfo=timezone.utc) - timedelta(hours=cfg.overlap_hours)
            why = f"watermark {wm:%Y-%m-%d %H:%M} UTC minus {cfg.overlap_hours:g} h overlap"
        else:
            start = end - timedelta(days=cfg.initial_lookback_days)
            why = f"no watermark yet: last {cfg.initial_lookback_days:g} day(s)"
    if start >= end:
        raise ValueError(f"harvest window start {start.isoformat()} must be before its end {end.isoformat()}")
    return start, end, why


def _parse_utc(value: str | None) -> datetime | None:
    """Given an ISO 8601 date or datetime (naive = UTC), return an aware UTC datetime, or None."""
    if not value:
        return None
    try:
        d = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not an ISO 8601 date: {value!r} (e.g. 2026-11-21 or 2026-11-21T02:00)") from None
    return d.astimezone(timezone.utc) if d.tzinfo else d.replace(tzinfo=timezone.utc)


def make_task_runner(kind: str, workers: int, dask_address: str | None = None):
    """Return the task runner for extraction: ``threads`` (a thread pool of ``workers``; each
    extraction still runs in its own process) or ``dask`` (prefect-dask: a LocalCluster of
    ``workers`` single-threaded worker processes, or the scheduler at ``dask_address``).

    Raises:
        ValueError: an unknown ``kind`` or ``workers`` < 1.
    """
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    if kind == "threads":
        return ThreadPoolTaskRunner(max_workers=workers)
    if kind == "dask":
        import dask
        from prefect_dask import DaskTaskRunner

        # extraction starts a child process per document: Dask workers must not be daemonic
        dask.config.set({"distributed.worker.daemon": False})
        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1,
                                              "processes": True, "dashboard_address": None})
    raise ValueError(f"task runner must be 'threads' or 'dask', got {kind!r}")


@task(name="fetch", retries=3, retry_delay_seconds=[2, 10, 30], retry_condition_fn=retry_if_transient,
      cache_policy=NO_CACHE)
def fetch(src: Any, ref: Any) -> Any:
    """Download the PDF of an arXiv paper into the source's cache; return the ref with path and sha256.

    One source object serves the whole run, so its politeness delay holds across papers.
    """
    got = src.fetch_pdf(ref)
    checkpoint("fetch")
    return got


@task(name="extract", cache_policy=NO_CACHE)
def extract_task(refs: list, limits: WorkerLimits, settings: Any = None) -> list[DocumentResult]:
    """Extract a batch of papers' PDFs, each in its own isolated process, one after the other;
    always returns one result with a status per paper, in order."""
    return [extract_isolated(ref.local_path, settings, limits) for ref in refs]


@task(name="refit", cache_policy=NO_CACHE)
def refit_task(warehouse_path: str, run_id: str | None) -> list[dict]:
    """Refit all scaling laws on the warehouse's curated observations; return the fits added."""
    from analysis.refit import refit

    con = db.connect(warehouse_path, wait_s=db.INGEST_WAIT_S)
    try:
        return refit(con, run_id)
    finally:
        con.close()
        con = None  # noqa: F841 - see nightly(): no DuckDB handle kept alive by a traceback


# ------------------------------------------------------------------------------------- flow


@flow(name="nightly", log_prints=False)
def nightly(
    source: str = "dir:../shared/corpus/pdfs",
    warehouse: str = db.DEFAULT_WAREHOUSE,
    since: str | None = None,
    until: str | None = None,
    max_results: int | None = None,
    workers: int = 2,
    timeout_s: float = 60.0,
    memory_mb: int = 2048,
    cache_dir: str = ".cache/pdfs",
    do_refit: bool = True,
    show_progress: bool = False,
    task_runner: str = "threads",
    dask_address: str | None = None,
    config: str | None = None,
    max_pages: int = 200,
    batch_size: int = 4,
    report_dir: str | None = None,
) -> dict:
    """Harvest, fetch, extract, load, refit and summarise; return the summary as a dict.

    Args:
        source: ``arxiv`` or ``dir:PATH``.
        warehouse: DuckDB file (created if missing).
        since, until: ISO dates (UTC) of the arXiv submitted-date window (a backfill); default:
            from the query's watermark minus the overlap to now (see :func:`harvest_window`).
        max_results: stop after this many papers (None: all; arXiv: the config's cap).
        workers: extraction processes at once (>= 1).
        timeout_s: per-document extraction time limit in seconds.
        memory_mb: per-document address-space limit in MiB.
        cache_dir: PDF cache folder for arXiv downloads.
        do_refit: run the refit step.
        show_progress: draw a progress bar on the terminal (the CLI turns it on).
        task_runner: ``threads`` or ``dask`` (see :func:`make_task_runner`).
        dask_address: address of an existing Dask scheduler (``task_runner="dask"``).
        config: harvest config TOML (default: the shipped ``flows/harvest.toml``).
        max_pages: documents with more pages are skipped with status ``too_many_pages``.
        batch_size: papers per extraction task (each paper still in its own process). Several per
            task keep the orchestration cost (Prefect task runs, ~30/s on the local API, see
            ../shared/ENVIRONMENT.md) small next to the extraction itself.
        report_dir: when the refit wrote new fits, the HTML report with plots
            (:func:`analysis.report.build_report`) is written here and linked from a Prefect
            artifact ``scaling-report``; None: no report.
    """
    logger = get_run_logger()
    t0 = time.perf_counter()
    limits = WorkerLimits(timeout_s=timeout_s, memory_bytes=memory_mb * 1024**2)
    settings = extract.ExtractSettings(max_pages=max_pages)
    con = db.connect(warehouse, wait_s=db.INGEST_WAIT_S)
    from prefect.runtime import flow_run

    run_id = load.start_run(con, "nightly", source, flow_run_id=str(flow_run.id) if flow_run.id else None)
    counts = load.RunCounts()
    summary = RunSummary(run_id=run_id, source=source, counts=counts, warehouse=str(warehouse))
    try:
        from flows.config import load_config
        from flows.sources import DirSource, parse_source

        cfg = load_config(config)
        src = parse_source(source, cache_dir=cache_dir)
        window = None
        if not isinstance(src, DirSource):
            start, end, why = harvest_window(con, cfg, since, until)
            window = (start.isoformat(), end.isoformat())
            logger.info("harvest window %s .. %s (%s)", window[0], window[1], why)
            summary.window = f"{start:%Y-%m-%d %H:%M} .. {end:%Y-%m-%d %H:%M} UTC ({why})"
        refs = harvest(src, window, max_results if max_results is not None else (None if window is None else cfg.max_results),
                       cfg.categories, cfg.keywords)
        counts.papers_seen = len(refs)
        logger.info("harvest: %d papers from %s", len(refs), source)
        runner = make_task_runner(task_runner, workers, dask_address)
        with runner, _progress(show_progress, len(refs)) as bar:
            t_extract = time.perf_counter()
            futures: dict = {}
            batch: list = []
            for ref in refs:
                if ref.local_path is None and load.has_version(con, ref.paper_id, ref.version, extract.EXTRACTOR_VERSION):
                    counts.documents_by_status["skipped (already extracted)"] += 1
                    bar.advance()
                    continue
                if ref.local_path is None:
                    try:
                        ref = fetch(src, ref)
                    except Exception as exc:  # noqa: BLE001 - recorded per paper
                        _record_fetch_error(con, ref, exc, run_id, counts)
                        bar.advance()
                        continue
                doc_id = load.document_id(ref.sha256, extract.EXTRACTOR_VERSION)
                if load.has_document(con, doc_id):
                    counts.documents_by_status["skipped (already extracted)"] += 1
                    bar.advance()
                    continue
                batch.append(ref)
                if len(batch) >= batch_size:
                    futures[runner.submit(extract_task, parameters={"refs": batch, "limits": limits, "settings": settings})] = batch
                    batch = []
                checkpoint("extract")
            if batch:
                futures[runner.submit(extract_task, parameters={"refs": batch, "limits": limits, "settings": settings})] = batch
            for fut in as_completed(list(futures)):
                for ref, result in zip(futures[fut], fut.result()):
                    res = load.load_document(con, ref, result, extractor_version=extract.EXTRACTOR_VERSION, run_id=run_id)
                    counts.documents_extracted += 1
                    counts.papers_new += int(res.paper_new)
                    counts.findings_new += res.findings_new
                    counts.documents_by_status[result.status] += 1
                    if res.findings_new:
                        for f in result.findings:
                            counts.findings_by_kind[f.kind] += 1
                    logger.info("%s: %s, %d findings (%s)", ref.paper_id, result.status, len(result.findings),
                                result.reason or "ok")
                    bar.advance(ref.paper_id)
            summary.extract_wall_s = time.perf_counter() - t_extract
        if window is not None:
            seen = [r.published for r in refs if r.published is not None]
            load.advance_watermark(con, cfg.query_key, _query_text(cfg), max(seen) if seen else None, len(refs), run_id)
        if do_refit:
            con.close()
            added = refit_task(str(warehouse), run_id)
            con = db.connect(warehouse, wait_s=db.INGEST_WAIT_S)
            counts.fits_written = len(added)
            summary.fits = [(f["benchmark"], f["metric"], f["compute_measure"], f.get("model_form", "polynomial"),
                             f["n"], f["slope"], f.get("r2")) for f in added]
        from warehouse.review import pending_count

        summary.pending_findings = pending_count(con)
        summary.wall_time_s = time.perf_counter() - t0
        load.finish_run(con, run_id, counts)
    except BaseException as exc:
        load.finish_run(con, run_id, counts, error=f"{type(exc).__name__}: {exc}")
        raise
    finally:
        con.close()
        # a failed run's traceback keeps this frame alive (Prefect states, callers' reports):
        # drop the connection object so nothing holds DuckDB handles until interpreter exit
        con = None  # noqa: F841
    md = summary.markdown()
    try:
        create_markdown_artifact(markdown=md, key="nightly-summary", description="compute-limits nightly run summary")
    except Exception as exc:  # noqa: BLE001 - an artifact is a convenience, never fatal
        logger.warning("could not attach the summary artifact: %s", exc)
    if report_dir and counts.fits_written:
        _attach_report(warehouse, report_dir, summary, logger)
    return {
        "run_id": run_id,
        "markdown": md,
        "papers_seen": counts.papers_seen,
        "papers_new": counts.papers_new,
        "documents_extracted": counts.documents_extracted,
        "findings_new": counts.findings_new,
        "fits_written": counts.fits_written,
        "documents_by_status": dict(counts.documents_by_status),
        "findings_by_kind": dict(counts.findings_by_kind),
        "pending_findings": summary.pending_findings,
        "wall_time_s": summary.wall_time_s,
        "extract_wall_s": summary.extract_wall_s,
        "report_path": summary.report_path,
    }


def _attach_report(warehouse: str, report_dir: str, summary: RunSummary, logger: Any) -> None:
    """Write the HTML report with plots into ``report_dir`` and attach a markdown artifact
    (``scaling-report``) with the new polynomial fits and the report's path. Never fatal."""
    from analysis.report import build_report

    try:
        con = db.connect(warehouse, read_only=True, wait_s=db.INGEST_WAIT_S)
        try:
            html_path = build_report(con, report_dir).resolve()
        finally:
            con.close()
            con = None  # noqa: F841
        rows = [f"| {b} | {m} | {cm} | {n} | {s:.4f} | {1 / abs(s):.1f} |"
                for b, m, cm, form, n, s, r2 in summary.fits if form == "polynomial" and s]
        create_markdown_artifact(
            key="scaling-report",
            description="compute-limits scaling-law report (plots and HTML)",
            markdown="\n".join([
                "# Scaling-law report", "", f"HTML report with plots: `{html_path}`", "",
                "| benchmark | metric | compute measure | n | slope | k = 1/|slope| |", "|---|---|---|---|---|---|",
                *rows, ""]),
        )
        summary.report_path = str(html_path)
    except Exception as exc:  # noqa: BLE001 - a report is a convenience, never fatal
        logger.warning("could not write the scaling-law report: %s", exc)


def _query_text(cfg: Any) -> str:
    """Return the arXiv query of ``cfg`` without its date window (stored with the watermark)."""
    from flows.sources.arxiv_source import build_query

    q = build_query(cfg.categories, datetime(2000, 1, 1, tzinfo=timezone.utc),
                    datetime(2000, 1, 2, tzinfo=timezone.utc), cfg.keywords)
    return q.replace(" AND submittedDate:[200001010000 TO 200001020000]", "")


def _record_fetch_error(con, ref, exc: Exception, run_id: str, counts: load.RunCounts) -> None:
    """Record a paper whose PDF could not be downloaded (status fetch_error) and count it."""
    from warehouse.db import utcnow

    reason = f"{type(exc).__name__}: {exc}"
    with db.transaction(con):
        if first_row(con, "SELECT 1 FROM papers WHERE paper_id = ?", [ref.paper_id]) is None:
            con.execute(
                """INSERT INTO papers (paper_id, arxiv_id, arxiv_version, title, authors, categories, published_at,
                       abs_url, source, id_source, status, status_reason, first_seen_at, first_run_id)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'fetch_error', ?, ?, ?)""",
                [ref.paper_id, ref.arxiv_id, ref.version, ref.title, list(ref.authors or ()),
                 list(ref.categories or ()), ref.published.replace(tzinfo=None) if ref.published else None,
                 ref.abs_url, ref.source, ref.id_source, reason, utcnow(), run_id],
            )
            counts.papers_new += 1
    counts.documents_by_status["fetch_error"] += 1


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def advance(self, label: str | None = None) -> None:
        """Do nothing (progress display is off)."""


class _RichBar(_NoBar):
    """A rich progress bar over papers, drawn on stderr."""

    def __init__(self, total: int):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.progress = Progress(
            TextColumn("[bold]papers"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TimeRemainingColumn(), TextColumn("{task.description}"), console=Console(stderr=True),
        )
        self.task = self.progress.add_task("", total=total)

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc):
        self.progress.stop()
        return False

    def advance(self, label: str | None = None) -> None:
        """Advance by one paper, showing ``label``."""
        self.progress.update(self.task, advance=1, description=label or "")


def _progress(show: bool, total: int):
    return _RichBar(total) if show else _NoBar()
