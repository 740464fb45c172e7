"""The ``compute-limits`` command line (typer): a thin layer over the library.

Library errors become one-line messages with a non-zero exit code here, at the command
boundary, never stack traces. Every command that touches the warehouse takes ``--warehouse``
(or ``$COMPUTE_LIMITS_WAREHOUSE``).
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from warehouse import db

app = typer.Typer(
    name="compute-limits",
    help=(
        "Measure what deep learning's progress costs in computation, straight from the literature.\n\n"
        "Example: compute-limits import-reference ../shared/reference/thompson2022 && "
        "compute-limits nightly --source dir:../shared/corpus/pdfs"
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

WarehouseOpt = Annotated[
    Path,
    typer.Option(
        "--warehouse", "-w", envvar=db.WAREHOUSE_ENV, help="DuckDB warehouse file.", show_default=True,
    ),
]

# Options shared by `nightly` and the `schedule` commands (one definition each).
SourceOpt = Annotated[str, typer.Option("--source", "-s", help="arxiv, or dir:PATH for a local folder of PDFs.")]
WorkersOpt = Annotated[int, typer.Option(min=1, help="Extraction processes at once.")]
ConfigOpt = Annotated[Optional[Path], typer.Option(help="Harvest config TOML (default: the shipped flows/harvest.toml).")]
TaskRunnerOpt = Annotated[str, typer.Option(help="Extraction fan-out: threads, or dask (prefect-dask).")]
DaskAddressOpt = Annotated[Optional[str], typer.Option(
    help="Existing Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --task-runner dask).")]

#: Exit codes: 1 usage or input error, 3 warehouse busy.
EXIT_ERROR = 1
EXIT_BUSY = 3


def _fail(message: str, code: int = EXIT_ERROR) -> None:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


def _open(path: Path, *, read_only: bool):
    """Open the warehouse or exit with a clear message (busy -> exit 3)."""
    try:
        return db.connect(path, read_only=read_only)
    except db.WarehouseBusy as exc:
        _fail(str(exc), EXIT_BUSY)
    except db.WarehouseError as exc:
        _fail(str(exc))


def _console():
    """Return a rich console for standard output, at least 140 columns wide when not a terminal."""
    from rich.console import Console

    c = Console()
    return c if c.is_terminal else Console(width=max(c.width, 140))


def configure_prefect(verbose: bool = False) -> None:
    """Set Prefect's environment before it is imported: local ephemeral mode with its state
    under ``./.prefect`` unless the user configured Prefect (``PREFECT_HOME``,
    ``PREFECT_API_URL`` or ``PREFECT_PROFILES_PATH`` set), no telemetry, a patient start-up.

    Values are from ../shared/ENVIRONMENT.md (ephemeral API start-up ~12 s the first time; the
    default 20 s start-up timeout is tight on a busy 2-core machine).
    """
    if not any(os.environ.get(k) for k in ("PREFECT_HOME", "PREFECT_API_URL", "PREFECT_PROFILES_PATH")):
        os.environ["PREFECT_HOME"] = str(Path(".prefect").resolve())
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    if not verbose:
        # our summary or one-line error says what happened; Prefect's own logs (with tracebacks
        # of failed tasks) are for --verbose
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")


@app.command()
def nightly(
    source: SourceOpt = "arxiv",
    warehouse: WarehouseOpt = db.default_path(),
    since: Annotated[Optional[str], typer.Option(help="arXiv window start, ISO date (UTC). Default: a day before --until.")] = None,
    until: Annotated[Optional[str], typer.Option(help="arXiv window end, ISO date (UTC). Default: now.")] = None,
    max_results: Annotated[Optional[int], typer.Option(help="Stop after this many papers.")] = None,
    workers: WorkersOpt = 2,
    timeout_s: Annotated[float, typer.Option(help="Per-document extraction time limit (s).")] = 60.0,
    memory_mb: Annotated[int, typer.Option(help="Per-document memory limit (MiB).")] = 2048,
    max_pages: Annotated[int, typer.Option(min=1, help="Skip documents with more pages (status too_many_pages).")] = 200,
    batch_size: Annotated[int, typer.Option(min=1, help="Papers per extraction task (each still in its own process).")] = 4,
    report_dir: Annotated[Path, typer.Option(help="Where the HTML report with plots goes when the refit writes new fits.")] = Path("reports/latest"),
    cache_dir: Annotated[Path, typer.Option(help="Cache folder for downloaded PDFs.")] = Path(".cache/pdfs"),
    refit: Annotated[bool, typer.Option("--refit/--no-refit", help="Refit the scaling laws at the end.")] = True,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show a progress bar.")] = True,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's logs (per-paper lines, retries, tracebacks of failed tasks).")] = False,
    task_runner: TaskRunnerOpt = "threads",
    dask_address: DaskAddressOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Run the nightly flow: harvest -> fetch -> extract -> load -> refit -> summary.

    On arXiv, each run asks for the papers submitted since the last run's watermark (minus an
    overlap), so missed nights are caught up; --since/--until run a backfill.

    Example: compute-limits nightly --source dir:../shared/corpus/pdfs --warehouse warehouse.duckdb
    """
    if task_runner not in ("threads", "dask"):
        _fail(f"--task-runner must be 'threads' or 'dask', got {task_runner!r}")
    _load_config(config)
    if source != "arxiv" and not source.startswith("dir:"):
        _fail(f"--source must be 'arxiv' or 'dir:PATH', got {source!r}")
    if source.startswith("dir:") and not Path(source[4:]).is_dir():
        _fail(f"{source[4:]} is not a folder: give dir:PATH of a folder of PDFs (e.g. dir:../shared/corpus/pdfs)")
    configure_prefect(verbose)
    # the warehouse must be free before the flow starts; say so now rather than inside Prefect
    try:
        db.connect(warehouse, wait_s=db.INGEST_WAIT_S).close()
    except db.WarehouseBusy as exc:
        _fail(str(exc), EXIT_BUSY)
    except db.WarehouseError as exc:
        _fail(str(exc))
    from flows.nightly import nightly as nightly_flow

    from flows.sources import SourceError

    try:
        result = nightly_flow(
            source=source, warehouse=str(warehouse), since=since, until=until, max_results=max_results,
            workers=workers, timeout_s=timeout_s, memory_mb=memory_mb, max_pages=max_pages, batch_size=batch_size,
            report_dir=str(report_dir),
            cache_dir=str(cache_dir),
            do_refit=refit, show_progress=progress and sys.stderr.isatty(),
            task_runner=task_runner, dask_address=dask_address, config=str(config) if config else None,
        )
    except (SourceError, ValueError, db.WarehouseError) as exc:
        _fail(f"nightly run failed: {exc} (recorded in the runs table; rerun to resume: finished papers are kept)")
    from rich.markdown import Markdown

    _console().print(Markdown(result["markdown"]))
    if result.get("report_path"):
        typer.echo(f"Scaling-law report with plots: {result['report_path']}")
    typer.echo(f'Query it: compute-limits sql "select kind, count(*) from findings group by 1" --warehouse {warehouse}')


def _load_config(path: Optional[Path]):
    """Load the harvest config or exit with the reason."""
    from flows.config import load_config

    try:
        return load_config(path)
    except (OSError, ValueError) as exc:
        _fail(str(exc))


schedule_app = typer.Typer(help="The nightly deployment: its cron schedule, serving it, registering it.\n\n"
                                "Example: compute-limits schedule show",
                           no_args_is_help=True)
app.add_typer(schedule_app, name="schedule")


@schedule_app.command("show")
def schedule_show(
    config: ConfigOpt = None,
    count: Annotated[int, typer.Option("--count", "-n", min=1, help="How many upcoming runs.")] = 5,
) -> None:
    """Print the cron schedule of the nightly deployment and its next runs (UTC).

    Example: compute-limits schedule show -n 3
    """
    from flows.deploy import next_runs

    cfg = _load_config(config)
    typer.echo(f"nightly deployment: cron '{cfg.cron}' ({cfg.timezone})")
    try:
        runs = next_runs(cfg, count)
    except ValueError as exc:
        _fail(f"invalid schedule: {exc}")
    for r in runs:
        typer.echo(f"  {r.isoformat()}")


def _deployment(config: Optional[Path], source: str, warehouse: Path, workers: int, task_runner: str,
                dask_address: Optional[str], *, verbose: bool):
    """Return ``(config, deployment)`` of the nightly deployment for ``schedule serve`` /
    ``schedule apply`` (exits with the reason on bad input)."""
    if task_runner not in ("threads", "dask"):
        _fail(f"--task-runner must be 'threads' or 'dask', got {task_runner!r}")
    cfg = _load_config(config)
    configure_prefect(verbose=verbose)
    from flows.deploy import build_deployment, deployment_parameters

    params = deployment_parameters(source, str(Path(warehouse).resolve()), workers=workers,
                                   config=str(Path(config).resolve()) if config else None,
                                   task_runner=task_runner, dask_address=dask_address)
    return cfg, build_deployment(cfg, params)


@schedule_app.command("serve")
def schedule_serve(
    source: SourceOpt = "arxiv",
    warehouse: WarehouseOpt = db.default_path(),
    workers: WorkersOpt = 2,
    config: ConfigOpt = None,
    task_runner: TaskRunnerOpt = "threads",
    dask_address: DaskAddressOpt = None,
) -> None:
    """Serve the nightly deployment: register it with its cron schedule and run its scheduled
    runs until stopped (Ctrl-C). Needs a Prefect server (`prefect server start`, then
    `export PREFECT_API_URL=http://127.0.0.1:4200/api`).

    Example: compute-limits schedule serve --source arxiv --warehouse /data/warehouse.duckdb
    """
    _, deployment = _deployment(config, source, warehouse, workers, task_runner, dask_address, verbose=True)
    from prefect import serve

    serve(deployment, pause_on_shutdown=False)


@schedule_app.command("apply")
def schedule_apply(
    source: SourceOpt = "arxiv",
    warehouse: WarehouseOpt = db.default_path(),
    workers: WorkersOpt = 2,
    config: ConfigOpt = None,
    task_runner: TaskRunnerOpt = "threads",
    dask_address: DaskAddressOpt = None,
) -> None:
    """Register (create or update) the nightly deployment on the Prefect server, without serving it.

    Example: PREFECT_API_URL=http://127.0.0.1:4200/api compute-limits schedule apply --source arxiv
    """
    cfg, deployment = _deployment(config, source, warehouse, workers, task_runner, dask_address, verbose=False)
    dep_id = deployment.apply()
    typer.echo(f"deployment nightly/nightly {dep_id}: cron '{cfg.cron}' ({cfg.timezone})")


@app.command("import-reference")
def import_reference(
    path: Annotated[Path, typer.Argument(help="Folder of the published CSVs (../shared/reference/thompson2022).")],
    warehouse: WarehouseOpt = db.default_path(),
) -> None:
    """Load Thompson et al.'s published hand-curated data as curated observations.

    Example: compute-limits import-reference ../shared/reference/thompson2022
    """
    from analysis.reference import ReferenceError, read_reference_dir
    from warehouse.load import insert_observations, recorded_run

    try:
        ref = read_reference_dir(path)
    except ReferenceError as exc:
        _fail(str(exc))
    con = _open(warehouse, read_only=False)
    try:
        with recorded_run(con, "import-reference", str(path)):
            added = insert_observations(con, ref.rows)
    finally:
        con.close()
    for name, n in ref.files.items():
        typer.echo(f"{name}: {n} observations")
    typer.echo(f"{added} new observations ({len(ref.rows) - added} already present) in {warehouse}")


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="A SQL query; '-' reads it from standard input.")],
    warehouse: WarehouseOpt = db.default_path(),
    as_csv: Annotated[bool, typer.Option("--csv", help="Write CSV to standard output instead of a table.")] = False,
    max_rows: Annotated[int, typer.Option(help="Rows shown in table mode (CSV writes all).")] = 200,
) -> None:
    """Run a SQL query on a read-only connection and print the result.

    Example: compute-limits sql "select kind, count(*) from findings group by 1"
    """
    import duckdb

    if query == "-":
        query = sys.stdin.read()
    con = _open(warehouse, read_only=True)
    try:
        cur = con.execute(query)
        cols = [d[0] for d in cur.description] if cur.description else []
        rows = cur.fetchall() if cols else []
    except duckdb.Error as exc:
        _fail(f"query failed: {str(exc).splitlines()[0]}")
    finally:
        con.close()
    if as_csv:
        w = csv.writer(sys.stdout)
        w.writerow(cols)
        w.writerows(rows)
        return
    from rich.table import Table

    t = Table(show_lines=False)
    for c in cols:
        t.add_column(c, overflow="fold")
    for r in rows[:max_rows]:
        t.add_row(*["" if v is None else str(v) for v in r])
    _console().print(t)
    if len(rows) > max_rows:
        typer.echo(f"({len(rows)} rows, {max_rows} shown; --max-rows N or --csv for all)")


from analysis.commands import register as _register_analysis; _register_analysis(app)  # noqa: E402,E702
from extract.commands import register as _register_extract; _register_extract(app)  # noqa: E402,E702
from flows.review_cli import register as _register_review; _register_review(app)  # noqa: E402,E702


def main() -> None:  # pragma: no cover - console entry
    """Entry point for ``python -m flows.cli``."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
