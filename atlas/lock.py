"""One build at a time per output folder: an advisory lock file next to ``--out``.

Two ``atlas build --out X`` at once used to race in the publish step (one build renamed the
other's ``geojson/`` away: "No such file or directory", 1 run in 24). :func:`out_lock` holds
``fcntl.flock`` on ``.<X>.lock`` beside ``X`` while a build writes and publishes; a second build
waits for it, up to :data:`atlas.limits.BUILD_LOCK_SECONDS`, then stops with a
:class:`~atlas.errors.WriteError` (exit 2). The kernel releases the lock when a build dies, so
a killed build never leaves a stale lock (at most an empty, unlocked lock file, which the next
build takes over and removes).
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from atlas.errors import WriteError
from atlas.limits import BUILD_LOCK_SECONDS

log = logging.getLogger(__name__)

#: how often a waiting build tries the lock again
POLL_SECONDS = 0.1


def lock_path(out: Path) -> Path:
    """The lock file of an output folder: ``.<name>.lock`` next to it."""
    out = Path(out).absolute()
    return out.parent / f".{out.name}.lock"


def _timeout() -> float:
    try:
        return float(os.environ.get("ATLAS_LOCK_SECONDS", BUILD_LOCK_SECONDS))
    except ValueError:
        return BUILD_LOCK_SECONDS


def _same_file(fd: int, path: Path) -> bool:
    """True while ``path`` still names the file open as ``fd`` (the holder may have removed
    it between our open and our flock)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    fst = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (fst.st_dev, fst.st_ino)


def _acquire(path: Path, out: Path, wait: float) -> int:
    """Open and flock the lock file; the open descriptor holds the lock."""
    deadline = time.monotonic() + wait
    logged = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise WriteError(
                    f"another build is writing {out} (lock {path.name} held for over "
                    f"{wait:.0f} s); try again when it has finished"
                ) from None
            if not logged:
                log.info("waiting for another build writing %s", out)
                logged = True
            time.sleep(POLL_SECONDS)
            continue
        if _same_file(fd, path):
            return fd
        os.close(fd)  # we locked a file its holder had just removed: try the new one


@contextmanager
def out_lock(out: Path, timeout: float | None = None) -> Iterator[Path]:
    """Hold the lock of ``out`` for the body of the ``with`` block.

    The lock file is removed when the block ends (while still locked, so a waiting build
    notices and locks a fresh file); nothing is left next to ``out``.

    Parameters
    ----------
    out : Path
        The output folder (need not exist yet; its parent must).
    timeout : float, optional
        Seconds to wait for another holder (default ``ATLAS_LOCK_SECONDS`` or
        :data:`atlas.limits.BUILD_LOCK_SECONDS`).

    Raises
    ------
    WriteError
        When another build still holds the lock after ``timeout`` seconds.
    """
    path = lock_path(out)
    fd = _acquire(path, out, _timeout() if timeout is None else timeout)
    try:
        yield path
    finally:
        try:
            os.unlink(path)
        finally:
            os.close(fd)  # closing releases the lock
