"""The local review web page (``compute-limits review serve``): FastAPI + Jinja2, server-rendered
HTML, plain forms (POST + redirect), a few lines of inline JavaScript for keyboard shortcuts.

Routes
------
=================================  ==========================================================
``GET /``                          papers with their review counts; links into the queue
``GET /f/{finding_id}``            one finding: page image with its box, quote, value, history,
                                   accept / reject / correct forms, the paper's other findings
``GET /f/{finding_id}/page.png``   the page region with the box drawn (rendered once, cached)
``POST /f/{finding_id}/decide``    record a decision, then redirect (303) to the next queued one
=================================  ==========================================================

The warehouse is opened per request and closed before the response (read-only for pages,
read-write for the moment of a decision), so a nightly run can take the file between requests;
when it is held, pages answer 503 "warehouse busy, retry". Requests of one server are serialised
on a lock (DuckDB refuses a read-only and a read-write connection to one file in one process).
The server binds 127.0.0.1 only, accepts only local Host headers, and each form carries a
per-server token, so other web pages cannot post decisions.
"""


import secrets
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, quote

from warehouse import db

#: Margin above and below a finding's box in the page image, PDF points.
IMAGE_MARGIN_PT = 150.0
#: Resolution of page images, dots per inch.
IMAGE_RESOLUTION = 110


def _templates():
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("flows", "templates"), autoescape=select_autoescape(["html"]))

    def num(v: Any) -> str:
        return "—" if v is None else f"{v:.6g}"

    env.filters["num"] = num
    return env


def create_app(warehouse: str | Path, *, reviewer: str, cache_dir: str | Path):
    """Return the FastAPI app of the review page for the warehouse file ``warehouse``.

    Args:
        warehouse: DuckDB file (opened per request, never held between requests).
        reviewer: name recorded with every decision made through this server.
        cache_dir: folder for rendered page images (created on first use).

    Importing this module or calling this function touches neither the warehouse nor the disk.
    """
    from fastapi import FastAPI, Request
    from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
    from starlette.concurrency import run_in_threadpool
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    from warehouse import review

    path = Path(warehouse)
    cache = Path(cache_dir)
    token = secrets.token_urlsafe(16)
    lock = threading.Lock()
    render_lock = threading.Lock()
    env = _templates()

    app = FastAPI(title="compute-limits review", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost"])

    def page(name: str, status_code: int = 200, headers: dict | None = None, **ctx) -> HTMLResponse:
        html = env.get_template(name).render(warehouse=str(path), reviewer=reviewer, **ctx)
        return HTMLResponse(html, status_code=status_code, headers=headers)

    @contextmanager
    def connection(read_only: bool) -> Iterator[Any]:
        with lock:
            con = db.connect(path, read_only=read_only)
            try:
                if read_only and not review.has_review_schema(con):
                    con.close()
                    db.connect(path).close()  # upgrade to schema v3, then read
                    con = db.connect(path, read_only=True)
                yield con
            finally:
                con.close()

    @app.exception_handler(db.WarehouseBusy)
    async def busy(request: Request, exc: db.WarehouseBusy):
        return page("message.html", 503, {"Retry-After": "10"}, title="warehouse busy, retry",
                    message=f"{exc} Reload this page in a moment.", retry=True)

    @app.exception_handler(db.WarehouseError)
    async def broken(request: Request, exc: db.WarehouseError):
        return page("message.html", 500, title="warehouse error", message=str(exc), retry=False)

    @app.exception_handler(review.ReviewError)
    async def unknown(request: Request, exc: review.ReviewError):
        code = 404 if isinstance(exc, (review.UnknownFinding, review.AmbiguousFinding)) else 400
        return page("message.html", code, title="cannot show that", message=str(exc), retry=False)

    @app.get("/", response_class=HTMLResponse)
    def index(msg: str | None = None):
        with connection(read_only=True) as con:
            rows = review.statuses(con)
            counts = review.status_counts(con)
        papers: dict[str, dict[str, Any]] = {}
        for r in rows:
            p = papers.setdefault(r["paper_id"], {"paper_id": r["paper_id"], "title": r["title"], "first": None,
                                                  "first_any": r["finding_id"], **dict.fromkeys(review.STATUSES, 0)})
            p[r["status"]] += 1
            if p["first"] is None and r["status"] in review.QUEUE_STATUSES:
                p["first"] = r["finding_id"]
        start = next((r["finding_id"] for r in rows if r["status"] in review.QUEUE_STATUSES), None)
        return page("index.html", papers=list(papers.values()), counts=counts, start=start,
                    statuses=review.STATUSES, msg=msg)

    @app.get("/f/{finding_id}", response_class=HTMLResponse)
    def show(finding_id: str, msg: str | None = None, warn: str | None = None):
        with connection(read_only=True) as con:
            (fid,) = review.resolve_ids(con, [finding_id])
            rows = review.statuses(con)
            hist = review.history(con, fid)
            counts = review.status_counts(con)
        pos = next(i for i, r in enumerate(rows) if r["finding_id"] == fid)
        row = rows[pos]
        queued = lambda r: r["status"] in review.QUEUE_STATUSES  # noqa: E731
        nxt = next((r["finding_id"] for r in rows[pos + 1:] if queued(r)), None)
        prv = next((r["finding_id"] for r in reversed(rows[:pos]) if queued(r)), None)
        paper_rows = [r for r in rows if r["paper_id"] == row["paper_id"]]
        pdf_ok = bool(row["path"]) and Path(row["path"]).is_file()
        version = review.png_cache_name(row, crop=True, resolution=IMAGE_RESOLUTION)[:16]
        return page("finding.html", f=row, history=hist, next_id=nxt, prev_id=prv, paper_rows=paper_rows,
                    counts=counts, msg=msg, warn=warn, token=token, pdf_ok=pdf_ok, image_version=version,
                    seen_value="" if row["value"] is None else repr(float(row["value"])))

    @app.get("/f/{finding_id}/page.png")
    def image(finding_id: str):
        with connection(read_only=True) as con:
            (fid,) = review.resolve_ids(con, [finding_id])
            row = review.statuses(con, finding_ids=[fid])[0]
        target = cache / review.png_cache_name(row, crop=True, resolution=IMAGE_RESOLUTION)
        if not target.is_file():
            try:
                with render_lock:
                    review.render_png(row, target, crop=True, resolution=IMAGE_RESOLUTION, margin_pt=IMAGE_MARGIN_PT)
            except (OSError, ValueError) as exc:
                return Response(f"cannot draw the page: {exc}", status_code=404, media_type="text/plain")
        return FileResponse(target, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    @app.post("/f/{finding_id}/decide")
    async def decide(finding_id: str, request: Request):
        # urlencoded form parsed by hand: FastAPI's Form() would need python-multipart
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8"), keep_blank_values=True).items()}
        if not secrets.compare_digest(form.get("token", ""), token):
            return page("message.html", 403, title="stale form",
                        message="This form was made by another run of the server: reload the page.", retry=False)
        try:
            nxt = await run_in_threadpool(_record, finding_id, form)
        except review.ReviewError as exc:
            if isinstance(exc, (review.UnknownFinding, review.AmbiguousFinding)):
                raise
            return RedirectResponse(f"/f/{quote(finding_id)}?warn={quote(str(exc))}", status_code=303)
        target, message = nxt
        return RedirectResponse(f"/f/{quote(target)}?msg={quote(message)}" if target else f"/?msg={quote(message)}",
                                status_code=303)

    def _record(finding_id: str, form: dict[str, str]) -> tuple[str | None, str]:
        decision = form.get("decision", "")
        if decision not in review.DECISIONS:
            raise review.InvalidDecision(f"unknown decision {decision!r}")
        seen_raw = form.get("seen_value", "")
        try:
            seen = (float(seen_raw) if seen_raw else None, form.get("seen_value_text") or None)
        except ValueError:
            raise review.InvalidDecision("the form lost the value shown: reload the page") from None
        with connection(read_only=False) as con:
            (fid,) = review.resolve_ids(con, [finding_id])
            correction = None
            if decision == "correct":
                kind, unit, benchmark = db.first_row(
                    con, "SELECT kind, unit, benchmark FROM findings WHERE finding_id = ?", [fid])
                if not form.get("value", "").strip():
                    raise review.InvalidDecision("type the right value first, then press correct")
                correction = review.parse_correction(kind, form["value"], form.get("unit") or None, unit, benchmark)
            review.record_decisions(con, [review.Decision(fid, decision, reviewer, correction,
                                                          form.get("note") or None, expected=seen)])
            rows = review.statuses(con)
        past = {"accept": "accepted", "reject": "rejected", "correct": "corrected"}[decision]
        message = f"{past} {fid[:12]}"
        pos = next(i for i, r in enumerate(rows) if r["finding_id"] == fid)
        ordered = rows[pos + 1:] + rows[:pos]
        nxt = next((r["finding_id"] for r in ordered if r["status"] in review.QUEUE_STATUSES), None)
        return nxt, message if nxt else message + "; the queue is empty"

    return app
