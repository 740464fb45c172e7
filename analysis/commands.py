"""The analysis commands of ``compute-limits``: fits show/diff, report, extrapolate, decompose, refit.

:func:`register` adds them to the typer app of :mod:`flows.cli`. The helpers of flows.cli
(``WarehouseOpt``, ``_open``, ``_fail``, ``_console``) are imported inside the functions to avoid
an import cycle. Commands that only read open the warehouse read-only.

``refit`` is registered again here, with the same behaviour as flows.cli's (one recorded run,
``(N new)`` in the title) and a table that shows the model form: since schema version 2 the fits
table holds six forms, some without R^2-like or k values, which the original table cannot print.
Typer keeps the last command registered under a name, so this one is used.
"""


from pathlib import Path
from typing import Annotated, Optional

import typer

from warehouse import db


def _warehouse_opt():
    from flows.cli import WarehouseOpt

    return WarehouseOpt


def _num(v, spec: str = ".4f") -> str:
    import math

    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "—"
    return format(v, spec)


def _k_text(f: dict) -> str:
    if f.get("implied_power_k") is None:
        return "— (no power law)"
    return _num(f["implied_power_k"], ".1f") + (" (CI unbounded)" if f.get("k_ci_high") is None else "")


def _observations(con, consts):
    from analysis.measures import with_measures
    from analysis.refit import curated_observations

    obs = curated_observations(con)
    return with_measures(obs, consts.epoch)


def register(app: typer.Typer) -> None:
    """Add the analysis commands to ``app`` (the compute-limits typer app).

    Adds: ``fits show``, ``fits diff``, ``report``, ``extrapolate``, ``decompose``, and ``refit``
    (see the module docstring). Every command takes ``--warehouse`` / $COMPUTE_LIMITS_WAREHOUSE.
    """
    WarehouseOpt = _warehouse_opt()
    fits_app = typer.Typer(
        help="Inspect stored scaling-law fits.\n\nExample: compute-limits fits show --form polynomial",
        no_args_is_help=True,
    )

    @fits_app.command("show")
    def fits_show(
        warehouse: WarehouseOpt = db.default_path(),
        form: Annotated[Optional[str], typer.Option(help="Model form: polynomial, polynomial_year, exponential, quantile, record_frontier, huber.")] = None,
        measure: Annotated[Optional[str], typer.Option(help="Compute measure, e.g. hardware_burden.")] = None,
        benchmark: Annotated[Optional[str], typer.Option(help="Benchmark, e.g. imagenet.")] = None,
    ) -> None:
        """Show the latest fit of every benchmark x metric x measure x form (read-only).

        Example: compute-limits fits show --benchmark imagenet --measure network_operations
        """
        from flows.cli import _console, _open
        from rich.table import Table

        from analysis.history import latest_fits

        with _open(warehouse, read_only=True) as con:
            rows = latest_fits(con, form=form, measure=measure, benchmark=benchmark)
        if not rows:
            typer.echo("no fits match: run `compute-limits refit` first, or loosen --form/--measure/--benchmark")
            return
        t = Table(title=f"latest fits ({len(rows)})")
        for c in ("benchmark", "metric", "measure", "form", "n", "slope", "95% CI", "R^2", "k = 1/|slope|",
                  "2^k", "compute/yr", "code"):
            t.add_column(c)
        for f in rows:
            t.add_row(f["benchmark"], f["metric"], f["compute_measure"], f["model_form"], str(f["n"]),
                      _num(f["slope"]), f"[{_num(f['slope_ci_low'])}, {_num(f['slope_ci_high'])}] {f.get('ci_method') or 't'}",
                      _num(f["r2"], ".3f"), _k_text(f), _num(f.get("halving_compute_factor"), ".3g"),
                      _num(f.get("compute_per_year"), ".2f"), f["code_version"])
        _console().print(t)

    @fits_app.command("diff")
    def fits_diff_cmd(
        warehouse: WarehouseOpt = db.default_path(),
        form: Annotated[Optional[str], typer.Option(help="Only this model form.")] = None,
        all_keys: Annotated[bool, typer.Option("--all", help="Also list fits the latest refit left unchanged.")] = False,
    ) -> None:
        """Show what moved in the latest refit: slope, k, n and the papers that came in or left (read-only).

        Example: compute-limits fits diff --form polynomial
        """
        from flows.cli import _console, _open
        from rich.table import Table

        from analysis.history import fits_diff

        with _open(warehouse, read_only=True) as con:
            changes = [c for c in fits_diff(con, include_unchanged_keys=all_keys) if form is None or c.model_form == form]
        if not changes:
            typer.echo("no fits stored yet: run `compute-limits refit` first")
            return
        t = Table(title=f"fits moved in the latest refit ({len(changes)})")
        for c in ("benchmark", "metric", "measure", "form", "n", "slope", "k", "code", "new papers"):
            t.add_column(c, overflow="fold")
        for c in changes:
            if c.n_before is None:
                n, s, k = f"{c.n_after} (new)", _num(c.slope_after), _num(c.k_after, ".1f")
            else:
                n = f"{c.n_before} -> {c.n_after}"
                s = f"{_num(c.slope_before)} -> {_num(c.slope_after)}"
                k = f"{_num(c.k_before, '.1f')} -> {_num(c.k_after, '.1f')}"
            code = c.code_after if c.code_before in (None, c.code_after) else f"{c.code_before} -> {c.code_after}"
            papers = "; ".join(c.new_papers[:5]) + (f" (+{len(c.new_papers) - 5})" if len(c.new_papers) > 5 else "")
            if c.dropped_papers:
                papers += f" | dropped: {len(c.dropped_papers)}"
            t.add_row(c.benchmark, c.metric, c.compute_measure, c.model_form, n, s, k, code, papers)
        _console().print(t)

    app.add_typer(fits_app, name="fits")

    @app.command()
    def report(
        out: Annotated[Path, typer.Option("--out", "-o", help="Folder for index.html and the PNG plots.")] = Path("report"),
        warehouse: WarehouseOpt = db.default_path(),
    ) -> None:
        """Write an HTML report with plots (error vs compute, k by year), fits, extrapolation and costs (read-only).

        Example: compute-limits report --out report --warehouse warehouse.duckdb
        """
        from flows.cli import _fail, _open

        from analysis.report import build_report

        con = _open(warehouse, read_only=True)
        try:
            path = build_report(con, out)
        except ValueError as exc:
            _fail(str(exc))
        finally:
            con.close()
        typer.echo(f"report written: {path}")

    @app.command()
    def extrapolate(
        warehouse: WarehouseOpt = db.default_path(),
        benchmark: Annotated[str, typer.Option(help="Benchmark, e.g. imagenet, squad11.")] = "imagenet",
        metric: Annotated[str, typer.Option(help="Metric, e.g. top1, em, box_ap, f1, bleu.")] = "top1",
        measure: Annotated[str, typer.Option(help="hardware_burden, hardware_burden_epoch, network_operations or ops_per_forward_pass.")] = "hardware_burden",
        form: Annotated[str, typer.Option(help="polynomial, exponential, quantile, record_frontier or huber.")] = "polynomial",
        target: Annotated[Optional[list[float]], typer.Option("--target", "-t", help="Target error in percent (repeatable); default from analysis/constants.toml.")] = None,
    ) -> None:
        """Compute (FLOP), dollars, energy and CO2 needed to reach target errors, with intervals (read-only).

        Example: compute-limits extrapolate --benchmark imagenet --metric top1 --target 5 --target 1
        """
        from flows.cli import _console, _fail, _open
        from rich.table import Table

        from analysis.constants import load_constants
        from analysis.extrapolate import extrapolate as do_extrapolate
        from analysis.measures import MEASURES

        if measure not in MEASURES:
            _fail(f"--measure must be one of {', '.join(MEASURES)}, got {measure!r}")
        consts = load_constants()
        targets = target or consts.targets.get(benchmark, {}).get(metric)
        if not targets:
            _fail(f"no target errors for {benchmark}/{metric} in {consts.path}: pass --target PERCENT")
        with _open(warehouse, read_only=True) as con:
            obs = _observations(con, consts)
        try:
            rows = do_extrapolate(obs, benchmark, metric, measure, list(targets), consts, form=form)
        except ValueError as exc:
            _fail(str(exc))
        t = Table(title=f"{benchmark} {metric}: compute needed ({form} fit on {measure}, n = {rows[0].n})")
        for c in ("target error", "compute (FLOP)", "95% CI (bootstrap)", "95% PI (new model)", "chip-hours",
                  "energy (kWh)", "CO2e (kg)", "cost (USD)", "cost 95% CI"):
            t.add_column(c)

        def e10(v):
            return "unbounded" if v is None else f"1e{v:.2f}"

        for e in rows:
            t.add_row(f"{e.target_error_pct:g}%", e10(e.log10_compute), f"[{e10(e.ci_low)}, {e10(e.ci_high)}]",
                      f"[{e10(e.pi_low)}, {e10(e.pi_high)}]", _num(e.chip_hours, ".3g"), _num(e.energy_kwh, ".3g"),
                      _num(e.co2_kg, ".3g"), _num(e.cost_usd, ".3g"),
                      f"[{_num(e.cost_usd_ci[0], '.3g')}, {_num(e.cost_usd_ci[1], '.3g')}]" if e.cost_usd_ci else "—")
        _console().print(t)
        c, a = consts.cost, consts.anchors
        typer.echo(f"Reference chip {c.chip}: USD {c.price_usd_per_chip_hour}/chip-hour, {c.power_w:g} W, PUE {c.pue}, "
                   f"{c.co2_lbs_per_kwh} lbs CO2e/kWh (constants: {consts.path}).")
        if benchmark == "imagenet" and metric == "top1":
            typer.echo(f"Published anchor for {a.imagenet_top1_error_pct:g}% top-1 error: about {a.compute_flop:.0e} FLOP "
                       f"and USD {a.cost_usd:.0e} ({a.source}).")

    @app.command()
    def decompose(
        warehouse: WarehouseOpt = db.default_path(),
        from_model: Annotated[str, typer.Option("--from", help="Earlier model (name as in the data).")] = "AlexNet",
        to_model: Annotated[Optional[str], typer.Option("--to", help="Later model; default: the best model of the latest year.")] = None,
        benchmark: Annotated[str, typer.Option(help="Benchmark.")] = "imagenet",
        metric: Annotated[str, typer.Option(help="Metric.")] = "top1",
    ) -> None:
        """Split the hardware-burden ratio of two models into chip count x training time x per-chip peak (read-only).

        Example: compute-limits decompose --from AlexNet --to "NASNET-A(6)"
        """
        from flows.cli import _fail, _open

        from analysis.constants import load_constants
        from analysis.decompose import DecomposeError
        from analysis.decompose import decompose as do_decompose

        with _open(warehouse, read_only=True) as con:
            obs = _observations(con, load_constants())
        try:
            d = do_decompose(obs, benchmark, metric, from_model, to_model)
        except DecomposeError as exc:
            _fail(str(exc))
        typer.echo(d.sentence())
        typer.echo(f"check: {d.chips_ratio:.4g} x {d.time_ratio:.4g} x {d.peak_ratio:.4g} x {d.other_ratio:.4g} "
                   f"= {d.chips_ratio * d.time_ratio * d.peak_ratio * d.other_ratio:.4g} = burden ratio {d.burden_ratio:.4g}")

    @app.command()
    def refit(
        warehouse: WarehouseOpt = db.default_path(),
        what_if: Annotated[bool, typer.Option("--what-if", help="Also count pending findings; write nothing; show how n, slope and k would move.")] = False,
    ) -> None:
        """Refit every scaling-law form on the curated observations (the reference data plus
        accepted and corrected findings); print the polynomial fits (new ones marked *).

        Example: compute-limits refit --warehouse warehouse.duckdb  (or: compute-limits refit --what-if)
        """
        if what_if:
            from flows.review_cli import show_what_if

            show_what_if(warehouse)
            return
        from flows.cli import _console, _open
        from rich.table import Table

        from analysis.history import latest_fits
        from analysis.refit import refit as do_refit
        from warehouse.load import recorded_run

        con = _open(warehouse, read_only=False)
        try:
            with recorded_run(con, "refit", None) as (run_id, counts):
                added = do_refit(con, run_id)
                counts.fits_written = len(added)
            latest = latest_fits(con, form="polynomial")
        finally:
            con.close()
        if not latest:
            typer.echo("no fits: the warehouse has no curated observations yet; run "
                       "`compute-limits import-reference ../shared/reference/thompson2022` first")
            return
        t = Table(title=f"fits ({len(added)} new), polynomial form; every form: compute-limits fits show")
        for c in ("benchmark", "metric", "compute measure", "n", "slope", "95% CI", "R^2", "k = 1/|slope|"):
            t.add_column(c)
        added_keys = {(f["benchmark"], f["metric"], f["compute_measure"]) for f in added if f["model_form"] == "polynomial"}
        for f in latest:
            mark = "*" if (f["benchmark"], f["metric"], f["compute_measure"]) in added_keys else ""
            t.add_row(f["benchmark"], f["metric"], f["compute_measure"] + mark, str(f["n"]), _num(f["slope"]),
                      f"[{_num(f['slope_ci_low'])}, {_num(f['slope_ci_high'])}]", _num(f["r2"], ".3f"), _k_text(f))
        _console().print(t)
