"""Reading workbooks in a separate process with a memory limit, so a hostile file ends only its own reading.

python-calamine is fast, but on some files it asks for hundreds of gigabytes and aborts the
process, which Python cannot catch. Workbooks are therefore read by a worker process: the
file's limits are checked there first (limits.py), the fast reader reads ordinary sheets,
sparse.py the vast empty ones, and plain values come back through a pipe. If the worker dies,
runs out of its memory or time, the file is refused by name and a new worker reads the next.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import multiprocessing
import os
import pickle
import sys
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from scp_desktop.excel.safety import SpreadsheetRejected

# Far above what the largest real return needs (about 200 MB), far below a laptop's memory.
MEMORY_LIMIT_BYTES = 2 * 1024**3
# A 5,000-row return reads in a fraction of a second.
TIME_LIMIT_SECONDS = 120.0
# Idle workers kept for the next file: starting one costs a few tenths of a second.
KEEP_IDLE = 4
_POLL_SECONDS = 0.05


class ReadingCancelled(SpreadsheetRejected):
    """The officer cancelled while a file was being read."""


class ReaderFailed(SpreadsheetRejected):
    """The reader itself broke on the file: the worker that saw it reads nothing more."""


@dataclass(frozen=True)
class SheetValues:
    """One worksheet as read: its rows of values ('' for an empty cell), and whether it is hidden."""

    name: str
    rows: Any  # list[list[Any]], or sparse.SparseRows for a vast sheet read cell by cell
    hidden: bool


# The first byte of each answer: whether the worker reads more files after it.
_MORE, _LAST = b"+", b"."

# ---- in the worker ---------------------------------------------------------------------------


def read_values(name: str, content: bytes) -> list[SheetValues]:
    """Every worksheet of a workbook package, checked against the limits first.

    Runs in the worker; SpreadsheetRejected says why a file is refused.
    """
    import python_calamine

    from scp_desktop.excel import sparse
    from scp_desktop.excel.limits import MAX_DENSE_CELLS, scan_package
    from scp_desktop.excel.plain_text import clean_rows

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            scan = scan_package(name, zf)
    except SpreadsheetRejected:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as exc:
        raise SpreadsheetRejected(
            f"{name} is damaged (the workbook package cannot be opened: {exc}). "
            "Ask the agency to save it again as .xlsx."
        ) from exc
    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    except python_calamine.PasswordError as exc:
        raise SpreadsheetRejected(f"{name} is protected with a password.") from exc
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine's errors, and a Rust panic (not an Exception)
        raise SpreadsheetRejected(
            f"{name} is damaged and cannot be read ({exc}). "
            "Ask the agency to save it again as .xlsx."
        ) from exc
    sheets: list[SheetValues] = []
    sparse_reading: tuple[zipfile.ZipFile, list[str], list[int]] | None = None
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            hidden = meta.visible != python_calamine.SheetVisibleEnum.Visible
            extent = scan.sheets.get(meta.name)
            if extent is None and any(e.area > MAX_DENSE_CELLS for e in scan.sheets.values()):
                # A sheet the scan could not tie to its part, in a workbook holding a vast one:
                # which part it is cannot be told, so it is not read whole.
                raise SpreadsheetRejected(
                    f"{name} was not read: its sheet '{meta.name}' could not be checked before "
                    "reading. Ask the agency to save it again as .xlsx."
                )
            if extent is not None and extent.area > MAX_DENSE_CELLS:
                if sparse_reading is None:
                    zf = zipfile.ZipFile(io.BytesIO(content))
                    sparse_reading = (zf, sparse.shared_strings(zf), sparse.date_styles(zf))
                rows: Any = sparse.read_sheet(sparse_reading[0], extent.part, *sparse_reading[1:])
            else:
                rows = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
                clean_rows(rows)
            sheets.append(SheetValues(meta.name, rows, hidden))
    except (KeyboardInterrupt, SystemExit, SpreadsheetRejected, MemoryError):
        raise
    except Exception as exc:
        raise SpreadsheetRejected(
            f"{name} is damaged: a sheet cannot be read ({exc}). "
            "Ask the agency to save it again as .xlsx."
        ) from exc
    except BaseException as exc:  # a panic inside the reader, as when memory runs out
        raise ReaderFailed(
            f"{name} was not read: the spreadsheet reader failed on it ({exc}). The file may be "
            "damaged, too large or made to break spreadsheet readers; ask the agency to save it "
            "again as .xlsx."
        ) from exc
    finally:
        wb.close()
        if sparse_reading is not None:
            sparse_reading[0].close()
    return sheets


def _limit_memory(limit: int) -> None:
    """Cap this process's memory, so a runaway reading fails here instead of taking the laptop."""
    if sys.platform == "win32":
        _limit_memory_windows(limit)
        return
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _limit_memory_windows(limit: int) -> None:
    """The same cap on Windows: this process is put in a job object with a memory limit."""
    import ctypes
    from ctypes import wintypes

    class _Basic(ctypes.Structure):
        _fields_ = [
            ("PerProcessUserTimeLimit", ctypes.c_int64),
            ("PerJobUserTimeLimit", ctypes.c_int64),
            ("LimitFlags", wintypes.DWORD),
            ("MinimumWorkingSetSize", ctypes.c_size_t),
            ("MaximumWorkingSetSize", ctypes.c_size_t),
            ("ActiveProcessLimit", wintypes.DWORD),
            ("Affinity", ctypes.c_size_t),
            ("PriorityClass", wintypes.DWORD),
            ("SchedulingClass", wintypes.DWORD),
        ]

    class _Counters(ctypes.Structure):
        _fields_ = [(n, ctypes.c_uint64) for n in ("r", "w", "o", "rb", "wb", "ob")]

    class _Extended(ctypes.Structure):
        _fields_ = [
            ("BasicLimitInformation", _Basic),
            ("IoInfo", _Counters),
            ("ProcessMemoryLimit", ctypes.c_size_t),
            ("JobMemoryLimit", ctypes.c_size_t),
            ("PeakProcessMemoryUsed", ctypes.c_size_t),
            ("PeakJobMemoryUsed", ctypes.c_size_t),
        ]

    job_object_extended_limit_information = 9
    job_object_limit_process_memory = 0x100
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.CreateJobObjectW.restype = wintypes.HANDLE
    kernel32.CreateJobObjectW.argtypes = [ctypes.c_void_p, wintypes.LPCWSTR]
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    kernel32.SetInformationJobObject.argtypes = [
        wintypes.HANDLE,
        ctypes.c_int,
        ctypes.c_void_p,
        wintypes.DWORD,
    ]
    kernel32.SetInformationJobObject.restype = wintypes.BOOL
    kernel32.AssignProcessToJobObject.argtypes = [wintypes.HANDLE, wintypes.HANDLE]
    kernel32.AssignProcessToJobObject.restype = wintypes.BOOL
    job = kernel32.CreateJobObjectW(None, None)
    if not job:
        return  # no job object: the process is still apart, only without a cap
    info = _Extended()
    info.BasicLimitInformation.LimitFlags = job_object_limit_process_memory
    info.ProcessMemoryLimit = limit
    if kernel32.SetInformationJobObject(
        job, job_object_extended_limit_information, ctypes.byref(info), ctypes.sizeof(info)
    ):
        kernel32.AssignProcessToJobObject(job, kernel32.GetCurrentProcess())


def _serve(connection: Connection, memory_limit: int) -> None:
    """The worker's loop: read each file sent, answer with its values or why it was refused."""
    # Without a cap on this system, the file is still read in a process of its own.
    with contextlib.suppress(Exception):
        _limit_memory(memory_limit)
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return  # the application has gone
        if request is None:
            return
        name, content = request
        try:
            answer: tuple[str, Any] = ("ok", read_values(name, content))
        except ReaderFailed as exc:
            connection.send_bytes(_LAST + pickle.dumps(("refused", str(exc))))
            return
        except SpreadsheetRejected as exc:
            answer = ("refused", str(exc))
        except MemoryError:
            # A process that ran out of memory is not trusted with another file.
            connection.send_bytes(_LAST + pickle.dumps(("memory", "")))
            return
        except Exception as exc:
            answer = ("refused", f"{name} cannot be read ({type(exc).__name__}: {exc}).")
        try:
            payload = _MORE + pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            connection.send_bytes(_LAST + pickle.dumps(("memory", "")))
            return
        connection.send_bytes(payload)


# ---- in the application ----------------------------------------------------------------------


class _Worker:
    def __init__(self, memory_limit: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child, memory_limit), name="workbook-reader", daemon=True
        )
        self.process.start()
        child.close()
        self.memory_limit = memory_limit

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.connection.close()
        self.process.close()


_idle: list[_Worker] = []
_idle_lock = threading.Lock()


def _take(memory_limit: int) -> _Worker:
    with _idle_lock:
        while _idle:
            worker = _idle.pop()
            if worker.memory_limit == memory_limit and worker.process.is_alive():
                return worker
            worker.stop()
    return _Worker(memory_limit)


def _give_back(worker: _Worker) -> None:
    with _idle_lock:
        if len(_idle) < KEEP_IDLE and worker.process.is_alive():
            _idle.append(worker)
            return
    worker.stop()


@atexit.register
def stop_idle_workers() -> None:
    """End the workers kept for later reading (also done at exit)."""
    with _idle_lock:
        workers = list(_idle)
        _idle.clear()
    for worker in workers:
        worker.stop()


def start_workers(count: int, memory_limit: int = MEMORY_LIMIT_BYTES) -> None:
    """Start workers ahead of need, so the first files are not kept waiting for one to start."""
    with _idle_lock:
        missing = max(0, min(count, KEEP_IDLE) - len(_idle))
    started = [_Worker(memory_limit) for _ in range(missing)]
    for worker in started:
        _give_back(worker)


def read_in_worker(
    name: str,
    content: bytes,
    *,
    cancelled: Callable[[], bool] | None = None,
    memory_limit: int = MEMORY_LIMIT_BYTES,
    time_limit: float = TIME_LIMIT_SECONDS,
) -> bytes:
    """Read a workbook's bytes in a worker process; the answer is made into values by `values_of`.

    The answer comes back as bytes so that making it into Python objects can happen on
    whichever thread wants them. Raises SpreadsheetRejected naming the file when the worker
    refuses it, dies, or takes too long; ReadingCancelled when `cancelled` says so.
    """
    worker = _take(memory_limit)
    finished = False
    try:
        try:
            worker.connection.send((name, content))
        except (BrokenPipeError, ConnectionError, OSError):
            # A worker kept idle may have ended since (the system stopped it): a new one reads.
            worker.stop()
            worker = _Worker(memory_limit)
            worker.connection.send((name, content))
        deadline = time.monotonic() + time_limit
        while not worker.connection.poll(_POLL_SECONDS):
            if cancelled is not None and cancelled():
                raise ReadingCancelled(f"Reading {name} was cancelled.")
            if not worker.process.is_alive() and not worker.connection.poll(0):
                raise _died(name, worker)
            if time.monotonic() > deadline:
                raise SpreadsheetRejected(
                    f"{name} was not read: reading it took longer than {time_limit:.0f} seconds "
                    "and was stopped. The file may be damaged or made to break spreadsheet "
                    "readers; ask the agency to save it again as .xlsx."
                )
        try:
            payload = worker.connection.recv_bytes()
        except (EOFError, OSError):
            raise _died(name, worker) from None
        finished = payload[:1] == _MORE
        return payload[1:]
    except (BrokenPipeError, EOFError, ConnectionError):
        raise _died(name, worker) from None
    finally:
        if finished:
            _give_back(worker)
        else:
            worker.stop()  # cancelled, stuck or dead: this worker reads nothing more


def _died(name: str, worker: _Worker) -> SpreadsheetRejected:
    worker.process.join(1)
    return SpreadsheetRejected(
        f"{name} was not read: reading it needed more memory than {_size(worker.memory_limit)} "
        "or failed inside the spreadsheet reader, so it was stopped. The file may be damaged "
        "or made to break spreadsheet readers; ask the agency to save it again as .xlsx."
    )


def _size(limit: int) -> str:
    return f"{limit / 1024**3:g} GB" if limit >= 1024**3 else f"{limit // 1024**2} MB"


def values_of(name: str, payload: bytes) -> list[SheetValues]:
    """The sheets in a worker's answer, or SpreadsheetRejected with its reason."""
    kind, body = pickle.loads(payload)
    if kind == "ok":
        sheets: list[SheetValues] = body
        return sheets
    if kind == "memory":
        raise SpreadsheetRejected(
            f"{name} was not read: reading it needed more memory than allowed, so it was "
            "stopped. The file may be damaged or made to break spreadsheet readers; ask the "
            "agency to save it again as .xlsx."
        )
    raise SpreadsheetRejected(str(body))


def worker_count_hint() -> int:
    """Readers worth running at once: one per core, up to four."""
    return min(4, os.cpu_count() or 1)
