"""The command line: help with examples, read-only SQL, clear errors, reference import and refit."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from flows.cli import app
from warehouse import db

runner = CliRunner()


def _commands(cmd=None, prefix=()):
    """Yield the path of every command and command group, nested ones included."""
    import typer.main

    cmd = cmd or typer.main.get_command(app)
    for name, sub in getattr(cmd, "commands", {}).items():
        yield (*prefix, name)
        yield from _commands(sub, (*prefix, name))


@pytest.mark.parametrize("command", list(_commands()), ids=" ".join)
def test_every_command_has_help_with_example(command):
    res = runner.invoke(app, [*command, "--help"])
    assert res.exit_code == 0, res.output
    assert "Example:" in res.output


def test_sql_is_read_only(tmp_path):
    w = tmp_path / "w.duckdb"
    db.connect(w).close()
    res = runner.invoke(app, ["sql", "DELETE FROM papers", "--warehouse", str(w)])
    assert res.exit_code == 1
    assert "read-only" in res.output.lower()


def test_sql_csv_and_bound_env(tmp_path, monkeypatch):
    w = tmp_path / "w.duckdb"
    db.connect(w).close()
    monkeypatch.setenv(db.WAREHOUSE_ENV, str(w))
    res = runner.invoke(app, ["sql", "SELECT version, name FROM schema_migrations", "--csv"])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[:2] == ["version,name", "1,initial schema"]


def test_sql_missing_warehouse_says_what_to_do(tmp_path):
    res = runner.invoke(app, ["sql", "select 1", "--warehouse", str(tmp_path / "nope.duckdb")])
    assert res.exit_code == 1
    assert "compute-limits nightly" in res.output


def test_sql_bad_query_is_one_line(tmp_path):
    w = tmp_path / "w.duckdb"
    db.connect(w).close()
    res = runner.invoke(app, ["sql", "SELEC 1", "--warehouse", str(w)])
    assert res.exit_code == 1
    assert "query failed" in res.output and "Traceback" not in res.output


def test_sql_busy_warehouse_exits_3_without_traceback(tmp_path):
    w = tmp_path / "w.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys,time\nfrom warehouse import db\nc=db.connect(sys.argv[1])\nprint('held', flush=True)\ntime.sleep(30)", str(w)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        out = subprocess.run([sys.executable, "-m", "flows.cli", "sql", "select 1", "--warehouse", str(w)],
                             capture_output=True, text=True, timeout=60)
    finally:
        holder.kill()
        holder.wait()
    assert out.returncode == 3
    assert "warehouse busy" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.reference
def test_import_reference_then_refit(tmp_path, reference_dir):
    w = tmp_path / "w.duckdb"
    res = runner.invoke(app, ["import-reference", str(reference_dir), "--warehouse", str(w)])
    assert res.exit_code == 0, res.output
    again = runner.invoke(app, ["import-reference", str(reference_dir), "--warehouse", str(w)])
    assert "0 new observations" in again.output
    res = runner.invoke(app, ["refit", "--warehouse", str(w)])
    assert res.exit_code == 0, res.output
    con = db.connect(w, read_only=True)
    rows = con.execute(
        "SELECT n, round(slope, 4), round(r2, 3) FROM fits WHERE benchmark = 'imagenet' AND metric = 'top1' "
        "AND compute_measure = 'hardware_burden' AND model_form = 'polynomial'"
    ).fetchall()
    stored = db.scalar(con, "SELECT count(*) FROM fits")
    con.close()
    assert rows == [(36, -0.0933, 0.766)]
    res = runner.invoke(app, ["refit", "--warehouse", str(w)])
    assert "(0 new)" in res.output
    con = db.connect(w, read_only=True)
    # every form x measure x benchmark is stored (schema v2); a refit on unchanged input adds none
    assert stored > 14 and db.scalar(con, "SELECT count(*) FROM fits") == stored
    assert con.execute("SELECT command, status FROM runs ORDER BY started_at").fetchall() == [
        ("import-reference", "completed"), ("import-reference", "completed"), ("refit", "completed"), ("refit", "completed")]


def test_import_reference_bad_folder(tmp_path):
    res = runner.invoke(app, ["import-reference", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w.duckdb")])
    assert res.exit_code == 1
    assert "reference folder not found" in res.output


def test_nightly_rejects_bad_source(tmp_path):
    res = runner.invoke(app, ["nightly", "--source", "ftp://x", "--warehouse", str(tmp_path / "w.duckdb")])
    assert res.exit_code == 1
    assert "arxiv" in res.output and "dir:PATH" in res.output
