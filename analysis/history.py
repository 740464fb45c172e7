"""Fit history: the latest fit of each (benchmark, metric, measure, form) and what moved since the last refit."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

_KEY = ("benchmark", "metric", "compute_measure", "model_form")


@dataclass(frozen=True)
class FitChange:
    """How one fit moved between its previous and its latest stored row.

    Attributes:
        benchmark, metric, compute_measure, model_form: the fit's key.
        n_before, n_after: points used (n_before None for a fit that is new).
        slope_before, slope_after: slopes.
        k_before, k_after: implied powers 1/|slope| (None for the exponential form).
        code_before, code_after: analysis versions.
        new_papers: titles (or paper keys) of observations used now and not before, sorted.
        dropped_papers: titles of observations used before and not now, sorted.
        created_at: when the latest row was made (UTC).
    """

    benchmark: str
    metric: str
    compute_measure: str
    model_form: str
    n_before: int | None
    n_after: int
    slope_before: float | None
    slope_after: float
    k_before: float | None
    k_after: float | None
    code_before: str | None
    code_after: str
    new_papers: list[str] = field(default_factory=list)
    dropped_papers: list[str] = field(default_factory=list)
    created_at: object = None


def latest_fits(con: duckdb.DuckDBPyConnection, form: str | None = None, measure: str | None = None,
                benchmark: str | None = None) -> list[dict]:
    """Return the latest fits row (as dicts) of every key, filtered by the given form, measure and
    benchmark (None = all), ordered by benchmark, metric, measure, form. Works on schema v1 and v2."""
    where, params = [], []
    for col, val in (("model_form", form), ("compute_measure", measure), ("benchmark", benchmark)):
        if val is not None:
            where.append(f"{col} = ?")
            params.append(val)
    sql = ("SELECT * FROM fits" + (" WHERE " + " AND ".join(where) if where else "")
           + " QUALIFY row_number() OVER (PARTITION BY benchmark, metric, compute_measure, model_form"
             " ORDER BY created_at DESC, fit_id) = 1 ORDER BY benchmark, metric, compute_measure, model_form")
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _titles(con: duckdb.DuckDBPyConnection, ids: set[str]) -> list[str]:
    if not ids:
        return []
    rows = con.execute(
        "SELECT DISTINCT coalesce(title, paper_key) FROM observations WHERE list_contains(?, observation_id)",
        [sorted(ids)],
    ).fetchall()
    found = sorted(r[0] for r in rows)
    missing = len(ids) - con.execute(
        "SELECT count(*) FROM observations WHERE list_contains(?, observation_id)", [sorted(ids)]).fetchone()[0]
    return found + ([f"({missing} observations no longer in the warehouse)"] if missing > 0 else [])


def fits_diff(con: duckdb.DuckDBPyConnection, include_unchanged_keys: bool = False) -> list[FitChange]:
    """Return what moved in the latest refit: for every key whose latest row belongs to the most
    recent fits batch (same created_at), its change from the key's previous row.

    Args:
        con: warehouse connection (read-only is enough).
        include_unchanged_keys: also list keys whose latest row is older than the latest batch.

    Returns:
        One :class:`FitChange` per key, ordered by key; empty when no fits are stored.
    """
    rows = con.execute(
        """SELECT benchmark, metric, compute_measure, model_form, n, slope, implied_power_k, code_version,
                  observation_ids, created_at,
                  row_number() OVER (PARTITION BY benchmark, metric, compute_measure, model_form
                                     ORDER BY created_at DESC, fit_id) AS rk
           FROM fits QUALIFY rk <= 2 ORDER BY benchmark, metric, compute_measure, model_form, rk"""
    ).fetchall()
    if not rows:
        return []
    last_batch = max(r[9] for r in rows)
    by_key: dict[tuple, list] = {}
    for r in rows:
        by_key.setdefault(r[:4], []).append(r)
    out = []
    for key, rs in by_key.items():
        new = rs[0]
        if new[9] != last_batch and not include_unchanged_keys:
            continue
        old = rs[1] if len(rs) > 1 else None
        ids_new, ids_old = set(new[8] or []), set(old[8] or []) if old else set()
        out.append(FitChange(
            *key, n_before=old[4] if old else None, n_after=new[4], slope_before=old[5] if old else None,
            slope_after=new[5], k_before=old[6] if old else None, k_after=new[6],
            code_before=old[7] if old else None, code_after=new[7],
            new_papers=_titles(con, ids_new - ids_old) if old else [],
            dropped_papers=_titles(con, ids_old - ids_new) if old else [], created_at=new[9],
        ))
    return out
