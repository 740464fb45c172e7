"""Review decisions: statuses, history, re-extraction (kept or stale), corrections, bulk CSV
import (all or nothing), the refit gate and what-if (writes nothing)."""

from __future__ import annotations

import dataclasses
import io

import polars as pl
import pytest

from extract.models import DocumentResult
from warehouse import db, load, review

from .conftest import load_synthetic, make_finding, paper_ref


def _ids(con) -> dict[str, str]:
    """model label (or kind) -> finding id."""
    return {r["model_label"] or r["kind"]: r["finding_id"] for r in review.statuses(con)}


def _status(con) -> dict[str, str]:
    return {r["model_label"] or r["kind"]: r["status"] for r in review.statuses(con)}


def _snapshot(con) -> dict[str, list]:
    """Every table's rows, sorted, for before/after comparisons."""
    out = {}
    for name in db.table_counts(con):
        rows = con.execute(f'SELECT * FROM "{name}"').fetchall()
        out[name] = sorted(map(repr, rows))
    return out


def test_every_finding_starts_pending(synthetic_wh):
    con = db.connect(synthetic_wh[0])
    assert set(_status(con).values()) == {"pending"}
    assert review.pending_count(con) == 3
    assert review.reviewed_findings(con).height == 0
    assert review.reviewed_findings(con, include_pending=True).height == 3


def test_latest_decision_counts_and_history_stays(synthetic_wh):
    con = db.connect(synthetic_wh[0])
    fid = _ids(con)["ResNet-152"]
    review.decide(con, [fid], "accept", reviewer="alice")
    review.decide(con, [fid], "reject", reviewer="bob", note="baseline")
    assert _status(con)["ResNet-152"] == "rejected"
    review.decide(con, [fid], "correct", reviewer="carol", value="78.6")
    row = review.finding(con, fid)
    assert (row["status"], row["reviewed_value"], row["reviewed_unit"], row["reviewer"]) == ("corrected", 78.6, "%", "carol")
    hist = review.history(con, fid)
    assert [h["decision"] for h in hist] == ["accept", "reject", "correct"]
    assert [h["decided_at"] for h in hist] == sorted({h["decided_at"] for h in hist})  # strictly increasing
    assert all(h["finding_value"] == 78.57 and h["finding_extractor_version"] == "t1" for h in hist)
    assert review.pending_count(con) == 2


def test_ids_by_unique_prefix(synthetic_wh):
    con = db.connect(synthetic_wh[0])
    fid = _ids(con)["ResNet-50"]
    assert review.resolve_ids(con, [fid[:6].upper(), fid]) == [fid]
    with pytest.raises(review.InvalidDecision, match="at least 4"):
        review.resolve_ids(con, [fid[:3]])
    with pytest.raises(review.UnknownFinding):
        review.resolve_ids(con, ["zzzz"])
    # two ids sharing a prefix
    con.execute("INSERT INTO findings SELECT * REPLACE ('abcd' || repeat('1', 28) AS finding_id) FROM findings LIMIT 1")
    con.execute("INSERT INTO findings SELECT * REPLACE ('abcd' || repeat('2', 28) AS finding_id) FROM findings LIMIT 1")
    with pytest.raises(review.AmbiguousFinding, match="ambiguous"):
        review.resolve_ids(con, ["abcd"])
    assert review.resolve_ids(con, ["abcd2"]) == ["abcd" + "2" * 28]


def test_decisions_survive_reextraction_same_and_new_version(synthetic_wh):
    path, ref = synthetic_wh
    con = db.connect(path)
    ids = _ids(con)
    review.decide(con, [ids["ResNet-152"]], "accept", reviewer="alice")
    review.decide(con, [ids["ResNet-50"]], "reject", reviewer="alice")
    review.decide(con, [ids["ops_per_forward_pass"]], "correct", reviewer="alice", value="11.4e9")
    before_status, before_reviews = _status(con), _snapshot(con)["reviews"]

    r = load_synthetic(con, ref, "t1")  # the same run again: nothing written
    assert (r.document_new, r.findings_new) == (False, 0)
    r = load_synthetic(con, ref, "t2")  # a new extractor version reads the same values
    assert (r.document_new, r.findings_new, r.findings_updated) == (True, 0, 3)
    assert set(con.execute("SELECT extractor_version FROM findings").fetchall()) == {("t2",)}
    assert _status(con) == before_status == {"ResNet-152": "accepted", "ResNet-50": "rejected",
                                             "ops_per_forward_pass": "corrected"}
    assert _snapshot(con)["reviews"] == before_reviews


def test_changed_value_marks_decision_stale_and_requeues(synthetic_wh):
    path, ref = synthetic_wh
    con = db.connect(path)
    fid = _ids(con)["ResNet-152"]
    review.decide(con, [fid], "accept", reviewer="alice")
    assert review.pending_count(con) == 2
    load_synthetic(con, ref, "t2", resnet152=78.75)  # re-extraction reads another value at the same place
    row = review.finding(con, fid)
    assert (row["status"], row["value"], row["decided_on_value"], row["decision"]) == ("stale", 78.75, 78.57, "accept")
    assert review.pending_count(con) == 3
    assert fid in {r["finding_id"] for r in review.statuses(con, status="queue")}
    assert fid not in review.reviewed_findings(con)["finding_id"].to_list()
    assert db.scalar(con, "SELECT count(*) FROM reviews") == 1  # the decision is kept, not deleted
    review.decide(con, [fid], "accept", reviewer="bob")
    assert review.finding(con, fid)["status"] == "accepted"
    assert [h["finding_value"] for h in review.history(con, fid)] == [78.57, 78.75]


def test_decisions_before_schema_v3_are_never_stale(synthetic_wh):
    path, ref = synthetic_wh
    con = db.connect(path)
    fid = _ids(con)["ResNet-152"]
    con.execute("""INSERT INTO reviews (review_id, finding_id, decision, reviewer, decided_at)
                   VALUES ('old', ?, 'accept', 'legacy', TIMESTAMP '2025-01-01 00:00:00')""", [fid])
    load_synthetic(con, ref, "t2", resnet152=78.75)
    assert review.finding(con, fid)["status"] == "accepted"


def test_correct_validates_value_and_unit(synthetic_wh):
    con = db.connect(synthetic_wh[0])
    ids = _ids(con)
    fid = ids["ResNet-152"]
    for value, unit, msg in [("abc", None, "not a number"), ("120", None, "0..100"), ("-1", None, ">= 0"),
                             ("78.6", "FLOP", "not allowed for score"), ("78.6", "BLEU", "use %"),
                             ("nan", None, "finite")]:
        with pytest.raises(review.InvalidDecision, match=msg):
            review.decide(con, [fid], "correct", reviewer="a", value=value, unit=unit)
    with pytest.raises(review.InvalidDecision, match="takes no value"):
        review.decide(con, [fid], "accept", reviewer="a", value="1")
    with pytest.raises(review.InvalidDecision, match="reviewer"):
        review.decide(con, [fid], "accept", reviewer=" ")
    assert db.scalar(con, "SELECT count(*) FROM reviews") == 0


def test_correct_chip_model_takes_a_chip_key(tmp_path):
    con = db.connect(tmp_path / "w.duckdb")
    chip = make_finding(kind="chip_model", value=None, value_text="nvidia-geforce-gtx-680", unit="chip",
                        benchmark=None, metric=None, model_label=None, reported_as=None,
                        source_text="two GTX 680 GPUs", extractor="sentence.hardware")
    load.load_document(con, paper_ref(tmp_path), DocumentResult(status="ok", pages=9, findings=[chip]),
                       extractor_version="t1")
    (fid,) = [r["finding_id"] for r in review.statuses(con)]
    with pytest.raises(review.InvalidDecision, match="not a chip"):
        review.decide(con, [fid], "correct", reviewer="a", value="abacus")
    review.decide(con, [fid], "correct", reviewer="a", value="GTX 580")  # an alias of the chip table
    row = review.finding(con, fid)
    assert (row["status"], row["reviewed_value_text"]) == ("corrected", "nvidia-geforce-gtx-580")


def _export(con, **kw) -> list[list[str]]:
    import csv

    buf = io.StringIO()
    review.export_csv(con, buf, **kw)
    return list(csv.reader(io.StringIO(buf.getvalue())))


def _to_csv(rows: list[list[str]]) -> io.StringIO:
    import csv

    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    buf.seek(0)
    return buf


def test_bulk_import_with_one_bad_row_applies_nothing_and_names_the_row(synthetic_wh):
    con = db.connect(synthetic_wh[0])
    rows = _export(con)
    header = rows[0]
    col = {c: i for i, c in enumerate(header)}
    assert len(rows) == 4 and header == list(review.EXPORT_COLUMNS)
    rows[1][col["decision"]] = "accept"
    rows[2][col["decision"]] = "maybe"           # row 3 of the spreadsheet
    rows[3][col["decision"]] = "correct"
    rows[3][col["new_value"]] = "11.4e9"
    before = _snapshot(con)
    with pytest.raises(review.ImportRejected) as err:
        review.import_csv(con, _to_csv(rows), reviewer="alice")
    assert [n for n, _ in err.value.rows] == [3]
    assert "row 3" in str(err.value) and "maybe" in str(err.value)
    assert _snapshot(con) == before

    rows[2][col["decision"]] = ""                # left as it is
    res = review.import_csv(con, _to_csv(rows), reviewer="alice")
    assert (res.applied, res.skipped) == ({"accept": 1, "correct": 1}, 1)
    assert sorted(_status(con).values()) == ["accepted", "corrected", "pending"]


def test_bulk_import_reports_every_bad_row(synthetic_wh):
    con = db.connect(synthetic_wh[0])
    rows = _export(con)
    col = {c: i for i, c in enumerate(rows[0])}
    rows[1][col["decision"]] = "correct"         # no new_value
    rows[2][col["decision"]] = "accept"
    rows[2][col["finding_id"]] = "ffff0000"      # unknown id
    rows[3][col["decision"]] = "correct"
    rows[3][col["new_value"]] = "12"
    rows[3][col["new_unit"]] = "GFLOPs"          # not a stored unit
    rows.append(list(rows[3]))                   # the same finding twice
    rows[4][col["new_unit"]] = ""
    with pytest.raises(review.ImportRejected) as err:
        review.import_csv(con, _to_csv(rows), reviewer="alice")
    bad = dict(err.value.rows)
    assert sorted(bad) == [2, 3, 4, 5]
    assert "new_value" in bad[2] and "ffff0000" in bad[3] and "GFLOPs" in bad[4]
    assert "decided again (first on row 4)" in bad[5]
    assert db.scalar(con, "SELECT count(*) FROM reviews") == 0


def test_bulk_import_refuses_rows_re_extracted_since_the_export(synthetic_wh):
    path, ref = synthetic_wh
    con = db.connect(path)
    rows = _export(con)
    col = {c: i for i, c in enumerate(rows[0])}
    for r in rows[1:]:
        r[col["decision"]] = "accept"
    load_synthetic(con, ref, "t2", resnet152=78.75)
    with pytest.raises(review.ImportRejected, match="re-extracted since the export") as err:
        review.import_csv(con, _to_csv(rows), reviewer="alice")
    assert len(err.value.rows) == 1
    assert db.scalar(con, "SELECT count(*) FROM reviews") == 0


def test_bulk_import_reads_a_spreadsheet_csv_with_bom(synthetic_wh, tmp_path):
    con = db.connect(synthetic_wh[0])
    rows = _export(con)
    rows[1][rows[0].index("decision")] = "Rejected"
    f = tmp_path / "review.csv"
    f.write_text(_to_csv(rows).getvalue(), encoding="utf-8-sig")
    with review.read_csv_file(f) as fh:
        res = review.import_csv(con, fh, reviewer="alice")
    assert res.applied == {"reject": 1}


# ------------------------------------------------------------------------- gate and what-if


def _reference(con) -> None:
    """Four hand-curated ImageNet points (x = ops in FLOP, top-1 accuracy %)."""
    rows = []
    for i, (ops, score) in enumerate([(1e9, 60.0), (4e9, 70.0), (1.6e10, 76.0), (6.4e10, 80.0)]):
        rows.append({c: None for c in load.OBSERVATION_COLUMNS if c != "imported_at"} | {
            "observation_id": f"ref{i}", "source": "thompson2022", "paper_key": f"p{i}", "model_name": f"m{i}",
            "benchmark": "imagenet", "metric": "top1", "score": score, "ops_per_forward_pass_flop": ops})
    load.insert_observations(con, rows)


def fake_assembler(con, include_pending: bool) -> pl.DataFrame:
    """Stand-in for extract.observations.assemble_observations: one observation per gated score
    finding, with the paper's (first gated) FLOP finding as its compute."""
    f = review.reviewed_findings(con, include_pending=include_pending)
    ops = f.filter(pl.col("kind") == "ops_per_forward_pass")
    flop = ops["reviewed_value"][0] if ops.height else 11.3e9
    scores = f.filter(pl.col("kind") == "score")
    return pl.DataFrame({
        "observation_id": scores["finding_id"], "source": ["reviewed"] * scores.height,
        "paper_key": scores["paper_id"], "model_name": scores["model_label"],
        "benchmark": scores["benchmark"], "metric": scores["metric"], "score": scores["reviewed_value"],
        "ops_per_forward_pass_flop": [flop] * scores.height,
        "finding_ids": [[fid] + ops["finding_id"].to_list()[:1] for fid in scores["finding_id"]],
    })


def test_what_if_counts_pending_and_changes_nothing_stored(synthetic_wh):
    con = db.connect(synthetic_wh[0])
    _reference(con)
    ids = _ids(con)
    review.decide(con, [ids["ResNet-152"]], "accept", reviewer="alice")
    before, counts = _snapshot(con), db.table_counts(con)
    rep = review.what_if(con, assemble=fake_assembler)
    assert db.table_counts(con) == counts and _snapshot(con) == before
    (ops_row,) = [r for r in rep.rows if r.compute_measure == "ops_per_forward_pass"]
    assert (ops_row.benchmark, ops_row.metric, ops_row.n_current, ops_row.n_what_if) == ("imagenet", "top1", 5, 6)
    assert ops_row.changed and ops_row.slope_current != ops_row.slope_what_if
    assert ops_row.k_what_if == pytest.approx(1 / abs(ops_row.slope_what_if))
    assert (rep.observations_current, rep.observations_what_if) == (5, 6)
    assert rep.findings_counted == {"accepted": 1, "corrected": 0, "pending": 2, "stale": 0}


def test_what_if_on_a_read_only_connection(synthetic_wh):
    path, _ = synthetic_wh
    con = db.connect(path)
    _reference(con)
    con.close()
    ro = db.connect(path, read_only=True)
    rep = review.what_if(ro, assemble=fake_assembler)
    assert {r.n_what_if for r in rep.rows} == {6}


def test_gate_drops_rows_of_stale_and_rejected_findings_whatever_the_assembler_does(synthetic_wh):
    path, ref = synthetic_wh
    con = db.connect(path)
    _reference(con)
    ids = _ids(con)
    review.decide(con, [ids["ResNet-152"], ids["ResNet-50"], ids["ops_per_forward_pass"]], "accept", reviewer="a")
    load_synthetic(con, ref, "t2", resnet152=78.75)        # ResNet-152's accept goes stale

    def careless(con, include_pending):                     # ignores statuses altogether
        return fake_assembler(con, include_pending=True)

    gated = review.observation_frame(con, include_pending=False, assemble=careless)
    assert set(gated["observation_id"]) == {"ref0", "ref1", "ref2", "ref3", ids["ResNet-50"]}
    review.decide(con, [ids["ResNet-50"]], "reject", reviewer="a")
    gated = review.observation_frame(con, include_pending=True, assemble=careless)
    assert set(gated["observation_id"]) == {"ref0", "ref1", "ref2", "ref3", ids["ResNet-152"]}


def test_what_if_without_an_assembler_says_so(synthetic_wh, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_observations(name, *a, **kw):
        if name == "extract.observations":
            raise ImportError(name)
        return real_import(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", no_observations)
    con = db.connect(synthetic_wh[0])
    with pytest.raises(review.ReviewError, match="assemble_observations"):
        review.what_if(con)


# ------------------------------------------------------------------------------- real PDFs


@pytest.mark.corpus
def test_decisions_survive_full_reextraction_of_real_pdfs(corpus_wh):
    path, pairs = corpus_wh
    con = db.connect(path)
    rows = review.statuses(con)
    assert len(rows) > 50 and {r["status"] for r in rows} == {"pending"}
    scores = [r["finding_id"] for r in rows if r["kind"] == "score"]
    review.decide(con, scores[:3], "accept", reviewer="alice")
    review.decide(con, scores[3:4], "reject", reviewer="alice")
    review.decide(con, scores[4:5], "correct", reviewer="alice", value="50.5")
    before_status = {r["finding_id"]: r["status"] for r in review.statuses(con)}
    before_reviews = _snapshot(con)["reviews"]

    for ref, result in pairs:                    # the same run again, then a new extractor version
        load.load_document(con, ref, result, extractor_version=rows[0]["extractor_version"])
        load.load_document(con, ref, result, extractor_version="next-version")
    assert {r["finding_id"]: r["status"] for r in review.statuses(con)} == before_status
    assert _snapshot(con)["reviews"] == before_reviews

    # a later version reads another value where an accepted finding was: stale, back in the queue
    target = next(r for r in review.statuses(con) if r["finding_id"] == scores[0])
    ref, result = next((ref, res) for ref, res in pairs if ref.paper_id == target["paper_id"])
    changed = [dataclasses.replace(f, value=f.value + 0.1)
               if f.kind == "score" and f.page == target["page"] and f.value == target["value"]
               and f.model_label == target["model_label"] else f for f in result.findings]
    load.load_document(con, ref, dataclasses.replace(result, findings=changed), extractor_version="later-version")
    after = review.finding(con, scores[0])
    assert after["status"] == "stale" and after["decided_on_value"] == target["value"]
    assert after["value"] == pytest.approx(target["value"] + 0.1)
    assert db.scalar(con, "SELECT count(*) FROM reviews") == 5


@pytest.mark.corpus
@pytest.mark.reference
def test_what_if_with_the_real_assembler_writes_nothing(corpus_wh, reference_dir):
    pytest.importorskip("extract.observations", reason="extract/observations.py (issue 3) not present yet")
    from analysis.reference import read_reference_dir

    path, _ = corpus_wh
    con = db.connect(path)
    load.insert_observations(con, read_reference_dir(reference_dir).rows)
    scores = [r["finding_id"] for r in review.statuses(con, kind="score")]
    review.decide(con, scores[:5], "accept", reviewer="alice")
    before, counts = _snapshot(con), db.table_counts(con)
    rep = review.what_if(con)
    assert db.table_counts(con) == counts and _snapshot(con) == before
    assert rep.rows and rep.observations_what_if >= rep.observations_current
    assert any(r.benchmark == "imagenet" for r in rep.rows)
