"""The nightly deployment: cron and parameters as registered on a Prefect API, and a triggered
run that completes; extraction fanned out on a 2-worker Dask LocalCluster."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from flows.config import HarvestConfig, load_config
from flows.deploy import build_deployment, deployment_parameters, next_runs
from warehouse import db

PDFS = ("1512.03385v1.pdf", "1706.03762v5.pdf", "AlexNet.pdf")


def _mirror(corpus_pdfs: Path, tmp: Path, names) -> Path:
    d = tmp / "mirror"
    d.mkdir()
    for n in names:
        (d / n).symlink_to(corpus_pdfs / n)
    return d


def test_next_runs_follow_the_cron():
    from datetime import datetime, timezone

    runs = next_runs(HarvestConfig(cron="30 2 * * 1", timezone="UTC"), 2,
                     after=datetime(2026, 11, 22, tzinfo=timezone.utc))  # a Sunday
    assert [r.isoformat() for r in runs] == ["2026-11-23T02:30:00+00:00", "2026-11-30T02:30:00+00:00"]


def test_shipped_config_is_nightly_at_two_utc():
    cfg = load_config()
    assert (cfg.cron, cfg.timezone) == ("0 2 * * *", "UTC")
    assert "cs.CV" in cfg.categories and cfg.overlap_hours > 0


def test_bad_config_names_the_key(tmp_path):
    p = tmp_path / "h.toml"
    p.write_text('[arxiv]\ncategorys = ["cs.CV"]\n')
    with pytest.raises(ValueError, match="categorys"):
        load_config(p)
    p.write_text('[schedule]\ncron = "every night"\n')
    with pytest.raises(ValueError, match="five fields"):
        load_config(p)


@pytest.mark.corpus
@pytest.mark.slow
def test_deployment_registered_and_triggered_run_completes(prefect_harness, corpus_pdfs, tmp_path, monkeypatch):
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.runner import Runner

    monkeypatch.chdir(Path(__file__).resolve().parents[2])  # the entrypoint path is relative to the project
    mirror = _mirror(corpus_pdfs, tmp_path, PDFS)
    w = tmp_path / "w.duckdb"
    params = deployment_parameters(f"dir:{mirror}", str(w), workers=2)
    dep_id = build_deployment(load_config(), params).apply()

    async def inspect():
        async with get_client() as client:
            return await client.read_deployment(dep_id)

    dep = asyncio.run(inspect())
    assert dep.name == "nightly"
    assert [(s.schedule.cron, s.schedule.timezone) for s in dep.schedules] == [("0 2 * * *", "UTC")]
    assert dep.parameters["source"] == f"dir:{mirror}" and dep.parameters["warehouse"] == str(w)

    flow_run = run_deployment("nightly/nightly", timeout=0)
    asyncio.run(Runner().execute_flow_run(flow_run.id))

    async def state():
        async with get_client() as client:
            return (await client.read_flow_run(flow_run.id)).state

    assert asyncio.run(state()).is_completed()
    con = db.connect(w, read_only=True)
    assert db.scalar(con, "SELECT count(*) FROM papers") == 3
    assert con.execute("SELECT status, flow_run_id FROM runs").fetchall() == [("completed", str(flow_run.id))]
    con.close()


@pytest.mark.corpus
@pytest.mark.slow
def test_extraction_on_two_dask_workers(prefect_harness, corpus_pdfs, tmp_path):
    from flows.nightly import nightly

    names = ("1512.03385v1.pdf", "1706.03762v5.pdf", "AlexNet.pdf", "1409.1556v6.pdf", "Char_Embed_CNN.pdf")
    mirror = _mirror(corpus_pdfs, tmp_path, names)
    w = tmp_path / "w.duckdb"
    got = nightly(source=f"dir:{mirror}", warehouse=str(w), workers=2, task_runner="dask", do_refit=False)
    assert got["documents_extracted"] == 5
    assert got["documents_by_status"] == {"ok": 4, "no_text_layer": 1}
    con = db.connect(w, read_only=True)
    per_paper = dict(con.execute("SELECT paper_id, count(*) FROM findings GROUP BY 1").fetchall())
    con.close()
    assert per_paper["1512.03385"] > 10
