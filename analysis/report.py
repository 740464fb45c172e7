"""Static report: PNG plots (matplotlib, Agg backend) and one HTML page, no JavaScript.

:func:`build_report` is what a flow or the ``compute-limits report`` command calls; it reads the
warehouse (a read-only connection is enough) and writes into ``out_dir``:

* ``<benchmark>_<metric>_<measure>.png``: error vs compute with the polynomial fit, its 95%
  confidence band (of the mean line) and prediction band, record-setting points, the quantile
  frontier line and a reference line of the theoretical slope (k = 4);
* ``k_by_year_<benchmark>_<metric>_<measure>.png``: implied power k refitted on the data known by
  each year, with its CI, beside k = 4;
* ``index.html``: latest stored fits, algorithmic progress, extrapolation with cost and CO2 (and
  the published anchors), the AlexNet -> best-of-latest-year hardware decomposition.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from analysis import models
from analysis.constants import Constants, load_constants
from analysis.decompose import DecomposeError, decompose
from analysis.extrapolate import extrapolate
from analysis.fits import ERROR_FORM_BENCHMARKS
from analysis.forms import form_data, k_by_year, points
from analysis.history import latest_fits
from analysis.measures import with_measures
from analysis.refit import curated_observations

#: (benchmark, metric) -> measures plotted.
PLOTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("imagenet", "top1"): ("hardware_burden", "network_operations", "ops_per_forward_pass", "hardware_burden_epoch"),
    ("coco", "box_ap"): ("hardware_burden",),
    ("squad11", "em"): ("hardware_burden",),
    ("conll2003", "f1"): ("hardware_burden",),
    ("wmt14_en_fr", "bleu"): ("hardware_burden",),
    ("wmt14_en_de", "bleu"): ("hardware_burden",),
}


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_fit(observations: pl.DataFrame, benchmark: str, metric: str, measure: str, consts: Constants,
             path: Path) -> Path | None:
    """Draw error vs compute for one benchmark/measure into ``path`` (PNG); None when < 3 points.

    Axes: x = compute (FLOP, log scale), y = error in percent (log scale). The fitted polynomial
    line, its 95% CI band and prediction band, record-setting points, the q-quantile frontier and
    a slope-of-theory reference line (k = theory_k) through the data's centre are drawn.
    """
    s = consts.fit
    pts = points(observations, benchmark, metric, measure)
    prep = form_data(pts, "polynomial", s)
    if prep is None:
        return None
    df, X, y = prep
    res = models.ols(X, y, s.confidence)
    sign = 1.0 if benchmark in ERROR_FORM_BENCHMARKS else -1.0  # y = sign * log10(err)
    err = 100.0 * 10 ** (sign * y)
    x = X[:, 1]
    grid = np.linspace(x.min() - 0.5, x.max() + 0.5, 200)
    G = np.column_stack([np.ones_like(grid), grid])
    fit, ci, pi, _ = models.prediction_interval(res, G, s.confidence)
    to_err = lambda v: 100.0 * 10 ** (sign * v)  # noqa: E731
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
    ax.fill_between(10 ** grid, to_err(fit - pi), to_err(fit + pi), color="tab:blue", alpha=0.08, label="95% prediction interval")
    ax.fill_between(10 ** grid, to_err(fit - ci), to_err(fit + ci), color="tab:blue", alpha=0.25, label="95% CI of the fit")
    k = 1 / abs(res.beta[1])
    ax.plot(10 ** grid, to_err(fit), color="tab:blue", lw=2, label=f"OLS: slope {res.beta[1]:.4f}, k = {k:.1f}, n = {len(y)}")
    ax.scatter(10 ** x, err, s=14, color="0.45", label="models")
    rec = form_data(pts, "record_frontier", s)
    if rec is not None:
        ax.scatter(10 ** rec[1][:, 1], 100.0 * 10 ** (sign * rec[2]), s=30, facecolor="none", edgecolor="tab:red",
                   label="record-setting")
    q = form_data(pts, "quantile", s)
    if q is not None:
        a, b = models.quantile_line(q[1][:, 1], q[2], s.quantile)
        ax.plot(10 ** grid, to_err(a + b * grid), color="tab:green", ls="--", label=f"quantile q={s.quantile:g}: slope {b:.4f}")
    xc, yc = float(x.mean()), float(y.mean())
    ts = -1 / s.theory_k if benchmark in ERROR_FORM_BENCHMARKS else 1 / s.theory_k
    ax.plot(10 ** grid, to_err(yc + ts * (grid - xc)), color="k", ls=":", label=f"theory k = {s.theory_k:g} (slope {ts:+.2f})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"{measure.replace('_', ' ')} (FLOP)")
    ax.set_ylabel(f"{metric} error (%)" if benchmark in ERROR_FORM_BENCHMARKS else f"100 - {metric} (%)")
    ax.set_title(f"{benchmark} {metric}: error vs {measure.replace('_', ' ')}")
    ax.legend(fontsize=7, loc="best")
    ax.grid(True, which="both", alpha=0.2)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_k_by_year(observations: pl.DataFrame, benchmark: str, metric: str, measure: str, consts: Constants,
                   path: Path) -> Path | None:
    """Draw k (implied power) refitted on the data known by each year, with its CI, into ``path``;
    None when fewer than two years can be fitted. Unbounded upper ends are drawn as arrows."""
    rows = k_by_year(observations, benchmark, metric, measure, consts.fit.confidence)
    if len(rows) < 2:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=110)
    yrs = [r["year"] for r in rows]
    ks = [r["implied_power_k"] for r in rows]
    top = max(40.0, max(k for k in ks if math.isfinite(k)) * 1.5)
    lo = [r["k_ci_low"] if r["k_ci_low"] is not None else 0 for r in rows]
    hi = [r["k_ci_high"] if r["k_ci_high"] is not None else top for r in rows]
    ax.fill_between(yrs, lo, hi, color="tab:blue", alpha=0.2, step="mid", label="95% CI (top = unbounded)")
    ax.plot(yrs, ks, "o-", color="tab:blue", label="k = 1/|slope|")
    ax.axhline(consts.fit.theory_k, color="k", ls=":", label=f"theory k = {consts.fit.theory_k:g}")
    for r in rows:
        ax.annotate(f"n={r['n']}", (r["year"], r["implied_power_k"]), fontsize=6, xytext=(2, 4), textcoords="offset points")
    ax.set_ylim(0, top)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("data up to year")
    ax.set_ylabel("implied power k")
    ax.set_title(f"{benchmark} {metric} on {measure.replace('_', ' ')}: k by year of data")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _fmt(v, spec=".4f") -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "—"
    return format(v, spec)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    h = "".join(f"<th>{html.escape(c)}</th>" for c in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>"


def build_report(con: duckdb.DuckDBPyConnection, out_dir: str | Path, consts: Constants | None = None) -> Path:
    """Write the plots and ``index.html`` into ``out_dir`` (created if needed); return the HTML path.

    Args:
        con: warehouse connection (read-only is enough); fits come from the ``fits`` table,
            plots and extrapolations are computed from ``observations``.
        consts: constants (default :func:`analysis.constants.load_constants`).

    Raises:
        ValueError: the warehouse holds no observations (nothing to report).
    """
    consts = consts or load_constants()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    obs = curated_observations(con)
    if obs.height == 0:
        raise ValueError("the warehouse holds no curated observations: run `compute-limits import-reference "
                         "../shared/reference/thompson2022` (or a nightly run) and `compute-limits refit` first")
    obs = with_measures(obs, consts.epoch)
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>compute-limits report</title>",
             "<style>body{font-family:sans-serif;max-width:1100px;margin:auto;padding:1em}"
             "table{border-collapse:collapse;font-size:12px;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px}"
             "th{background:#f3f3f3}img{max-width:100%}</style></head><body>",
             "<h1>The computational limits of deep learning: current fits</h1>",
             f"<p>{obs.height} curated observations. Constants: <code>{html.escape(consts.path)}</code>. "
             "k = 1/|slope| is the implied power (compute ~ (1/error)^k); halving the error takes 2^k times "
             f"the compute; theory's floor is k = {consts.fit.theory_k:g}.</p>"]

    fits = latest_fits(con)
    if fits:
        rows = []
        for f in fits:
            unb = f.get("k_ci_high") is None and f.get("implied_power_k") is not None
            rows.append([f["benchmark"], f["metric"], f["compute_measure"], f["model_form"], f["n"], _fmt(f["slope"]),
                         f"[{_fmt(f['slope_ci_low'])}, {_fmt(f['slope_ci_high'])}]", f.get("ci_method") or "t",
                         _fmt(f["r2"], ".3f"), _fmt(f["implied_power_k"], ".1f") + (" (CI unbounded)" if unb else ""),
                         _fmt(f.get("compute_per_year"), ".2f"), f["code_version"]])
        parts += ["<h2>Latest stored fits</h2>",
                  _table(["benchmark", "metric", "measure", "form", "n", "slope", "95% CI", "CI", "R^2", "k",
                          "compute/yr", "code"], rows)]
    else:
        parts.append("<p>No fits stored yet: run <code>compute-limits refit</code>.</p>")

    parts.append("<h2>Error vs compute</h2>")
    for (b, m), measures in PLOTS.items():
        for meas in measures:
            p = plot_fit(obs, b, m, meas, consts, out / f"{b}_{m}_{meas}.png")
            if p is not None:
                parts.append(f"<h3>{b} {m} / {meas}</h3><img src='{p.name}' alt='{b} {m} {meas}'>")
    parts.append("<h2>k by year of data</h2>")
    for meas in ("hardware_burden", "network_operations"):
        p = plot_k_by_year(obs, "imagenet", "top1", meas, consts, out / f"k_by_year_imagenet_top1_{meas}.png")
        if p is not None:
            parts.append(f"<img src='{p.name}' alt='k by year {meas}'>")

    targets = consts.targets.get("imagenet", {}).get("top1", [])
    rows = []
    for meas in ("hardware_burden", "hardware_burden_epoch", "network_operations"):
        try:
            ex = extrapolate(obs, "imagenet", "top1", meas, targets, consts)
        except ValueError:
            continue
        for e in ex:
            rows.append([meas, f"{e.target_error_pct:g}%", f"1e{e.log10_compute:.1f}",
                         f"[1e{e.ci_low:.1f}, 1e{e.ci_high:.1f}]",
                         f"[{'1e%.1f' % e.pi_low if e.pi_low is not None else '—'}, "
                         f"{'1e%.1f' % e.pi_high if e.pi_high is not None else '—'}]",
                         _fmt(e.cost_usd, ".3g"), _fmt(e.co2_kg, ".3g"), _fmt(e.energy_kwh, ".3g")])
    if rows:
        a, c = consts.anchors, consts.cost
        parts += ["<h2>Extrapolation: ImageNet top-1 (polynomial form)</h2>",
                  _table(["measure", "target error", "compute (FLOP)", "95% CI (bootstrap)", "95% PI", "cost (USD)",
                          "CO2e (kg)", "energy (kWh)"], rows),
                  f"<p>Cost on {html.escape(c.chip)} at USD {c.price_usd_per_chip_hour}/chip-hour, {c.power_w:g} W, PUE "
                  f"{c.pue}, {c.co2_lbs_per_kwh} lbs CO2e/kWh. Published anchor for {a.imagenet_top1_error_pct:g}% error: "
                  f"about {a.compute_flop:.0e} FLOP and USD {a.cost_usd:.0e} ({html.escape(a.source)}).</p>"]
    try:
        d = decompose(obs)
        parts += ["<h2>Hardware vs scale</h2>", f"<p>{html.escape(d.sentence())}</p>"]
    except DecomposeError as exc:
        parts.append(f"<p>No hardware decomposition: {html.escape(str(exc))}</p>")
    parts.append("</body></html>")
    index = out / "index.html"
    index.write_text("\n".join(parts), encoding="utf-8")
    return index
