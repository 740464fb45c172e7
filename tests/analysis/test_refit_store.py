"""Refit stores every form with its version-2 columns, idempotently; fits diff reports what moved."""

from __future__ import annotations

from datetime import datetime

import json

import pytest

from analysis.history import fits_diff, latest_fits
from analysis.refit import fit_id, refit
from warehouse import db
from warehouse.load import FIT_COLUMNS

pytestmark = pytest.mark.reference


def test_refit_stores_every_form_with_bootstrap_columns(reference_warehouse):
    con = db.connect(reference_warehouse, read_only=True)
    forms = dict(con.execute("SELECT model_form, count(*) FROM fits GROUP BY 1").fetchall())
    assert set(forms) == {"polynomial", "polynomial_year", "exponential", "quantile", "record_frontier", "huber"}
    row = con.execute(
        "SELECT n, slope, boot_reps, boot_slope_ci_low, boot_slope_ci_high, settings, ci_method, theory_k, fit_id, "
        "input_hash, code_version, benchmark, metric, compute_measure, model_form FROM fits "
        "WHERE benchmark = 'imagenet' AND metric = 'top1' AND compute_measure = 'hardware_burden' AND model_form = 'polynomial'"
    ).fetchone()
    n, slope, reps, blo, bhi, settings, ci_method, theory_k, fid = row[:9]
    assert (n, round(slope, 4), reps, ci_method, theory_k) == (36, -0.0933, 2000, "t", 4.0)
    assert blo < slope < bhi
    assert json.loads(settings)["bootstrap_seed_name"] == "bootstrap|imagenet|top1|hardware_burden|polynomial"
    assert fid == fit_id(dict(zip(("input_hash", "code_version", "benchmark", "metric", "compute_measure", "model_form"), row[9:])))
    year = con.execute("SELECT round(compute_per_year, 2) FROM fits WHERE benchmark = 'imagenet' AND metric = 'top1' "
                       "AND compute_measure = 'network_operations' AND model_form = 'polynomial_year'").fetchone()
    assert year == (2.47,)
    assert (2,) in con.execute("SELECT version FROM schema_migrations").fetchall()
    con.close()


def test_second_refit_adds_nothing_and_diff_is_empty_of_changes(reference_warehouse):
    con = db.connect(reference_warehouse)
    before = db.scalar(con, "SELECT count(*) FROM fits")
    assert refit(con, "run-2") == []
    assert db.scalar(con, "SELECT count(*) FROM fits") == before
    changes = fits_diff(con)
    assert changes and all(c.n_before is None for c in changes)  # all from the one refit
    con.close()


def test_diff_after_a_paper_is_removed(reference_warehouse):
    con = db.connect(reference_warehouse)
    con.execute("DELETE FROM observations WHERE model_name = 'AlexNet' AND benchmark = 'imagenet' AND metric = 'top1'")
    added = refit(con, "run-3")
    keys = {(f["benchmark"], f["metric"], f["compute_measure"], f["model_form"]) for f in added}
    assert ("imagenet", "top1", "hardware_burden", "polynomial") in keys
    assert not any(k[0] != "imagenet" for k in keys)  # other benchmarks untouched
    ch = {(c.benchmark, c.metric, c.compute_measure, c.model_form): c for c in fits_diff(con)}
    c = ch[("imagenet", "top1", "hardware_burden", "polynomial")]
    assert (c.n_before, c.n_after) == (36, 35)
    assert c.slope_before == pytest.approx(-0.0933, abs=5e-5) and c.slope_after != c.slope_before
    assert c.new_papers == [] and len(c.dropped_papers) == 1 and "no longer in the warehouse" in c.dropped_papers[0]
    assert ("coco", "box_ap", "hardware_burden", "polynomial") not in ch
    con.close()


def test_version_1_fits_survive_the_migration(tmp_path):
    """A warehouse whose fits were written with the schema v1 columns only reads NULL in the new columns."""
    w = tmp_path / "w.duckdb"
    con = db.connect(w)
    v1 = {
        "fit_id": "f1", "benchmark": "imagenet", "metric": "top1", "compute_measure": "hardware_burden",
        "model_form": "polynomial", "response": "log10_error", "n": 3, "slope": -0.1, "intercept": 1.0,
        "slope_se": 0.01, "slope_ci_low": -0.2, "slope_ci_high": -0.05, "r2": 0.9, "implied_power_k": 10.0,
        "k_ci_low": 5.0, "k_ci_high": 20.0, "input_hash": "h", "code_version": "0.1.0",
        "observation_ids": ["a", "b", "c"], "created_at": datetime(2026, 1, 1), "run_id": "r"}
    con.execute(f"INSERT INTO fits ({', '.join(FIT_COLUMNS)}) VALUES ({', '.join('?' for _ in FIT_COLUMNS)})",
                [v1[c] for c in FIT_COLUMNS])  # only the version-1 columns, as a v1 writer did
    con.close()
    con = db.connect(w)  # applies schema.sql again: idempotent
    [f] = latest_fits(con)
    assert f["slope"] == -0.1 and f["boot_reps"] is None and f["settings"] is None
    con.close()
