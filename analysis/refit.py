"""Refit the scaling laws on the warehouse's curated observations and store the new fits."""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl

from analysis.fits import fit_all
from warehouse.load import insert_fits


def curated_observations(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Return the ``observations`` table as a polars DataFrame (one row per observation)."""
    return con.sql("SELECT * FROM observations ORDER BY observation_id").pl()


def refit(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> list[dict[str, Any]]:
    """Fit every benchmark x metric x compute measure and store the fits whose input changed.

    Args:
        con: read-write warehouse connection.
        run_id: runs.run_id to stamp on new fits.

    Returns:
        The fit dicts that were added (a refit on unchanged input returns an empty list).
    """
    fits = fit_all(curated_observations(con))
    existing = {
        (r[0], r[1], r[2], r[3], r[4], r[5])
        for r in con.execute(
            "SELECT benchmark, metric, compute_measure, model_form, input_hash, code_version FROM fits"
        ).fetchall()
    }
    new = [f for f in fits if (f["benchmark"], f["metric"], f["compute_measure"], f["model_form"],
                               f["input_hash"], f["code_version"]) not in existing]
    insert_fits(con, new, run_id)
    return new
