"""Readable golden diffs, shared by the golden tests and the explicit regen commands.

A golden test never writes its golden: it compares and, on a difference, fails with the diff and
the command that rewrites the file (``python -m tests.regen_geometry`` or
``python -m tests.regen_goldens KIND``). Those commands rewrite the files and PRINT the same
diff, so every regenerated golden is reviewed as a change, never compared with itself.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
from pathlib import Path

import pytest

#: at most this many diff lines in a failure message or a regen report per file
MAX_LINES = 80


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def csv_text(rows: list[dict], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in columns})
    return buf.getvalue()


def json_text(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1) + "\n"


def diff_csv(before: str, after: str, key: list[str]) -> list[str]:
    """Keyed diff of two CSV texts: ``+ id``/``- id`` rows and ``id field: before → after``."""
    old = {tuple(r[k] for k in key): r for r in csv_rows(before)} if before else {}
    new = {tuple(r[k] for k in key): r for r in csv_rows(after)}
    out: list[str] = []
    for k in sorted(old.keys() | new.keys()):
        name = " ".join(k)
        if k not in new:
            out.append(f"- {name} (removed)")
        elif k not in old:
            out.append(f"+ {name} (added)")
        else:
            for f in new[k]:
                if f not in key and old[k].get(f) != new[k][f]:
                    out.append(f"~ {name} {f}: {old[k].get(f)} → {new[k][f]}")
    return out


def diff_text(before: str, after: str, name: str) -> list[str]:
    """Unified diff (one line of context) of two texts, e.g. pretty-printed JSON goldens."""
    return [
        line.rstrip("\n")
        for line in difflib.unified_diff(
            before.splitlines(), after.splitlines(), f"{name} (golden)", f"{name} (now)", n=1
        )
    ]


def diff(path: Path, before: str, after: str, key: list[str] | None) -> list[str]:
    if key is not None:
        return diff_csv(before, after, key)
    return diff_text(before, after, path.name)


def _clip(lines: list[str]) -> str:
    more = len(lines) - MAX_LINES
    text = "\n".join(lines[:MAX_LINES])
    return text + (f"\n… {more} more lines" if more > 0 else "")


def check(path: Path, got: str, regen: str, key: list[str] | None = None) -> None:
    """Fail with a readable diff unless ``got`` equals the golden file at ``path``."""
    if not path.exists():
        pytest.fail(f"no golden {path}: run `{regen}` and review the printed diff", False)
    before = path.read_text(encoding="utf-8")
    if before == got:
        return
    lines = diff(path, before, got, key)
    if not lines:  # same rows, other order or formatting
        lines = diff_text(before, got, path.name)
    pytest.fail(
        f"{path.name} differs from its golden ({len(lines)} changes):\n{_clip(lines)}\n"
        f"If the change is intended, run `{regen}`, review the diff it prints, and commit.",
        False,
    )


def rewrite(path: Path, got: str, key: list[str] | None = None) -> int:
    """Write ``got`` to ``path`` and print the diff against the old file; the number of changes."""
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    if before == got:
        return 0
    lines = diff(path, before, got, key) if before else [f"+ {path.name} (new file)"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(got, encoding="utf-8")
    print(f"== {path}: {len(lines)} changes")
    print(_clip(lines))
    return max(len(lines), 1)
