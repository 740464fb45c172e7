"""The ``compute-limits review`` commands: the review queue, decisions, bulk CSV review, what-if
refits and the local review web page. A thin layer over :mod:`warehouse.review`.

:func:`register` adds the ``review`` group to the typer app of :mod:`flows.cli`; the helpers of
flows.cli (``WarehouseOpt``, ``_open``, ``_fail``, ``_console``) are imported inside the
functions to avoid an import cycle. Reading commands open the warehouse read-only; writing ones
open it read-write only for the moment of the write. A warehouse held by a running ingest exits
with code 3 and a one-line message (flows.cli._open), never a stack trace.
"""


import getpass
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from warehouse import db

ReviewerOpt = Annotated[
    Optional[str],
    typer.Option("--reviewer", help="Who decides (default: $USER).", show_default=False),
]
NoteOpt = Annotated[Optional[str], typer.Option("--note", help="Free-text note stored with the decision.")]


def default_reviewer() -> str:
    """Return the reviewer name to record: ``$USER`` (or the login name the OS reports)."""
    try:
        return getpass.getuser()
    except Exception:  # no $USER/$LOGNAME and no passwd entry (some containers)
        return ""


def _open_read(warehouse: Path):
    """Open read-only; a warehouse older than schema version 3 is upgraded first by a brief
    read-write open (exits 3 when busy)."""
    from flows.cli import _open
    from warehouse.review import has_review_schema

    con = _open(warehouse, read_only=True)
    if has_review_schema(con):
        return con
    con.close()
    _open(warehouse, read_only=False).close()
    return _open(warehouse, read_only=True)


def _short(fid: str) -> str:
    return fid[:12]


def _value_text(r: dict, value_key: str = "value", text_key: str = "value_text") -> str:
    if r.get(text_key):
        return str(r[text_key])
    v = r.get(value_key)
    return "" if v is None else f"{v:.6g}"



def show_what_if(warehouse: Path, *, all_rows: bool = False) -> None:
    """Print, per benchmark x metric x compute measure, how n, slope and k would change if the
    pending (and stale) findings were accepted as extracted (:func:`warehouse.review.what_if`).

    Opens the warehouse read-only and writes nothing. For ``compute-limits refit --what-if``.
    Exits 3 when the warehouse is busy and 1 on a review error (typer.Exit), like every command.
    """
    from rich.table import Table

    from flows.cli import _console, _fail
    from warehouse.review import ReviewError, what_if

    con = _open_read(warehouse)
    try:
        rep = what_if(con)
    except ReviewError as exc:
        _fail(str(exc))
    finally:
        con.close()
    counted = ", ".join(f"{s} {n}" for s, n in rep.findings_counted.items())
    shown = [r for r in rep.rows if all_rows or r.changed]
    t = Table(title=f"what-if: {rep.observations_current} -> {rep.observations_what_if} observations "
                    f"(findings: {counted}); nothing written")
    for c in ("benchmark", "metric", "compute measure", "n", "slope", "k = 1/|slope|"):
        t.add_column(c)

    def arrow(a, b, spec):
        fa = "—" if a is None else format(a, spec)
        fb = "—" if b is None else format(b, spec)
        return fa if fa == fb else f"{fa} -> {fb}"

    for r in shown:
        t.add_row(r.benchmark, r.metric, r.compute_measure, arrow(r.n_current, r.n_what_if, "d"),
                  arrow(r.slope_current, r.slope_what_if, ".4f"), arrow(r.k_current, r.k_what_if, ".1f"))
    _console().print(t)
    if not shown:
        typer.echo("no fit would change" + ("" if rep.rows else " (no fits: import the reference data first)"))

def register(app: typer.Typer) -> None:
    """Add the ``review`` command group to ``app`` (the compute-limits typer app).

    Adds ``review list``, ``show``, ``accept``, ``reject``, ``correct``, ``export``, ``import``,
    ``what-if`` and ``serve``. Every command takes ``--warehouse`` / $COMPUTE_LIMITS_WAREHOUSE.
    """
    from flows.cli import WarehouseOpt

    review_app = typer.Typer(
        help=(
            "Review extracted findings before they enter a refit: accept, reject or correct them.\n\n"
            "Every finding starts pending; the latest decision counts and history stays. A decision made "
            "on a value that re-extraction has since changed is stale and back in the queue. Refits use "
            "the reference data plus accepted and corrected findings only. Every review command takes "
            "--warehouse PATH (or $COMPUTE_LIMITS_WAREHOUSE).\n\n"
            "Example: compute-limits review list --status queue"
        ),
        no_args_is_help=True,
    )
    app.add_typer(review_app, name="review")

    @review_app.command("list")
    def list_(
        warehouse: WarehouseOpt = db.default_path(),
        paper: Annotated[Optional[str], typer.Option("--paper", help="Only this paper id, e.g. 1512.03385.")] = None,
        kind: Annotated[Optional[str], typer.Option("--kind", help="Only this finding kind, e.g. score.")] = None,
        status: Annotated[str, typer.Option("--status", help="pending, stale, accepted, corrected, rejected, queue (pending + stale) or all.")] = "queue",
        limit: Annotated[int, typer.Option("--limit", min=0, help="Rows shown (0: all).")] = 200,
    ) -> None:
        """List findings with their review status (default: the queue, pending + stale).

        Example: compute-limits review list --paper 1512.03385 --kind score --status queue
        """
        from rich.table import Table

        from flows.cli import _console, _fail
        from warehouse.review import ReviewError, status_counts, statuses

        con = _open_read(warehouse)
        try:
            rows = statuses(con, paper_id=paper, kind=kind, status=status)
            counts = status_counts(con, paper)
        except ReviewError as exc:
            _fail(str(exc))
        finally:
            con.close()
        t = Table(title=f"findings ({status}): {len(rows)}", show_lines=False)
        for c in ("id", "paper", "kind", "value", "unit", "model", "page", "quote", "status"):
            t.add_column(c, overflow="fold" if c == "quote" else "ellipsis", no_wrap=c != "quote")
        for r in rows[: limit or None]:
            kind_text = r["kind"] if r["kind"] != "score" else f"score {r['benchmark']}/{r['metric']}"
            value = _value_text(r)
            st = r["status"]
            if st == "stale":
                value = f"{_value_text(r, 'decided_on_value', 'decided_on_value_text')} -> {value}"
                st = f"stale ({r['decision']} on old value)"
            elif st == "corrected":
                value = f"{value} -> {_value_text(r, 'reviewed_value', 'reviewed_value_text')}"
            quote = " ".join((r["source_text"] or "").split())
            t.add_row(_short(r["finding_id"]), r["paper_id"], kind_text, value,
                      r["reviewed_unit"] if r["status"] == "corrected" else r["unit"], r["model_label"] or "",
                      str(r["page"]), quote[:90] + ("..." if len(quote) > 90 else ""), st)
        _console().print(t)
        if limit and len(rows) > limit:
            typer.echo(f"({len(rows)} rows, {limit} shown; --limit 0 for all)")
        typer.echo((f"paper {paper}: " if paper else "all findings: ") + ", ".join(f"{s} {n}" for s, n in counts.items())
                   + ". Decide: compute-limits review accept ID...; see one: compute-limits review show ID")

    @review_app.command("show")
    def show(
        finding_id: Annotated[str, typer.Argument(help="Finding id or a unique prefix (at least 4 characters).")],
        warehouse: WarehouseOpt = db.default_path(),
        out: Annotated[Optional[Path], typer.Option("--out", "-o", help="PNG to write (default: ./finding-<id>-p<page>.png).")] = None,
        full_page: Annotated[bool, typer.Option("--full-page", help="Whole page instead of the region around the box.")] = False,
        resolution: Annotated[int, typer.Option(min=36, max=300, help="Image resolution (dots per inch).")] = 100,
    ) -> None:
        """Show one finding (value, quote, status, decisions) and write a PNG of its page region with the box drawn.

        Example: compute-limits review show 3f2a9c1d --out /tmp/finding.png
        """
        from flows.cli import _fail
        from warehouse.review import ReviewError, finding, history, render_png

        con = _open_read(warehouse)
        try:
            r = finding(con, finding_id)
            hist = history(con, r["finding_id"])
        except ReviewError as exc:
            _fail(str(exc))
        finally:
            con.close()
        label = f"{r['kind']}" + (f" {r['benchmark']}/{r['metric']}" if r["benchmark"] else "")
        typer.echo(f"finding {r['finding_id']}  ({r['status']})")
        typer.echo(f"paper   {r['paper_id']}  {r['title'] or ''}")
        typer.echo(f"kind    {label}  model: {r['model_label'] or '-'}")
        typer.echo(f"value   {_value_text(r)} {r['unit']}" + (f"  (reported as {r['reported_as']})" if r["reported_as"] else ""))
        if r["status"] == "stale":
            typer.echo(f"stale   decided ({r['decision']}) on {_value_text(r, 'decided_on_value', 'decided_on_value_text')}, "
                       f"re-extraction now reads {_value_text(r)}: decide again")
        typer.echo(f"page    {r['page']}  box {r['bbox_x0']}, {r['bbox_top']}, {r['bbox_x1']}, {r['bbox_bottom']} (PDF points)")
        typer.echo(f"quote   {' '.join((r['source_text'] or '').split())}")
        for h in hist:
            extra = f" -> {_value_text(h)} {h['unit'] or ''}" if h["decision"] == "correct" else ""
            typer.echo(f"  {h['decided_at']:%Y-%m-%d %H:%M:%S} UTC  {h['reviewer']}: {h['decision']}{extra}"
                       + (f" (on {_value_text(h, 'finding_value', 'finding_value_text')})" if h.get("finding_extractor_version") else "")
                       + (f"  note: {h['note']}" if h["note"] else ""))
        target = out or Path(f"finding-{_short(r['finding_id'])}-p{r['page']}.png")
        try:
            render_png(r, target, crop=not full_page, resolution=resolution)
        except (OSError, ValueError) as exc:
            _fail(f"cannot draw the page: {exc}")
        typer.echo(f"image   {target}")

    def _decide(warehouse: Path, ids: list[str], decision: str, reviewer: str | None, note: str | None,
                value: str | None = None, unit: str | None = None) -> None:
        from flows.cli import _fail, _open
        from warehouse.review import ReviewError, decide

        who = reviewer or default_reviewer()
        if not who:
            _fail("no reviewer name: pass --reviewer NAME (or set $USER)")
        con = _open(warehouse, read_only=False)
        try:
            done = decide(con, ids, decision, reviewer=who, value=value, unit=unit, note=note)
        except ReviewError as exc:
            _fail(str(exc))
        finally:
            con.close()
        past = {"accept": "accepted", "reject": "rejected", "correct": "corrected"}[decision]
        for fid in done:
            typer.echo(f"{past} {_short(fid)}" + (f" -> {value} {unit or ''}".rstrip() if value is not None else "")
                       + f" (by {who})")

    @review_app.command("accept")
    def accept(
        finding_ids: Annotated[list[str], typer.Argument(help="Finding ids or unique prefixes.")],
        warehouse: WarehouseOpt = db.default_path(),
        reviewer: ReviewerOpt = None,
        note: NoteOpt = None,
    ) -> None:
        """Accept findings as extracted: they enter the next refit.

        Example: compute-limits review accept 3f2a9c1d 77b0e2aa --note "checked table 3"
        """
        _decide(warehouse, finding_ids, "accept", reviewer, note)

    @review_app.command("reject")
    def reject(
        finding_ids: Annotated[list[str], typer.Argument(help="Finding ids or unique prefixes.")],
        warehouse: WarehouseOpt = db.default_path(),
        reviewer: ReviewerOpt = None,
        note: NoteOpt = None,
    ) -> None:
        """Reject findings (misread or not the paper's own result): they never enter a refit.

        Example: compute-limits review reject 3f2a9c1d --note "baseline from another paper"
        """
        _decide(warehouse, finding_ids, "reject", reviewer, note)

    @review_app.command("correct")
    def correct(
        finding_id: Annotated[str, typer.Argument(help="Finding id or a unique prefix.")],
        value: Annotated[str, typer.Option("--value", help="The right value in the unit (a chip key for chip_model).")],
        unit: Annotated[Optional[str], typer.Option("--unit", help="Unit of --value (default: the finding's unit).")] = None,
        warehouse: WarehouseOpt = db.default_path(),
        reviewer: ReviewerOpt = None,
        note: NoteOpt = None,
    ) -> None:
        """Correct a finding's value (and unit); the corrected value enters the next refit.

        Units per kind: FLOP, count, chip, s, epoch, examples, % or BLEU (extract/models.py).

        Example: compute-limits review correct 3f2a9c1d --value 78.57 --unit %
        """
        _decide(warehouse, [finding_id], "correct", reviewer, note, value=value, unit=unit)

    @review_app.command("export")
    def export(
        csv_path: Annotated[str, typer.Option("--csv", help="CSV file to write; '-' for standard output.")],
        warehouse: WarehouseOpt = db.default_path(),
        paper: Annotated[Optional[str], typer.Option("--paper", help="Only this paper id.")] = None,
        kind: Annotated[Optional[str], typer.Option("--kind", help="Only this finding kind.")] = None,
        status: Annotated[str, typer.Option("--status", help="As in review list (default: queue).")] = "queue",
    ) -> None:
        """Export findings to CSV for review in a spreadsheet, then `review import` it.

        Fill the decision column (accept, reject, correct; empty leaves a finding as it is),
        new_value/new_unit for corrections, and note.

        Example: compute-limits review export --csv review.csv --status queue
        """
        from flows.cli import _fail
        from warehouse.review import ReviewError, export_csv

        con = _open_read(warehouse)
        try:
            if csv_path == "-":
                n = export_csv(con, sys.stdout, paper_id=paper, kind=kind, status=status)
            else:
                with open(csv_path, "w", newline="", encoding="utf-8") as fh:
                    n = export_csv(con, fh, paper_id=paper, kind=kind, status=status)
        except ReviewError as exc:
            _fail(str(exc))
        except OSError as exc:
            _fail(f"cannot write {csv_path}: {exc.strerror or exc}")
        finally:
            con.close()
        if csv_path != "-":
            typer.echo(f"{n} findings written to {csv_path}; fill 'decision' (accept/reject/correct) and "
                       f"run: compute-limits review import {csv_path}")

    @review_app.command("import")
    def import_(
        csv_path: Annotated[str, typer.Argument(help="Review CSV (as review export writes it); '-' reads standard input.")],
        warehouse: WarehouseOpt = db.default_path(),
        reviewer: ReviewerOpt = None,
    ) -> None:
        """Apply the decisions of a review CSV: all rows or none.

        Every row is checked first; bad rows are reported by row number (header = row 1) and
        nothing is applied.

        Example: compute-limits review import review.csv --reviewer alice
        """
        from flows.cli import _fail, _open
        from warehouse.review import ImportRejected, ReviewError, import_csv, read_csv_file

        try:
            fh = sys.stdin if csv_path == "-" else read_csv_file(csv_path)
        except OSError as exc:
            _fail(f"cannot read {csv_path}: {exc.strerror or exc}")
        con = _open(warehouse, read_only=False)
        try:
            with fh:
                res = import_csv(con, fh, reviewer=reviewer or default_reviewer())
        except ImportRejected as exc:
            for n, msg in exc.rows:
                typer.secho(f"row {n}: {msg}", err=True, fg=typer.colors.RED)
            _fail(f"nothing imported: {len(exc.rows)} bad row(s) in {csv_path}; fix them and import again")
        except ReviewError as exc:
            _fail(str(exc))
        except UnicodeDecodeError:
            _fail(f"{csv_path} is not UTF-8 text: save it from the spreadsheet as CSV UTF-8")
        finally:
            con.close()
        applied = ", ".join(f"{n} {d}" for d, n in sorted(res.applied.items())) or "no decisions"
        typer.echo(f"imported {applied}; {res.skipped} row(s) without a decision left as they were")

    @review_app.command("what-if")
    def what_if_cmd(
        warehouse: WarehouseOpt = db.default_path(),
        all_rows: Annotated[bool, typer.Option("--all", help="Also list fits that would not change.")] = False,
    ) -> None:
        """Show how n, slope and k of each fit would change if the pending findings were accepted.

        Compares the fit a gated refit makes now (reference data + accepted and corrected
        findings) with one that also counts pending and stale findings as extracted
        (polynomial form). Read-only: writes nothing.

        Example: compute-limits review what-if --warehouse warehouse.duckdb
        """
        show_what_if(warehouse, all_rows=all_rows)

    @review_app.command("serve")
    def serve(
        warehouse: WarehouseOpt = db.default_path(),
        port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port on 127.0.0.1.")] = 8765,
        reviewer: ReviewerOpt = None,
        cache_dir: Annotated[Path, typer.Option("--cache-dir", help="Folder for rendered page images.")] = Path(".cache/review-png"),
    ) -> None:
        """Serve the review queue as a local web page on 127.0.0.1.

        Paper by paper: the page image with the finding highlighted, the quote, the value, and
        accept / reject / correct (keys a, r, c; j/k next/previous). The warehouse is opened only
        per request, so a nightly run can start meanwhile.

        Example: compute-limits review serve --port 8765 --reviewer alice
        """
        from flows.cli import _fail

        who = reviewer or default_reviewer()
        if not who:
            _fail("no reviewer name: pass --reviewer NAME (or set $USER)")
        _open_read(warehouse).close()  # fail now (missing, busy) rather than on the first request
        import uvicorn

        from flows.review_web import create_app

        typer.echo(f"review queue of {warehouse} at http://127.0.0.1:{port}/ (reviewer {who}); Ctrl-C stops")
        uvicorn.run(create_app(warehouse, reviewer=who, cache_dir=cache_dir), host="127.0.0.1", port=port,
                    log_level="warning")
