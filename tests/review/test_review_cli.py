"""The ``compute-limits review`` commands: help examples, decisions by id prefix, bulk CSV
review, what-if, page images, and a clear exit 3 while an ingest holds the warehouse."""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from flows.cli import app
from warehouse import db, review

from .test_decisions import _reference, _snapshot, fake_assembler

runner = CliRunner()


def _review_commands():
    import typer.main

    group = typer.main.get_command(app).commands["review"]
    return sorted(group.commands)


def _run(*args, **kw):
    res = runner.invoke(app, ["review", *args], **kw)
    assert "Traceback" not in res.output
    return res


@pytest.mark.parametrize("command", _review_commands())
def test_every_review_command_has_help_with_a_runnable_example(command):
    res = runner.invoke(app, ["review", command, "--help"])
    assert res.exit_code == 0, res.output
    assert "Example: compute-limits review " + command in " ".join(res.output.split())
    assert "--warehouse" in res.output


def test_review_group_lists_its_commands():
    assert set(_review_commands()) >= {"list", "show", "accept", "reject", "correct", "export", "import",
                                       "what-if", "serve"}


def test_decide_by_prefix_and_list(synthetic_wh, monkeypatch):
    path, _ = synthetic_wh
    monkeypatch.setenv(db.WAREHOUSE_ENV, str(path))
    monkeypatch.setenv("USER", "dana")
    con = db.connect(path, read_only=True)
    ids = {r["model_label"] or r["kind"]: r["finding_id"] for r in review.statuses(con)}
    con.close()

    res = _run("list")
    assert res.exit_code == 0, res.output
    assert ids["ResNet-152"][:12] in res.output and "pending 3" in res.output

    res = _run("accept", ids["ResNet-152"][:6], ids["ResNet-50"][:8])
    assert res.exit_code == 0, res.output
    assert res.output.count("accepted") == 2 and "(by dana)" in res.output
    res = _run("correct", ids["ops_per_forward_pass"][:6], "--value", "11.4e9", "--unit", "FLOP", "--note", "Table 1")
    assert res.exit_code == 0, res.output
    res = _run("reject", ids["ResNet-50"][:6], "--reviewer", "erin")
    assert res.exit_code == 0, res.output

    res = _run("correct", ids["ResNet-152"][:6], "--value", "78.6", "--unit", "BLEU")
    assert res.exit_code == 1 and "use %" in res.output
    res = _run("accept", "zzzz")
    assert res.exit_code == 1 and "no finding id starts with 'zzzz'" in res.output

    con = db.connect(path, read_only=True)
    got = {r["model_label"] or r["kind"]: (r["status"], r["reviewer"]) for r in review.statuses(con)}
    assert got == {"ResNet-152": ("accepted", "dana"), "ResNet-50": ("rejected", "erin"),
                   "ops_per_forward_pass": ("corrected", "dana")}
    assert db.scalar(con, "SELECT count(*) FROM reviews") == 4
    con.close()
    res = _run("list", "--status", "all", "--kind", "score")
    assert "accepted" in res.output and "rejected" in res.output and "FLOP" not in res.output
    res = _run("list", "--status", "maybe")
    assert res.exit_code == 1 and "unknown status" in res.output


def test_export_edit_import_all_or_nothing(synthetic_wh, tmp_path, monkeypatch):
    path, _ = synthetic_wh
    monkeypatch.setenv(db.WAREHOUSE_ENV, str(path))
    out = tmp_path / "review.csv"
    res = _run("export", "--csv", str(out))
    assert res.exit_code == 0 and "3 findings written" in res.output
    rows = list(csv.reader(out.open(newline="")))
    col = {c: i for i, c in enumerate(rows[0])}
    rows[1][col["decision"]] = "accept"
    rows[2][col["decision"]] = "correct"          # row 3: a correction without a new value
    rows[3][col["decision"]] = "reject"
    with out.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    res = _run("import", str(out), "--reviewer", "fred")
    assert res.exit_code == 1
    assert "row 3: correct needs new_value" in res.output and "nothing imported" in res.output
    con = db.connect(path, read_only=True)
    assert db.scalar(con, "SELECT count(*) FROM reviews") == 0
    con.close()

    rows[2][col["new_value"]] = "77.2"
    with out.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    res = _run("import", str(out), "--reviewer", "fred")
    assert res.exit_code == 0, res.output
    assert "imported 1 accept, 1 correct, 1 reject" in res.output
    res = _run("export", "--csv", "-", "--status", "all")
    assert res.output.count("fred") == 0  # export shows decisions, not reviewers
    assert sum(1 for line in res.output.splitlines() if ",accepted," in line) == 1


def test_what_if_command_writes_nothing(synthetic_wh, monkeypatch):
    path, _ = synthetic_wh
    con = db.connect(path)
    _reference(con)
    before, counts = _snapshot(con), db.table_counts(con)
    con.close()
    monkeypatch.setattr(review, "default_assembler", lambda: fake_assembler)
    res = _run("what-if", "--warehouse", str(path))
    assert res.exit_code == 0, res.output
    assert "imagenet" in res.output and "4 -> 6" in res.output and "nothing written" in res.output
    con = db.connect(path, read_only=True)
    assert db.table_counts(con) == counts and _snapshot(con) == before


@pytest.mark.corpus
def test_show_writes_the_page_region_png(corpus_wh, tmp_path):
    from PIL import Image

    path, _ = corpus_wh
    con = db.connect(path, read_only=True)
    row = next(r for r in review.statuses(con) if r["kind"] == "score" and r["model_label"] == "ResNet-152")
    con.close()
    png = tmp_path / "f.png"
    res = _run("show", row["finding_id"][:8], "--out", str(png), "--warehouse", str(path))
    assert res.exit_code == 0, res.output
    assert "ResNet-152" in res.output and row["source_text"].split()[0] in res.output
    with Image.open(png) as im:
        assert im.format == "PNG" and 100 < im.height < im.width  # a band of the page, not all of it
    full = tmp_path / "full.png"
    _run("show", row["finding_id"][:8], "--out", str(full), "--full-page", "--warehouse", str(path))
    with Image.open(full) as im:
        assert im.height > im.width


def test_review_commands_on_a_held_warehouse_exit_3_without_traceback(synthetic_wh):
    path, _ = synthetic_wh
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys,time\nfrom warehouse import db\nc=db.connect(sys.argv[1])\nprint('held', flush=True)\ntime.sleep(60)",
         str(path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        outs = [subprocess.run([sys.executable, "-m", "flows.cli", "review", *args, "--warehouse", str(path)],
                               capture_output=True, text=True, timeout=120)
                for args in (["list"], ["accept", "abcd1234"], ["what-if"])]
    finally:
        holder.kill()
        holder.wait()
    for out in outs:
        assert out.returncode == 3, out.stderr
        assert "warehouse busy" in out.stderr and "retry" in out.stderr
        assert "Traceback" not in out.stderr + out.stdout


def test_reading_commands_upgrade_a_warehouse_older_than_schema_v3(synthetic_wh):
    path, _ = synthetic_wh
    con = db.connect(path)
    con.execute("DROP VIEW finding_status")
    con.execute("DELETE FROM schema_migrations WHERE version = 3")
    assert review.pending_count(con) == 3  # the pre-v3 count: findings without a review
    with pytest.raises(review.SchemaTooOld, match="read-write"):
        review.statuses(con)
    con.close()
    res = _run("list", "--warehouse", str(path))
    assert res.exit_code == 0, res.output
    con = db.connect(path, read_only=True)
    assert review.has_review_schema(con)
    assert db.scalar(con, "SELECT count(*) FROM schema_migrations WHERE version = 3") == 1
