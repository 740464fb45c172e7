"""Fixtures of the analysis tests: a warehouse holding the reference data and its fits."""

from __future__ import annotations

import shutil

import pytest

from analysis.reference import read_reference_dir
from analysis.refit import refit
from warehouse import db
from warehouse.load import insert_observations


@pytest.fixture(scope="session")
def reference_warehouse_template(tmp_path_factory, reference_dir):
    """A warehouse file with the reference observations and one refit (built once per session)."""
    w = tmp_path_factory.mktemp("wh") / "reference.duckdb"
    con = db.connect(w)
    insert_observations(con, read_reference_dir(reference_dir).rows)
    refit(con, "run-1")
    con.close()
    return w


@pytest.fixture
def reference_warehouse(reference_warehouse_template, tmp_path):
    """A private copy of the reference warehouse (tests may write to it)."""
    w = tmp_path / "w.duckdb"
    shutil.copy(reference_warehouse_template, w)
    return w
