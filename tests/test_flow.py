"""The nightly flow end to end under prefect_test_harness on 3 real corpus PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse import db

PDFS = ("1512.03385v1.pdf", "1706.03762v5.pdf", "Char_Embed_CNN.pdf")


@pytest.fixture()
def three_pdfs(corpus_pdfs, tmp_path) -> Path:
    d = tmp_path / "mirror"
    d.mkdir()
    for name in PDFS:
        (d / name).symlink_to(corpus_pdfs / name)
    return d


@pytest.mark.corpus
@pytest.mark.slow
def test_nightly_on_three_pdfs(prefect_harness, three_pdfs, tmp_path, reference_dir):
    from analysis.reference import read_reference_dir
    from flows.nightly import nightly
    from warehouse.load import insert_observations

    w = tmp_path / "w.duckdb"
    con = db.connect(w)
    insert_observations(con, read_reference_dir(reference_dir).rows)
    con.close()

    first = nightly(source=f"dir:{three_pdfs}", warehouse=str(w), workers=2, cache_dir=str(tmp_path / "cache"),
                    report_dir=str(tmp_path / "report"))
    assert first["papers_seen"] == 3
    assert first["papers_new"] == 3
    assert first["documents_by_status"].get("no_text_layer") == 1
    assert first["fits_written"] > 0
    assert first["findings_new"] > 0
    assert "papers seen: **3**" in first["markdown"]
    assert first["report_path"] == str((tmp_path / "report" / "index.html").resolve())
    assert (tmp_path / "report" / "imagenet_top1_hardware_burden.png").stat().st_size > 10_000

    con = db.connect(w, read_only=True)
    status = dict(con.execute("SELECT paper_id, status FROM papers").fetchall())
    resnet_scores = db.scalar(con, "SELECT count(*) FROM findings WHERE paper_id = '1512.03385' AND kind = 'score'")
    before = db.table_counts(con)
    golden = con.execute(
        "SELECT n, round(slope, 4) FROM fits WHERE benchmark = 'imagenet' AND metric = 'top1' "
        "AND compute_measure = 'hardware_burden' AND model_form = 'polynomial'"
    ).fetchall()
    con.close()
    assert before["fits"] == first["fits_written"]
    assert golden == [(36, -0.0933)]
    assert status["1512.03385"] == "ok" and status["1706.03762"] == "ok"
    assert sorted(status.values()).count("no_text_layer") == 1
    assert resnet_scores > 0

    second = nightly(source=f"dir:{three_pdfs}", warehouse=str(w), workers=2, cache_dir=str(tmp_path / "cache"),
                     report_dir=str(tmp_path / "report"))
    assert second["report_path"] is None  # no new fit, no new report
    assert (second["papers_new"], second["documents_extracted"], second["findings_new"], second["fits_written"]) == (0, 0, 0, 0)
    con = db.connect(w, read_only=True)
    after = db.table_counts(con)
    runs = con.execute("SELECT status, papers_seen FROM runs ORDER BY started_at").fetchall()
    con.close()
    assert {k: v for k, v in after.items() if k != "runs"} == {k: v for k, v in before.items() if k != "runs"}
    assert runs == [("completed", 3), ("completed", 3)]
