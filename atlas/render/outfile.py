"""Output files of the renderers: check the target, then write it atomically.

``atlas snapshot``, ``atlas deck`` and ``atlas webmap`` refuse an unknown extension or an
unwritable folder before any work, and write through a temporary file in the target folder
that is renamed over the target, so a reader never sees a half-written file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from atlas.errors import InputError


def check_target(out: str | Path, suffixes: tuple[str, ...], use: str) -> Path:
    """Validate an output path and create its folder.

    Parameters
    ----------
    out : str or Path
        The output file.
    suffixes : tuple of str
        Accepted extensions, lower case with the dot (``(".png", ".svg", ".pdf")``).
    use : str
        What the refusal of another extension suggests (``".png, .svg or .pdf"``).

    Raises
    ------
    InputError
        Unknown extension, a folder that cannot be created or is not writable.
    """
    path = Path(out)
    if path.suffix.lower() not in suffixes:
        raise InputError(f"unknown output extension {path.suffix!r} (use {use})")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create output folder {path.parent}: {exc.strerror}") from None
    if not os.access(path.parent, os.W_OK):
        raise InputError(f"output folder {path.parent} is not writable")
    return path


def write_atomically(path: Path, write: Callable[[str], None], suffix: str) -> Path:
    """Call ``write(tmp)`` on a temporary file next to ``path``, then rename it to ``path``.

    The file is made world-readable (0644); on any error the temporary file is removed and
    ``path`` is left as it was.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
