"""The analysis commands (help with examples, read-only use, errors) and the HTML report."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest
import typer.main
from typer.testing import CliRunner

from analysis.report import build_report
from flows.cli import app
from warehouse import db

runner = CliRunner()


def _all_commands():
    def walk(cmd, prefix):
        for name, sub in getattr(cmd, "commands", {}).items():
            yield (*prefix, name)
            yield from walk(sub, (*prefix, name))

    return list(walk(typer.main.get_command(app), ()))


def test_analysis_commands_registered_with_examples():
    cmds = _all_commands()
    for c in [("fits",), ("fits", "show"), ("fits", "diff"), ("report",), ("extrapolate",), ("decompose",), ("refit",)]:
        assert c in cmds
    groups = {c[:-1] for c in cmds if len(c) > 1}
    no_warehouse = {("schedule", "show")}  # commands that never open the warehouse
    for c in cmds:
        res = runner.invoke(app, [*c, "--help"])
        assert res.exit_code == 0, res.output
        assert "Example:" in res.output, c
        if c not in groups and c not in no_warehouse:
            assert "--warehouse" in res.output, c


@pytest.fixture
def held_read_only(reference_warehouse):
    """The reference warehouse held open read-only by another process: DuckDB then refuses any
    read-write connection (exit 3 in the CLI), so only read-only commands can work."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys,time\nfrom warehouse import db\nc=db.connect(sys.argv[1], read_only=True)\n"
         "print('held', flush=True)\ntime.sleep(60)", str(reference_warehouse)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield reference_warehouse
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.reference
def test_reading_commands_open_read_only(held_read_only):
    w = str(held_read_only)
    assert runner.invoke(app, ["refit", "--warehouse", w]).exit_code == 3  # the writer is refused
    res = runner.invoke(app, ["fits", "show", "--benchmark", "imagenet", "--form", "polynomial_year", "--warehouse", w])
    assert res.exit_code == 0, res.output
    assert "2.47" in res.output and "-0.0638" in res.output
    res = runner.invoke(app, ["fits", "diff", "--form", "polynomial", "--warehouse", w])
    assert res.exit_code == 0 and "(new)" in res.output
    res = runner.invoke(app, ["extrapolate", "--target", "5", "--warehouse", w])
    assert res.exit_code == 0, res.output
    assert "1e26.33" in res.output and "1e+28 FLOP" in res.output and "IEEE Spectrum" in res.output
    res = runner.invoke(app, ["decompose", "--to", "NASNET-A(6)", "--warehouse", w])
    assert res.exit_code == 0 and "6.03x" in res.output


@pytest.mark.reference
def test_command_errors_are_one_line(reference_warehouse):
    w = str(reference_warehouse)
    res = runner.invoke(app, ["extrapolate", "--measure", "parameters", "--warehouse", w])
    assert res.exit_code == 1 and "--measure must be one of" in res.output
    res = runner.invoke(app, ["extrapolate", "--benchmark", "mnist", "--warehouse", w])
    assert res.exit_code == 1 and "pass --target" in res.output
    res = runner.invoke(app, ["decompose", "--from", "NoSuchNet", "--warehouse", w])
    assert res.exit_code == 1 and "NoSuchNet" in res.output and "Traceback" not in res.output


def test_fits_commands_on_empty_warehouse(tmp_path):
    w = tmp_path / "w.duckdb"
    db.connect(w).close()
    res = runner.invoke(app, ["fits", "diff", "--warehouse", str(w)])
    assert res.exit_code == 0 and "refit" in res.output
    res = runner.invoke(app, ["report", "--out", str(tmp_path / "r"), "--warehouse", str(w)])
    assert res.exit_code == 1 and "import-reference" in res.output


@pytest.mark.reference
def test_build_report_writes_html_and_pngs(reference_warehouse, tmp_path):
    con = db.connect(reference_warehouse, read_only=True)
    index = build_report(con, tmp_path / "rep")
    con.close()
    text = index.read_text(encoding="utf-8")
    assert "<script" not in text
    pngs = sorted(p.name for p in (tmp_path / "rep").glob("*.png"))
    assert "imagenet_top1_hardware_burden.png" in pngs and "k_by_year_imagenet_top1_network_operations.png" in pngs
    for name in pngs:
        assert f"src='{name}'" in text
        assert (tmp_path / "rep" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "AlexNet -&gt; CoCa" in text and "IEEE Spectrum" in text and "-0.0933" in text


def test_build_report_needs_observations(tmp_path):
    w = tmp_path / "w.duckdb"
    db.connect(w).close()
    con = duckdb.connect(str(w), read_only=True)
    with pytest.raises(ValueError, match="no curated observations"):
        build_report(con, tmp_path / "rep")
    con.close()
