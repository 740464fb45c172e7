"""Run extraction of one PDF in a separate process with time and memory limits.

A pathological PDF (a decompression bomb, an endless content stream, a crash inside the PDF
library) must not take the nightly run down. Each document is therefore extracted in a child
process forked from a clean *forkserver* (started once, single-threaded, with the extraction
code preloaded, so a child costs milliseconds), under an address-space limit
(``RLIMIT_AS``), and killed when it runs past its time limit. Whatever happens, the caller gets
a :class:`extract.models.DocumentResult` with a status: ``timeout``, ``memory_limit`` or
``parse_error`` with the reason.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extract.models import DocumentResult

#: Default per-document wall-time limit in seconds.
DEFAULT_TIMEOUT_S = 60.0
#: Default per-document address-space limit in bytes (2 GiB).
DEFAULT_MEMORY_BYTES = 2 * 1024**3

_CTX: Any = None


@dataclass(frozen=True)
class WorkerLimits:
    """Limits for one extraction process.

    Attributes:
        timeout_s: wall-time limit in seconds (> 0).
        memory_bytes: address-space limit in bytes (>= 256 MiB), or None for no limit.
        isolate: False runs extraction in the calling process (no limits; for debugging).
    """

    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_bytes: int | None = DEFAULT_MEMORY_BYTES
    isolate: bool = True

    def __post_init__(self) -> None:
        if not self.timeout_s > 0:
            raise ValueError(f"timeout_s must be > 0 seconds, got {self.timeout_s}")
        if self.memory_bytes is not None and self.memory_bytes < 256 * 1024**2:
            raise ValueError(f"memory_bytes must be None or >= 256 MiB, got {self.memory_bytes}")


def _context():
    """Return the forkserver context, preloading the extraction package (once per process)."""
    global _CTX
    if _CTX is None:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["extract", "pdfplumber", "pypdfium2"])
        _CTX = ctx
    return _CTX


def _child(conn, path: str, settings: Any, memory_bytes: int | None) -> None:
    """Child process body: set the memory limit, extract, send the result (or the failure)."""
    try:
        if memory_bytes is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        from extract import extract_pdf

        result = extract_pdf(path, settings)
        conn.send(("ok", result))
    except MemoryError:
        conn.send(("memory_limit", f"extraction needed more than {memory_bytes / 1024**2:.0f} MiB of memory"))
    except BaseException as exc:  # noqa: BLE001 - everything becomes a per-document status
        tb = traceback.format_exc(limit=3)
        conn.send(("parse_error", f"extraction failed: {type(exc).__name__}: {exc}\n{tb}"))
    finally:
        conn.close()


def died_result(exitcode: int | None, limits: WorkerLimits, seconds: float) -> DocumentResult:
    """Given the exit code of a child that died without a result, return the document's status.

    A child killed by SIGABRT or SIGSEGV under an address-space limit almost always failed an
    allocation inside the PDF library (C++ ``std::bad_alloc`` aborts): status ``memory_limit``.
    Any other death is ``parse_error``; the reason names the signal or exit code.
    """
    import signal

    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        if limits.memory_bytes is not None and -exitcode in (signal.SIGABRT, signal.SIGSEGV):
            return DocumentResult(
                status="memory_limit",
                reason=(f"extraction process died by {name}, most likely an allocation beyond the "
                        f"{limits.memory_bytes / 1024**2:.0f} MiB limit"),
                seconds=seconds)
        why = f"killed by {name}"
    else:
        why = f"exit code {exitcode}"
    return DocumentResult(status="parse_error",
                          reason=f"extraction process died ({why}) before returning a result", seconds=seconds)


def extract_isolated(path: str | os.PathLike, settings: Any = None, limits: WorkerLimits | None = None) -> DocumentResult:
    """Extract ``path`` in a child process and return its :class:`DocumentResult`; never raises.

    Args:
        path: the PDF file.
        settings: an :class:`extract.ExtractSettings` or None for defaults.
        limits: time and memory limits (default :class:`WorkerLimits`).

    Returns:
        The child's result, or a result with status ``timeout`` (killed after
        ``limits.timeout_s``), ``memory_limit`` or ``parse_error`` (the child raised or died),
        with the reason.
    """
    limits = limits or WorkerLimits()
    t0 = time.perf_counter()
    if not limits.isolate:
        from extract import extract_pdf

        try:
            return extract_pdf(path, settings)
        except Exception as exc:  # noqa: BLE001
            return DocumentResult(status="parse_error", reason=f"{type(exc).__name__}: {exc}",
                                  seconds=time.perf_counter() - t0)
    ctx = _context()
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, str(Path(path)), settings, limits.memory_bytes), daemon=True)
    proc.start()
    send.close()
    try:
        if recv.poll(limits.timeout_s):
            try:
                kind, payload = recv.recv()
            except EOFError:
                kind, payload = "died", None
        else:
            kind, payload = "timeout", None
    finally:
        if kind == "timeout" and proc.is_alive():
            proc.kill()
        proc.join(5)
        if proc.is_alive():
            proc.kill()
            proc.join()
        recv.close()
    seconds = time.perf_counter() - t0
    if kind == "ok":
        return payload
    if kind == "timeout":
        return DocumentResult(status="timeout", reason=f"extraction took longer than {limits.timeout_s:g} s; killed",
                              seconds=seconds)
    if kind == "died":
        return died_result(proc.exitcode, limits, seconds)
    return DocumentResult(status=kind, reason=payload, seconds=seconds)
