"""Warehouse: schema documentation, idempotent loading, transactions, DuckDB's lock as a clear error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from extract.models import DocumentResult, Finding
from flows.sources import PaperRef
from warehouse import db, load


def _finding(**kw) -> Finding:
    base = dict(kind="score", value=78.7, unit="%", page=6, bbox=(50.0, 100.0, 250.0, 110.0),
                source_text="ResNet-152 21.3 5.7", extractor="table.score", extractor_version="t1",
                model_label="ResNet-152", benchmark="imagenet", metric="top1", reported_as="error",
                method="table_cell", confidence=0.9)
    base.update(kw)
    return Finding(**base)


def _ref(tmp_path: Path, sha: str = "ab" * 32) -> PaperRef:
    p = tmp_path / "1512.03385v1.pdf"
    p.write_bytes(b"%PDF-1.4 test")
    return PaperRef(source="dir", paper_id="1512.03385", arxiv_id="1512.03385", version="v1",
                    title="Deep Residual Learning", local_path=p, sha256=sha, id_source="filename")


def _result(findings) -> DocumentResult:
    return DocumentResult(status="ok", pages=12, findings=list(findings), seconds=0.1, pages_analysed=3)


def test_every_column_has_a_comment(tmp_path):
    con = db.connect(tmp_path / "w.duckdb")
    missing = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main' AND NOT internal "
        "AND (comment IS NULL OR comment = '')"
    ).fetchall()
    assert missing == []
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert {"papers", "documents", "findings", "runs", "fits", "observations", "reviews"} <= tables


def test_schema_applies_twice(tmp_path):
    path = tmp_path / "w.duckdb"
    con = db.connect(path)
    versions = con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    con.close()
    con = db.connect(path)
    assert versions[0] == (1,)
    assert con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall() == versions


def test_load_is_idempotent(tmp_path):
    con = db.connect(tmp_path / "w.duckdb")
    ref = _ref(tmp_path)
    findings = [_finding(), _finding(model_label="ResNet-50", value=77.2, bbox=(50.0, 120.0, 250.0, 130.0)),
                _finding(kind="chip_count", value=8.0, unit="count", model_label=None, benchmark=None,
                         metric=None, reported_as=None, extractor="sentence.hardware", method="sentence")]
    r1 = load.load_document(con, ref, _result(findings), extractor_version="t1", run_id="run1")
    assert (r1.paper_new, r1.document_new, r1.findings_new) == (True, True, 3)
    before = db.table_counts(con)
    r2 = load.load_document(con, ref, _result(findings), extractor_version="t1", run_id="run2")
    assert (r2.paper_new, r2.document_new, r2.findings_new) == (False, False, 0)
    assert db.table_counts(con) == before


def test_same_place_twice_is_one_finding(tmp_path):
    con = db.connect(tmp_path / "w.duckdb")
    r = load.load_document(con, _ref(tmp_path), _result([_finding(), _finding()]), extractor_version="t1")
    assert r.findings_new == 1


def test_new_extractor_version_updates_finding_at_same_place(tmp_path):
    con = db.connect(tmp_path / "w.duckdb")
    ref = _ref(tmp_path)
    load.load_document(con, ref, _result([_finding()]), extractor_version="t1")
    r = load.load_document(con, ref, _result([_finding(value=78.8, extractor_version="t2")]), extractor_version="t2")
    assert (r.document_new, r.findings_new, r.findings_updated) == (True, 0, 1)
    assert con.execute("SELECT value, extractor_version FROM findings").fetchall() == [(78.8, "t2")]
    assert db.scalar(con, "SELECT count(*) FROM documents") == 2


def test_failed_load_writes_nothing(tmp_path):
    con = db.connect(tmp_path / "w.duckdb")

    class Boom:
        kind, value, value_text, unit, model_label, benchmark, metric = "score", 1.0, None, "%", None, "imagenet", "top1"
        reported_as, page, bbox, source_text, method, confidence = None, 1, None, "x", "sentence", 0.5
        extractor, extractor_version = "x", "t1"

        @property
        def context(self):
            raise RuntimeError("broken finding")

    with pytest.raises(RuntimeError):
        load.load_document(con, _ref(tmp_path), _result([Boom()]), extractor_version="t1")
    counts = db.table_counts(con)
    assert counts["papers"] == counts["documents"] == counts["findings"] == 0


def test_missing_sha_is_a_clear_error(tmp_path):
    con = db.connect(tmp_path / "w.duckdb")
    ref = PaperRef(source="dir", paper_id="x")
    with pytest.raises(ValueError, match="sha256"):
        load.load_document(con, ref, _result([]), extractor_version="t1")


def test_read_only_on_missing_file(tmp_path):
    with pytest.raises(db.WarehouseMissing, match="import-reference"):
        db.connect(tmp_path / "none.duckdb", read_only=True)


def test_second_process_gets_busy_error(tmp_path):
    path = tmp_path / "w.duckdb"
    con = db.connect(path)
    code = (
        "import sys\nfrom warehouse import db\n"
        "try:\n    db.connect(sys.argv[1], read_only=True)\nexcept db.WarehouseBusy as e:\n    print('BUSY', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60)
    assert out.stdout.startswith("BUSY warehouse busy"), out.stderr
    con.close()


def test_fits_not_duplicated_for_same_input(tmp_path):
    con = db.connect(tmp_path / "w.duckdb")
    fit = dict(benchmark="imagenet", metric="top1", compute_measure="hardware_burden", model_form="polynomial",
               response="log10_error", n=3, slope=-0.1, intercept=0.5, slope_se=0.01, slope_ci_low=-0.12,
               slope_ci_high=-0.08, r2=0.9, implied_power_k=10.0, k_ci_low=8.3, k_ci_high=12.5,
               input_hash="h", code_version="v", observation_ids=["a", "b", "c"])
    from analysis.refit import store_fits

    assert len(store_fits(con, [fit], "r1")) == 1
    assert store_fits(con, [fit], "r2") == []
    assert len(store_fits(con, [dict(fit, input_hash="h2")], "r3")) == 1


def test_recorded_run_marks_failure(tmp_path):
    con = db.connect(tmp_path / "w.duckdb")
    with pytest.raises(KeyError):
        with load.recorded_run(con, "refit", None):
            raise KeyError("x")
    assert con.execute("SELECT status, error FROM runs").fetchall() == [("failed", "KeyError: 'x'")]
