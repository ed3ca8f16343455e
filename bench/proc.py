"""Run a command in a subprocess; measure its wall time, CPU time and peak resident set size.

CPU time (user + system) is what the run costs with the machine to itself: on a shared, loaded
machine it stays put while the wall time grows. CPU time and peak RSS come from ``os.wait4``
on that very child (``ru_utime``, ``ru_stime``, ``ru_maxrss``), so they are exact per run and
need no polling and no psutil.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProcResult:
    """Outcome of one measured subprocess run."""

    seconds: float
    peak_rss_mb: float
    cpu_seconds: float
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        """True when the command exited with status 0 in time."""
        return self.returncode == 0 and not self.timed_out


def run_measured(
    cmd: Sequence[str],
    *,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 600.0,
) -> ProcResult:
    """Run ``cmd`` to completion; return wall seconds, peak RSS (MB) and its output.

    The child is killed after ``timeout`` seconds (then ``timed_out`` is set).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd), cwd=cwd, env=dict(env) if env is not None else None, stdout=out, stderr=err
        )
        fired = threading.Event()

        def _kill() -> None:
            fired.set()
            proc.kill()

        timer = threading.Timer(timeout, _kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return ProcResult(
            seconds=seconds,
            peak_rss_mb=usage.ru_maxrss / 1024.0,  # Linux reports kilobytes
            cpu_seconds=usage.ru_utime + usage.ru_stime,
            returncode=proc.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            timed_out=fired.is_set(),
        )


def tail(text: str, lines: int = 3) -> str:
    """The last non-empty lines of ``text`` joined by `` | `` (for one-line error notes)."""
    rows = [r.strip() for r in text.strip().splitlines() if r.strip()]
    return " | ".join(rows[-lines:])
