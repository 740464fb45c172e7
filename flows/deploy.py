"""The nightly flow as a Prefect deployment with a cron schedule, built from the project's files.

The schedule (cron and time zone) comes from ``flows/harvest.toml`` (or ``--config``); the
deployment's parameters are the flow's, so a served deployment runs exactly what
``compute-limits nightly`` runs. Serve it with ``compute-limits schedule serve`` (a long-running
process that executes the scheduled runs against a Prefect server, see README), or register it
on a server with ``compute-limits schedule apply``.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Any

from flows.config import HarvestConfig

#: Name of the deployment (full name ``nightly/nightly``).
DEPLOYMENT_NAME = "nightly"


def deployment_parameters(source: str, warehouse: str, *, workers: int = 2, config: str | None = None,
                          task_runner: str = "threads", dask_address: str | None = None) -> dict[str, Any]:
    """Return the flow parameters a scheduled run uses (all JSON-serialisable)."""
    from pathlib import Path

    return {
        "source": source, "warehouse": warehouse, "workers": workers, "config": config,
        "task_runner": task_runner, "dask_address": dask_address,
        # the HTML report after new fits goes beside the warehouse
        "report_dir": str(Path(warehouse).resolve().parent / "reports" / "latest"),
    }


def build_deployment(cfg: HarvestConfig, parameters: dict[str, Any]):
    """Return a :class:`prefect.deployments.runner.RunnerDeployment` of the nightly flow with
    ``cfg.cron`` in ``cfg.timezone`` and ``parameters``. Does no I/O.
    """
    from prefect.client.schemas.schedules import CronSchedule

    from flows.nightly import nightly

    return nightly.to_deployment(
        name=DEPLOYMENT_NAME,
        schedule=CronSchedule(cron=cfg.cron, timezone=cfg.timezone),
        parameters=parameters,
        description="compute-limits nightly ingestion: harvest -> fetch -> extract -> load -> refit -> summary",
        tags=["compute-limits"],
    )


def next_runs(cfg: HarvestConfig, n: int = 5, after: datetime | None = None) -> list[datetime]:
    """Return the next ``n`` run times (aware, in the schedule's time zone) of ``cfg.cron`` after
    ``after`` (default now), computed by Prefect's own CronSchedule.

    Raises:
        ValueError: an invalid cron string or time zone (from Prefect's validation).
    """
    from prefect.server.schemas.schedules import CronSchedule

    sched = CronSchedule(cron=cfg.cron, timezone=cfg.timezone)
    start = after or datetime.now(timezone.utc)
    return list(asyncio.run(sched.get_dates(n=n, start=start)))
