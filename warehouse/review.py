"""Review of extracted findings: decisions, statuses, bulk CSV review, and what-if refits.

Every finding starts *pending*. A reviewer accepts, rejects or corrects it (new value and unit);
each decision is appended to ``reviews`` and never updated or deleted: the latest decision per
finding counts, the history stays. Each decision keeps the finding value it was made on
(``reviews.finding_value``, schema version 3), so when a re-extraction reads a different value at
the same place (same ``finding_id``, see :func:`warehouse.load.finding_id`) the decision becomes
*stale* and the finding returns to the queue with both values shown.

Statuses (the view ``finding_status`` in ``schema.sql`` derives them; this module reads it):

=============  ==========================================================  ============
status         meaning                                                     enters refit
=============  ==========================================================  ============
``pending``    no decision yet                                             what-if only
``stale``      decided on a value that re-extraction has since changed     what-if only
``accepted``   latest decision accept, value unchanged since               yes
``corrected``  latest decision correct: the reviewer's value and unit      yes
``rejected``   latest decision reject                                      no
=============  ==========================================================  ============

The review *queue* is pending + stale (:data:`QUEUE_STATUSES`).

Connections: reading functions work on read-only connections; writing functions
(:func:`record_decisions`, :func:`import_csv`) need a read-write one and write in one
transaction. Times are UTC (naive datetimes, as everywhere in the warehouse). SQL values are
always bound parameters.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence, TextIO

import duckdb

from warehouse.db import first_row, scalar, stable_id, transaction, utcnow

#: Decisions a reviewer can record (``reviews.decision``).
DECISIONS: tuple[str, ...] = ("accept", "reject", "correct")
#: Statuses of :data:`finding_status`, in the order summaries print them.
STATUSES: tuple[str, ...] = ("pending", "stale", "accepted", "corrected", "rejected")
#: Statuses that wait for a reviewer.
QUEUE_STATUSES: tuple[str, ...] = ("pending", "stale")
#: Statuses whose findings enter a (gated) refit.
FIT_STATUSES: tuple[str, ...] = ("accepted", "corrected")
#: Shortest finding-id prefix accepted (like git's abbreviated hashes).
MIN_PREFIX = 4

#: Columns of a review export, in order. The reviewer fills ``decision`` (accept, reject,
#: correct or empty to skip), ``new_value`` / ``new_unit`` for corrections, and ``note``.
EXPORT_COLUMNS: tuple[str, ...] = (
    "finding_id", "paper_id", "kind", "benchmark", "metric", "model_label", "value", "value_text",
    "unit", "page", "status", "decided_on_value", "latest_decision", "reviewed_value", "reviewed_unit",
    "source_text", "decision", "new_value", "new_unit", "note",
)


# ------------------------------------------------------------------------------------ errors


class ReviewError(Exception):
    """Base error of the review layer; the message says how to fix the problem.

    Attributes:
        finding_id: the finding (or id prefix) concerned, when there is one.
    """

    def __init__(self, message: str, finding_id: str | None = None):
        super().__init__(message)
        self.finding_id = finding_id

    def __reduce__(self):  # pickles cleanly across process boundaries
        return (type(self), (self.args[0], self.finding_id))


class UnknownFinding(ReviewError):
    """No finding id starts with the given prefix."""


class AmbiguousFinding(ReviewError):
    """Several finding ids start with the given prefix; give more characters."""


class InvalidDecision(ReviewError):
    """A decision, value or unit is not allowed (unknown decision, unit of another kind ...)."""


class FindingChanged(ReviewError):
    """The finding's value changed (re-extraction) after the reviewer saw it; look again."""


class SchemaTooOld(ReviewError):
    """The warehouse lacks schema version 3 (reviews.finding_value, view finding_status)."""


class ImportRejected(ReviewError):
    """A bulk import had bad rows; nothing was applied.

    Attributes:
        rows: ``(row number, message)`` pairs; row 1 is the header, as a spreadsheet numbers them.
    """

    def __init__(self, message: str, rows: Sequence[tuple[int, str]] = ()):
        super().__init__(message)
        self.rows = list(rows)

    def __reduce__(self):
        return (type(self), (self.args[0], self.rows))


# ----------------------------------------------------------------------------------- reading


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def has_review_schema(con: duckdb.DuckDBPyConnection) -> bool:
    """Return True when the warehouse has schema version 3 (the ``finding_status`` view)."""
    return first_row(
        con, "SELECT 1 FROM duckdb_views() WHERE schema_name = 'main' AND view_name = 'finding_status'"
    ) is not None


def require_review_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Raise :class:`SchemaTooOld` unless the warehouse has schema version 3.

    A read-write :func:`warehouse.db.connect` upgrades the file; a read-only one cannot.
    """
    if not has_review_schema(con):
        raise SchemaTooOld(
            "the warehouse predates review support (schema version 3): open it once read-write to "
            "upgrade it, e.g. any `compute-limits review accept` or `compute-limits nightly`"
        )


def resolve_ids(con: duckdb.DuckDBPyConnection, prefixes: Iterable[str]) -> list[str]:
    """Given finding ids or unique prefixes of them (at least :data:`MIN_PREFIX` characters,
    case-insensitive), return the full ids in the same order (duplicates removed).

    Raises:
        UnknownFinding: no finding id starts with a prefix.
        AmbiguousFinding: several do (the message lists up to five).
        InvalidDecision: a prefix is shorter than :data:`MIN_PREFIX` characters.
    """
    out: list[str] = []
    for raw in prefixes:
        p = raw.strip().lower()
        if len(p) < MIN_PREFIX:
            raise InvalidDecision(f"finding id {raw!r} is too short: give at least {MIN_PREFIX} characters "
                                  "(see `compute-limits review list`)", raw)
        rows = con.execute(
            "SELECT finding_id FROM findings WHERE starts_with(finding_id, ?) ORDER BY 1 LIMIT 6", [p]
        ).fetchall()
        if not rows:
            raise UnknownFinding(f"no finding id starts with {raw!r} (see `compute-limits review list`)", raw)
        if len(rows) > 1:
            shown = ", ".join(r[0][:12] for r in rows[:5])
            raise AmbiguousFinding(f"finding id {raw!r} is ambiguous ({shown}{', ...' if len(rows) > 5 else ''}): "
                                   "give more characters", raw)
        if rows[0][0] not in out:
            out.append(rows[0][0])
    return out


def statuses(
    con: duckdb.DuckDBPyConnection,
    *,
    paper_id: str | None = None,
    kind: str | None = None,
    status: str | Sequence[str] | None = None,
    finding_ids: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Return the review status of findings, in queue order (paper, page, top, left, id).

    Each dict has the columns of the view ``finding_status`` plus the finding's provenance:
    ``source_text``, ``bbox_x0``, ``bbox_top``, ``bbox_x1``, ``bbox_bottom`` (PDF points, origin
    top-left), ``reported_as``, ``extractor``, the paper ``title`` and the PDF ``path``
    (documents.path of the document the current value came from, may be NULL).

    Args:
        paper_id: only this paper.
        kind: only this finding kind.
        status: a status of :data:`STATUSES`, ``"queue"`` (pending + stale), a sequence of
            statuses, or None for all.
        finding_ids: only these full ids.

    Raises:
        InvalidDecision: an unknown status.
        SchemaTooOld: the warehouse lacks schema version 3.
    """
    require_review_schema(con)
    wanted = _status_list(status)
    where, params = ["TRUE"], []
    if paper_id is not None:
        where.append("s.paper_id = ?")
        params.append(paper_id)
    if kind is not None:
        where.append("s.kind = ?")
        params.append(kind)
    if wanted is not None:
        where.append("list_contains(?, s.status)")
        params.append(wanted)
    if finding_ids is not None:
        where.append("list_contains(?, s.finding_id)")
        params.append(list(finding_ids))
    return _dicts(con.execute(
        f"""SELECT s.*, f.source_text, f.bbox_x0, f.bbox_top, f.bbox_x1, f.bbox_bottom, f.reported_as,
                   f.extractor, p.title, d.path, d.sha256
            FROM finding_status s
            JOIN findings f USING (finding_id)
            LEFT JOIN papers p ON p.paper_id = s.paper_id
            LEFT JOIN documents d ON d.document_id = s.document_id
            WHERE {' AND '.join(where)}
            ORDER BY s.paper_id, s.page, f.bbox_top NULLS LAST, f.bbox_x0 NULLS LAST, s.finding_id""",
        params,
    ))


def _status_list(status: str | Sequence[str] | None) -> list[str] | None:
    if status is None or status == "all":
        return None
    items = list(QUEUE_STATUSES) if status == "queue" else [status] if isinstance(status, str) else list(status)
    bad = [s for s in items if s not in STATUSES]
    if bad:
        raise InvalidDecision(f"unknown status {bad[0]!r}; allowed: {', '.join(STATUSES)}, queue (pending + stale), all")
    return items


def finding(con: duckdb.DuckDBPyConnection, id_or_prefix: str) -> dict[str, Any]:
    """Return the :func:`statuses` dict of one finding, given its id or a unique prefix.

    Raises:
        UnknownFinding, AmbiguousFinding, InvalidDecision: see :func:`resolve_ids`.
    """
    (fid,) = resolve_ids(con, [id_or_prefix])
    return statuses(con, finding_ids=[fid])[0]


def history(con: duckdb.DuckDBPyConnection, finding_id: str) -> list[dict[str, Any]]:
    """Return every decision recorded for ``finding_id`` (full id), oldest first (``reviews`` rows)."""
    return _dicts(con.execute(
        "SELECT * FROM reviews WHERE finding_id = ? ORDER BY decided_at, review_id", [finding_id]
    ))


def status_counts(con: duckdb.DuckDBPyConnection, paper_id: str | None = None) -> dict[str, int]:
    """Return ``{status: number of findings}`` for every status of :data:`STATUSES` (0 when none)."""
    require_review_schema(con)
    rows = con.execute(
        "SELECT status, count(*) FROM finding_status WHERE ? IS NULL OR paper_id = ? GROUP BY 1",
        [paper_id, paper_id],
    ).fetchall()
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({s: n for s, n in rows})
    return counts


def pending_count(con: duckdb.DuckDBPyConnection) -> int:
    """Return how many findings await review: pending plus stale (decided on a value that
    re-extraction has changed since). Works on a read-only connection.

    On a warehouse without schema version 3 (no ``finding_status`` view, read-only) it counts
    findings without any review, as the flow summary did before.
    """
    if not has_review_schema(con):
        return int(scalar(con, """SELECT count(*) FROM findings f
                                   WHERE NOT EXISTS (SELECT 1 FROM reviews r WHERE r.finding_id = f.finding_id)"""))
    return int(scalar(con, "SELECT count(*) FROM finding_status WHERE list_contains(?, status)",
                      [list(QUEUE_STATUSES)]))


def reviewed_findings(con: duckdb.DuckDBPyConnection, *, include_pending: bool = False):
    """Return the findings that may enter a refit, as a polars DataFrame.

    The gate: accepted and corrected findings only; with ``include_pending`` (what-if) pending
    and stale ones too, at their current extracted value. Rejected findings never enter.

    Columns: every column of ``findings`` plus ``status`` and ``reviewed_value``,
    ``reviewed_value_text``, ``reviewed_unit``: the value to use (the correction for corrected
    findings, else the extracted value) and its unit.
    """
    require_review_schema(con)
    wanted = list(FIT_STATUSES) + (list(QUEUE_STATUSES) if include_pending else [])
    return con.sql(
        """SELECT f.*, s.status, s.reviewed_value, s.reviewed_value_text, s.reviewed_unit
           FROM findings f JOIN finding_status s USING (finding_id)
           WHERE list_contains(?, s.status)
           ORDER BY f.paper_id, f.page, f.finding_id""",
        params=[wanted],
    ).pl()


# ----------------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class Correction:
    """A corrected value, validated against the finding's kind.

    Attributes:
        value: the value in ``unit`` (float), None for ``chip_model``.
        value_text: the chip key (``extract/data/chips.csv``) for ``chip_model``, else None.
        unit: one of the kind's units (:data:`extract.models.KIND_UNITS`).
    """

    value: float | None
    value_text: str | None
    unit: str


def parse_correction(kind: str, value: str | float, unit: str | None, current_unit: str,
                     benchmark: str | None = None) -> Correction:
    """Given a finding kind, the reviewer's value (text or number) and unit (None: keep the
    finding's ``current_unit``), return a validated :class:`Correction`.

    ``chip_model`` takes a chip key of ``extract/data/chips.csv`` (or an alias the chip table
    recognises); other kinds a finite, non-negative number; scores in ``%`` must lie in 0..100,
    and a score's unit must be its benchmark's (BLEU for WMT, % for the others).

    Raises:
        InvalidDecision: the value or unit is not allowed; the message lists what is.
    """
    from extract.models import KIND_UNITS

    if kind not in KIND_UNITS:
        raise InvalidDecision(f"unknown finding kind {kind!r}")
    unit = (unit or current_unit).strip()
    allowed = KIND_UNITS[kind]
    if unit not in allowed:
        raise InvalidDecision(f"unit {unit!r} not allowed for {kind}; allowed: {', '.join(allowed)}")
    if kind == "score" and benchmark:
        want = "BLEU" if benchmark.startswith("wmt") else "%"
        if unit != want:
            raise InvalidDecision(f"unit {unit!r} not allowed for a {benchmark} score; use {want}")
    if kind == "chip_model":
        from extract import chip_by_key, find_chips

        text = str(value).strip()
        chip = None
        try:
            chip = chip_by_key(text)
        except (KeyError, ValueError):
            chip = None
        if chip is None:
            mentions = find_chips(text)
            chip = mentions[0].chip if mentions else None
        if chip is None:
            raise InvalidDecision(f"{text!r} is not a chip of extract/data/chips.csv: give its chip_key "
                                  "(e.g. nvidia-tesla-p100)")
        return Correction(None, chip.key, unit)
    try:
        v = float(str(value).strip().replace(",", "")) if not isinstance(value, (int, float)) else float(value)
    except ValueError:
        raise InvalidDecision(f"value {value!r} is not a number") from None
    if not math.isfinite(v) or v < 0:
        raise InvalidDecision(f"value {value!r} must be a finite number >= 0")
    if unit == "%" and v > 100:
        raise InvalidDecision(f"a score in % must lie in 0..100, got {v:g}")
    return Correction(v, None, unit)


@dataclass(frozen=True)
class Decision:
    """One decision to record.

    Attributes:
        finding_id: full finding id (see :func:`resolve_ids`).
        decision: one of :data:`DECISIONS`.
        correction: the new value for ``correct`` (None otherwise).
        note: free-text note, or None.
        reviewer: who decides.
        expected: the finding ``(value, value_text)`` the reviewer saw, or None to take the
            current one; when given and the finding has changed since, :class:`FindingChanged`.
    """

    finding_id: str
    decision: str
    reviewer: str
    correction: Correction | None = None
    note: str | None = None
    expected: tuple[float | None, str | None] | None = None


def _same_value(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0)


def record_decisions(con: duckdb.DuckDBPyConnection, decisions: Sequence[Decision]) -> list[str]:
    """Append ``decisions`` to ``reviews`` in one transaction (all or nothing) and return their
    review ids. Each row keeps the finding value and extractor version it was decided on, and
    ``decided_at`` (UTC) is strictly later than any earlier decision on the same finding.

    Raises:
        UnknownFinding: a finding id does not exist (use full ids; see :func:`resolve_ids`).
        InvalidDecision: an unknown decision, a ``correct`` without correction, an empty reviewer.
        FindingChanged: a decision's ``expected`` value differs from the finding's current value.
        duckdb.Error: the write failed; nothing was written.
    """
    for d in decisions:
        if d.decision not in DECISIONS:
            raise InvalidDecision(f"unknown decision {d.decision!r}; allowed: {', '.join(DECISIONS)}", d.finding_id)
        if (d.decision == "correct") != (d.correction is not None):
            raise InvalidDecision("correct needs a new value (and only correct takes one)", d.finding_id)
        if not (d.reviewer or "").strip():
            raise InvalidDecision("reviewer is empty: pass --reviewer NAME", d.finding_id)
    ids = [d.finding_id for d in decisions]
    review_ids: list[str] = []
    with transaction(con):
        current = {r[0]: r[1:] for r in con.execute(
            "SELECT finding_id, value, value_text, extractor_version FROM findings WHERE list_contains(?, finding_id)",
            [ids],
        ).fetchall()}
        last = dict(con.execute(
            "SELECT finding_id, max(decided_at) FROM reviews WHERE list_contains(?, finding_id) GROUP BY 1", [ids]
        ).fetchall())
        now = utcnow()
        for d in decisions:
            if d.finding_id not in current:
                raise UnknownFinding(f"no finding {d.finding_id!r}", d.finding_id)
            value, value_text, version = current[d.finding_id]
            if d.expected is not None and not (
                _same_value(d.expected[0], value) and (d.expected[1] or None) == (value_text or None)
            ):
                raise FindingChanged(
                    f"finding {d.finding_id[:12]} changed since it was shown (was {_fmt(*d.expected)}, now "
                    f"{_fmt(value, value_text)}): look at it again", d.finding_id)
            at: datetime = now
            prev = last.get(d.finding_id)
            if prev is not None and at <= prev:
                at = prev + timedelta(microseconds=1)
            last[d.finding_id] = at
            c = d.correction
            rid = stable_id("review", d.finding_id, d.decision, c.value if c else None, c.value_text if c else None,
                            d.reviewer, at.isoformat())
            con.execute(
                """INSERT INTO reviews (review_id, finding_id, decision, value, value_text, unit, reviewer, note,
                       decided_at, finding_value, finding_value_text, finding_extractor_version)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [rid, d.finding_id, d.decision, c.value if c else None, c.value_text if c else None,
                 c.unit if c else None, d.reviewer.strip(), d.note or None, at, value, value_text, version],
            )
            review_ids.append(rid)
    return review_ids


def _fmt(value: float | None, value_text: str | None) -> str:
    if value_text:
        return value_text
    return "—" if value is None else f"{value:g}"


def decide(
    con: duckdb.DuckDBPyConnection,
    ids: Sequence[str],
    decision: str,
    *,
    reviewer: str,
    value: str | float | None = None,
    unit: str | None = None,
    note: str | None = None,
) -> list[str]:
    """Record one decision on findings given by id or unique prefix; return the full ids decided.

    ``correct`` takes exactly one id and ``value`` (``unit`` defaults to the finding's unit);
    ``accept`` and ``reject`` take one or more ids and no value.

    Raises:
        UnknownFinding, AmbiguousFinding: see :func:`resolve_ids`.
        InvalidDecision: see :func:`record_decisions` and :func:`parse_correction`.
    """
    if decision not in DECISIONS:
        raise InvalidDecision(f"unknown decision {decision!r}; allowed: {', '.join(DECISIONS)}")
    full = resolve_ids(con, ids)
    if decision == "correct":
        if len(full) != 1 or value is None:
            raise InvalidDecision("correct takes one finding id and --value")
        row = first_row(con, "SELECT kind, unit, benchmark FROM findings WHERE finding_id = ?", [full[0]])
        corr = parse_correction(row[0], value, unit, row[1], row[2])
        record_decisions(con, [Decision(full[0], "correct", reviewer, corr, note)])
    else:
        if value is not None or unit is not None:
            raise InvalidDecision(f"{decision} takes no value; use correct to change one")
        record_decisions(con, [Decision(fid, decision, reviewer, None, note) for fid in full])
    return full


# ------------------------------------------------------------------------- CSV export/import


def export_csv(
    con: duckdb.DuckDBPyConnection,
    out: TextIO,
    *,
    paper_id: str | None = None,
    kind: str | None = None,
    status: str | Sequence[str] | None = "queue",
) -> int:
    """Write findings as CSV (columns :data:`EXPORT_COLUMNS`) to ``out`` for review in a
    spreadsheet, and return the number of rows written. Floats are written exactly (repr).

    The reviewer fills ``decision`` (accept, reject, correct; empty = leave as is),
    ``new_value`` and ``new_unit`` (correct only) and ``note``, then :func:`import_csv`.
    ``status`` as in :func:`statuses` (default: the queue).
    """
    rows = statuses(con, paper_id=paper_id, kind=kind, status=status)
    w = csv.writer(out)
    w.writerow(EXPORT_COLUMNS)
    for r in rows:
        w.writerow([
            r["finding_id"], r["paper_id"], r["kind"], r["benchmark"] or "", r["metric"] or "",
            r["model_label"] or "", _num(r["value"]), r["value_text"] or "", r["unit"], r["page"], r["status"],
            _num(r["decided_on_value"]) if r["status"] == "stale" else "", r["decision"] or "",
            _num(r["reviewed_value"]) if r["status"] in FIT_STATUSES else "",
            r["reviewed_unit"] if r["status"] in FIT_STATUSES else "",
            " ".join((r["source_text"] or "").split()), "", "", "", "",
        ])
    return len(rows)


def _num(v: float | None) -> str:
    return "" if v is None else repr(float(v))


@dataclass
class ImportResult:
    """What :func:`import_csv` applied.

    Attributes:
        applied: decision -> number of decisions recorded.
        skipped: rows with an empty ``decision`` (left as they were).
        review_ids: the new reviews.review_id values.
    """

    applied: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    review_ids: list[str] = field(default_factory=list)


_DECISION_ALIASES = {"accept": "accept", "accepted": "accept", "a": "accept",
                     "reject": "reject", "rejected": "reject", "r": "reject",
                     "correct": "correct", "corrected": "correct", "c": "correct"}


def import_csv(con: duckdb.DuckDBPyConnection, src: TextIO, *, reviewer: str) -> ImportResult:
    """Apply the decisions of a review CSV (as :func:`export_csv` writes it), all or nothing.

    Needs the columns ``finding_id`` and ``decision``; ``new_value``, ``new_unit``, ``note``,
    ``reviewer`` (default: the ``reviewer`` argument) and ``value`` / ``value_text`` (what the
    reviewer saw; when present, a finding re-extracted to another value since the export is a
    bad row) are optional. Every row is validated first; if any is bad nothing is written.

    Raises:
        ImportRejected: bad rows, each named by its row number (header = row 1) in ``.rows``.
        duckdb.Error: the write failed; nothing was written.
    """
    reader = csv.reader(src)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ImportRejected("the file is empty: expected a header row with finding_id and decision") from None
    missing = [c for c in ("finding_id", "decision") if c not in header]
    if missing:
        raise ImportRejected(f"row 1: missing column(s) {', '.join(missing)} (export one with "
                             "`compute-limits review export --csv FILE`)", [(1, f"missing {', '.join(missing)}")])
    col = {name: i for i, name in enumerate(header)}
    bad: list[tuple[int, str]] = []
    planned: list[tuple[int, Decision]] = []
    seen: dict[str, int] = {}
    skipped = 0
    for rowno, raw in enumerate(reader, start=2):
        if not any(c.strip() for c in raw):
            continue
        get = lambda name: (raw[col[name]].strip() if name in col and col[name] < len(raw) else "")  # noqa: E731
        decision_raw = get("decision").lower()
        if not decision_raw:
            skipped += 1
            continue
        decision = _DECISION_ALIASES.get(decision_raw)
        if decision is None:
            bad.append((rowno, f"decision {decision_raw!r} is not one of accept, reject, correct"))
            continue
        try:
            (fid,) = resolve_ids(con, [get("finding_id")])
        except ReviewError as exc:
            bad.append((rowno, str(exc)))
            continue
        if fid in seen:
            bad.append((rowno, f"finding {fid[:12]} is decided again (first on row {seen[fid]})"))
            continue
        seen[fid] = rowno
        kind, unit, benchmark, value, value_text = first_row(
            con, "SELECT kind, unit, benchmark, value, value_text FROM findings WHERE finding_id = ?", [fid])
        expected = None
        if "value" in col:
            try:
                seen_value = float(get("value")) if get("value") else None
            except ValueError:
                bad.append((rowno, f"value {get('value')!r} is not a number (leave the exported value as it was)"))
                continue
            seen_text = get("value_text") or None if "value_text" in col else value_text
            expected = (seen_value, seen_text)
            if not (_same_value(seen_value, value) and (seen_text or None) == (value_text or None)):
                bad.append((rowno, f"finding {fid[:12]} was re-extracted since the export (was "
                                   f"{_fmt(seen_value, seen_text)}, now {_fmt(value, value_text)}): export again"))
                continue
        correction = None
        if decision == "correct":
            if not get("new_value"):
                bad.append((rowno, "correct needs new_value"))
                continue
            try:
                correction = parse_correction(kind, get("new_value"), get("new_unit") or None, unit, benchmark)
            except InvalidDecision as exc:
                bad.append((rowno, str(exc)))
                continue
        elif get("new_value") or get("new_unit"):
            bad.append((rowno, f"{decision} takes no new_value/new_unit; use decision correct"))
            continue
        who = get("reviewer") or reviewer
        if not who:
            bad.append((rowno, "no reviewer: fill the reviewer column or pass --reviewer"))
            continue
        planned.append((rowno, Decision(fid, decision, who, correction, get("note") or None, expected)))
    if bad:
        listed = "; ".join(f"row {n}: {m}" for n, m in bad[:10])
        raise ImportRejected(f"nothing imported, {len(bad)} bad row(s): {listed}"
                             + (" ..." if len(bad) > 10 else ""), bad)
    result = ImportResult(skipped=skipped)
    if planned:
        result.review_ids = record_decisions(con, [d for _, d in planned])
    for _, d in planned:
        result.applied[d.decision] = result.applied.get(d.decision, 0) + 1
    return result


def read_csv_file(path: str | Path) -> TextIO:
    """Open a review CSV for :func:`import_csv`: UTF-8 with or without a byte-order mark (as
    spreadsheets save it), universal newlines. Raises OSError when it cannot be read."""
    return open(path, newline="", encoding="utf-8-sig")


# ------------------------------------------------------------------------------------ what-if


@dataclass(frozen=True)
class WhatIfRow:
    """How one fit (benchmark x metric x compute measure, polynomial form) would change.

    Attributes:
        benchmark, metric, compute_measure: the fit.
        n_current, n_what_if: observations used now (reference + accepted/corrected) and with
            the pending findings counted too (0 when the fit does not exist).
        slope_current, slope_what_if: slope per decade of compute (None when no fit).
        k_current, k_what_if: implied power k = 1/|slope| (None when no fit).
    """

    benchmark: str
    metric: str
    compute_measure: str
    n_current: int
    n_what_if: int
    slope_current: float | None
    slope_what_if: float | None
    k_current: float | None
    k_what_if: float | None

    @property
    def changed(self) -> bool:
        """True when n, slope or k differs between the current and the what-if fit."""
        return (self.n_current != self.n_what_if or not _same_opt(self.slope_current, self.slope_what_if)
                or not _same_opt(self.k_current, self.k_what_if))


def _same_opt(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)


@dataclass
class WhatIfReport:
    """Result of :func:`what_if`; nothing of it is stored.

    Attributes:
        rows: one :class:`WhatIfRow` per fit that exists in either frame, sorted.
        observations_current, observations_what_if: rows of the two observation frames.
        findings_counted: status -> findings that the what-if frame may draw on
            (accepted, corrected, pending, stale).
    """

    rows: list[WhatIfRow]
    observations_current: int
    observations_what_if: int
    findings_counted: dict[str, int]


#: Signature of an assembler: (connection, include_pending) -> polars DataFrame of observation rows.
Assembler = Callable[[duckdb.DuckDBPyConnection, bool], Any]


def default_assembler() -> Assembler:
    """Return ``extract.observations.assemble_observations`` (issue 3: findings -> observation
    rows in the ``observations`` columns, gated by review status).

    Raises:
        ReviewError: that module is not available yet in this installation.
    """
    try:
        from extract.observations import assemble_observations
    except ImportError:
        # TODO(issue 3): extract/observations.py provides assemble_observations(con, include_pending);
        # until it lands, what-if cannot turn findings into observations.
        raise ReviewError("what-if needs extract.observations.assemble_observations (findings -> observations), "
                          "which this installation lacks yet") from None
    return assemble_observations


def reference_observations(con: duckdb.DuckDBPyConnection):
    """Return the curated observations that do not come from reviewed findings (polars):
    ``observations`` rows whose source is not ``reviewed`` (the authors' published data)."""
    return con.sql("SELECT * FROM observations WHERE source <> 'reviewed' ORDER BY observation_id").pl()


def observation_frame(con: duckdb.DuckDBPyConnection, *, include_pending: bool,
                      assemble: Assembler | None = None):
    """Return the observations a refit may use (polars): the reference observations plus the
    observations assembled from accepted and corrected findings; with ``include_pending`` the
    pending and stale findings count too (what-if). Reads only.

    An assembled row whose observation_id equals a reference row's replaces it. Assembled rows
    that draw on a finding outside the gate (rejected; stale or pending unless
    ``include_pending``) are dropped, whatever the assembler did.

    Raises:
        ReviewError: no assembler is available (see :func:`default_assembler`).
    """
    import polars as pl

    assemble = assemble or default_assembler()
    base = reference_observations(con)
    extra = assemble(con, include_pending)
    if extra is None or extra.height == 0:
        return base
    if "finding_ids" in extra.columns:
        # Enforce the gate whatever the assembler does: drop rows that draw on a finding whose
        # status is not allowed (a stale decision must not reach a gated refit).
        allowed = list(FIT_STATUSES) + (list(QUEUE_STATUSES) if include_pending else [])
        blocked = [r[0] for r in con.execute(
            "SELECT finding_id FROM finding_status WHERE NOT list_contains(?, status)", [allowed]).fetchall()]
        if blocked:
            extra = extra.filter(~pl.col("finding_ids").list.eval(pl.element().is_in(blocked)).list.any()
                                 .fill_null(False))
    base = base.filter(~pl.col("observation_id").is_in(extra["observation_id"].implode()))
    return pl.concat([base, extra], how="diagonal_relaxed")


def _fit(frame) -> list[dict[str, Any]]:
    from analysis.fits import fit_all

    try:
        from analysis.measures import with_measures
    except ImportError:  # analysis without derived measures: fit the stored columns
        return fit_all(frame)
    return fit_all(with_measures(frame))


def what_if(con: duckdb.DuckDBPyConnection, *, assemble: Assembler | None = None,
            fit: Callable[[Any], list[dict[str, Any]]] | None = None) -> WhatIfReport:
    """Compare the fits a gated refit would make now with the fits it would make if every
    pending (and stale) finding were accepted as extracted. Writes nothing; works on a
    read-only connection.

    Both frames are :func:`observation_frame` (reference + assembled findings); both are fitted
    by ``fit`` (default: :func:`analysis.fits.fit_all`, polynomial form, after
    :func:`analysis.measures.with_measures` fills network operations and hardware burden).

    Args:
        assemble: findings -> observation rows (default :func:`default_assembler`).
        fit: observation frame -> list of fit dicts with benchmark, metric, compute_measure, n,
            slope, implied_power_k.

    Raises:
        ReviewError: no assembler is available.
        SchemaTooOld: the warehouse lacks schema version 3.
    """
    require_review_schema(con)
    fit = fit or _fit
    current = observation_frame(con, include_pending=False, assemble=assemble)
    candidate = observation_frame(con, include_pending=True, assemble=assemble)
    key = lambda f: (f["benchmark"], f["metric"], f["compute_measure"])  # noqa: E731
    now = {key(f): f for f in fit(current) if f.get("model_form", "polynomial") == "polynomial"}
    then = {key(f): f for f in fit(candidate) if f.get("model_form", "polynomial") == "polynomial"}
    rows = []
    for k in sorted(set(now) | set(then)):
        a, b = now.get(k, {}), then.get(k, {})
        rows.append(WhatIfRow(*k, int(a.get("n") or 0), int(b.get("n") or 0), a.get("slope"), b.get("slope"),
                              a.get("implied_power_k"), b.get("implied_power_k")))
    counts = status_counts(con)
    return WhatIfReport(rows, current.height, candidate.height,
                        {s: counts[s] for s in (*FIT_STATUSES, *QUEUE_STATUSES)})


# ------------------------------------------------------------------------------------ images


def render_png(row: dict[str, Any], out_path: str | Path, *, crop: bool = False, resolution: int = 100,
               margin_pt: float = 60.0) -> Path:
    """Given a :func:`statuses` dict, write a PNG of its page with the finding's box drawn (via
    :func:`extract.preview.draw_findings`, plus a thick red frame around it) to ``out_path`` and
    return the path. With ``crop``
    the image is cut to the full page width and ``margin_pt`` points above and below the box.

    Raises:
        FileNotFoundError: the PDF (documents.path) is unknown or gone.
        ValueError: the page is outside the document.
    """
    from extract.models import Finding
    from extract.preview import draw_findings

    pdf = row.get("path")
    if not pdf or not Path(pdf).is_file():
        raise FileNotFoundError(f"the PDF of {row['paper_id']} is not at {pdf!r} (documents.path): "
                                "extract it again from where the file is now")
    bbox = None
    if row.get("bbox_x0") is not None:
        bbox = (row["bbox_x0"], row["bbox_top"], row["bbox_x1"], row["bbox_bottom"])
    f = Finding(kind=row["kind"], value=row["value"], unit=row["unit"], page=row["page"], bbox=bbox,
                source_text=row.get("source_text") or "", extractor=row.get("extractor") or "",
                extractor_version=row.get("extractor_version") or "", value_text=row.get("value_text"),
                model_label=row.get("model_label"), benchmark=row.get("benchmark"), metric=row.get("metric"))
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    draw_findings(pdf, row["page"], [f], tmp, resolution=resolution)
    if bbox is not None:
        from PIL import Image, ImageDraw

        scale = resolution / 72.0
        with Image.open(tmp) as im:
            im = im.convert("RGB")
            # a thick frame a few pixels outside the preview's thin box, so the eye finds it at once
            pad = 4
            ImageDraw.Draw(im).rectangle(
                (bbox[0] * scale - pad, bbox[1] * scale - pad, bbox[2] * scale + pad, bbox[3] * scale + pad),
                outline=(230, 20, 20), width=3)
            if crop:
                top = max(0, int((bbox[1] - margin_pt) * scale))
                bottom = min(im.height, int((bbox[3] + margin_pt) * scale))
                im = im.crop((0, top, im.width, bottom))
            im.save(tmp, format="PNG")
    tmp.replace(out)  # readers never see a half-written file
    return out


def png_cache_name(row: dict[str, Any], *, crop: bool, resolution: int) -> str:
    """Return a file name for the cached PNG of a :func:`statuses` dict: a hash of the file
    (sha256), page, rounded box, crop and resolution, so a re-extracted box gets a new image."""
    bbox = tuple(round(row[k] or 0, 1) for k in ("bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom"))
    return stable_id("png", row.get("sha256"), row.get("path"), row["page"], bbox, crop, resolution) + ".png"
