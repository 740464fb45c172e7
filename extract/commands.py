"""The ``export`` and ``evaluate`` commands (registered on the ``compute-limits`` app by
:func:`register`). Thin layer over :mod:`extract.observations`, :mod:`extract.export` and
:mod:`extract.evaluate`; warehouse connections are read-only.

No ``from __future__ import annotations`` here: typer evaluates the option annotations, and
``WarehouseOpt`` is imported inside :func:`register` (importing flows.cli at module level would
be an import cycle)."""

from pathlib import Path
from typing import Annotated, Optional

import typer


def register(app: typer.Typer) -> None:
    """Add the ``export`` and ``evaluate`` commands to ``app``."""
    from flows.cli import WarehouseOpt
    from warehouse import db

    @app.command("export")
    def export(
        out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write into (created if needed).")],
        fmt: Annotated[str, typer.Option("--format", "-f", help="thompson2022 (one CSV per benchmark, published layout), csv or parquet.")] = "thompson2022",
        include_pending: Annotated[bool, typer.Option("--include-pending/--reviewed-only",
                                                      help="Use unreviewed findings too (the default until reviews exist).")] = True,
        warehouse: WarehouseOpt = db.default_path(),
    ) -> None:
        """Export observations assembled from the findings (score + compute per paper, model, benchmark).

        Example: compute-limits export --format thompson2022 --out exported/ --warehouse warehouse.duckdb
        """
        from flows.cli import _fail, _open
        from extract.export import FORMATS, export_plain, export_thompson
        from extract.observations import assemble_observations

        if fmt not in FORMATS:
            _fail(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        with _open(warehouse, read_only=True) as con:
            df = assemble_observations(con, include_pending)
        if fmt == "thompson2022":
            counts = export_thompson(df.to_dicts(), out)
            for name, n in counts.items():
                typer.echo(f"{out / name}: {n} rows")
        else:
            p = export_plain(df, out, fmt)
            typer.echo(f"{p}: {df.height} observations")
        if df.height == 0:
            typer.echo("no observations: no score findings" + ("" if include_pending else " with an accept/correct review")
                       + " in the warehouse (run `compute-limits nightly` first, or add --include-pending)")

    @app.command("evaluate")
    def evaluate(
        reference: Annotated[Path, typer.Option("--reference", "-r", help="Folder of the published CSVs (../shared/reference/thompson2022).")],
        warehouse: WarehouseOpt = db.default_path(),
        json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the full evaluation (counts and every comparison) as JSON here.")] = None,
        out_of_scope: Annotated[Optional[Path], typer.Option("--out-of-scope", help="CSV with a 'file' column: corpus files that report none of the six benchmarks (their score findings count as false positives).")] = None,
        include_pending: Annotated[bool, typer.Option("--include-pending/--reviewed-only", help="Evaluate unreviewed findings too.")] = True,
    ) -> None:
        """Compare extracted observations with the hand-curated reference, field by field (precision, recall, F1).

        Example: compute-limits evaluate --reference ../shared/reference/thompson2022 --warehouse warehouse.duckdb --json eval.json
        """
        from flows.cli import _console, _fail, _open
        from extract.evaluate import EvaluationError, evaluate_warehouse, read_out_of_scope, render, write_json

        try:
            oos = read_out_of_scope(out_of_scope) if out_of_scope is not None else None
        except EvaluationError as exc:
            _fail(str(exc))
        con = _open(warehouse, read_only=True)
        try:
            ev = evaluate_warehouse(con, reference, oos, include_pending=include_pending)
        except EvaluationError as exc:
            _fail(str(exc))
        finally:
            con.close()
        render(ev, _console())
        if json_out is not None:
            write_json(ev, json_out)
            typer.echo(f"wrote {json_out}")
