"""Refit the scaling laws on the warehouse's curated observations and store the new fits.

Every benchmark x metric x compute measure x model form (:mod:`analysis.forms`) is fitted; a
fit is stored only when no row with the same (benchmark, metric, compute_measure, model_form,
input_hash, code_version) exists, so a refit on unchanged input adds no row. ``fit_id`` is the
hash of the fit's identifying fields (:func:`fit_id`).
"""

from __future__ import annotations

import json
from typing import Any, Sequence

import duckdb
import polars as pl

from analysis.constants import FitSettings, load_constants
from analysis.forms import EXTRA_FIT_COLUMNS, fit_all_forms
from analysis.measures import with_measures
from flows.faults import checkpoint
from warehouse.db import first_row, stable_id, transaction, utcnow
from warehouse.load import FIT_COLUMNS

#: Every column written by :func:`store_fits` (schema versions 1 and 2).
ALL_FIT_COLUMNS: tuple[str, ...] = FIT_COLUMNS + EXTRA_FIT_COLUMNS


def curated_observations(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Return the observations a (gated) refit uses, as a polars DataFrame: the ``observations``
    table (reference data) plus observations assembled from *accepted and corrected* findings
    (:func:`warehouse.review.observation_frame`); pending, stale and rejected findings never enter.
    """
    from warehouse.review import observation_frame

    return observation_frame(con, include_pending=False).sort("observation_id")


def fit_id(f: dict[str, Any]) -> str:
    """Return the fits.fit_id of a fit dict: hash of (benchmark, metric, compute_measure,
    model_form, input_hash, code_version)."""
    return stable_id("fit", f["benchmark"], f["metric"], f["compute_measure"], f["model_form"],
                     f["input_hash"], f["code_version"])


def store_fits(con: duckdb.DuckDBPyConnection, fits: Sequence[dict[str, Any]], run_id: str | None) -> list[dict[str, Any]]:
    """Insert fit dicts (keys of :data:`ALL_FIT_COLUMNS` but fit_id, created_at, run_id; missing
    version-2 keys are NULL) in one transaction, skipping those already stored.

    Returns:
        The fit dicts added, each with its ``fit_id``.
    """
    now = utcnow()
    added = []
    cols = ALL_FIT_COLUMNS
    sql = f"INSERT INTO fits ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
    with transaction(con):
        for f in fits:
            fid = fit_id(f)
            if first_row(con, "SELECT 1 FROM fits WHERE fit_id = ?", [fid]):
                continue
            checkpoint("refit")
            row = {c: None for c in EXTRA_FIT_COLUMNS}
            row.update(f, fit_id=fid, created_at=now, run_id=run_id)
            if isinstance(row.get("settings"), dict):
                row["settings"] = json.dumps(row["settings"], sort_keys=True)
            con.execute(sql, [row[c] for c in cols])
            added.append(row)
    return added


def refit(con: duckdb.DuckDBPyConnection, run_id: str | None = None,
          settings: FitSettings | None = None) -> list[dict[str, Any]]:
    """Fit every benchmark x metric x compute measure x model form and store the fits whose input changed.

    Args:
        con: read-write warehouse connection.
        run_id: runs.run_id to stamp on new fits.
        settings: fit settings (default: the ``[fit]`` section of analysis/constants.toml).

    Returns:
        The fit dicts that were added (a refit on unchanged input returns an empty list).
    """
    consts = load_constants()
    settings = settings or consts.fit
    obs = with_measures(curated_observations(con), consts.epoch)
    return store_fits(con, fit_all_forms(obs, settings), run_id)
