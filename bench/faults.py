"""Planted faults as a regression check of the test net: ``python -m bench.faults``.

Copies the repository (tracked files as they are in the working tree) to a temporary folder,
runs the union of the test subsets once on the clean copy, then plants each fault alone, runs
its subset and prints which tests caught it. A fault is ``(file, exact old snippet, new
snippet)``: when the snippet is not in the file exactly once (the code moved), the fault is
reported as ``could not plant`` and the command fails, so a refactor can never turn a fault
into a silent pass. Exit status: 0 when every fault was planted and caught, 1 otherwise.

Options: ``--only NAME`` (repeatable) runs some faults; ``--list`` prints them; ``--keep``
leaves the temporary copy.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Fault:
    name: str
    what: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]


GEOMETRY = ("tests/test_geometry_golden.py", "tests/test_build.py")
#: the admin-unit point of the gazetteer (cities and counties), unique in its file
_ADMIN_POINT = (
    "                level=r.level,\n"
    "                lon=float(r.lon),\n"
    "                lat=float(r.lat),\n"
)

FAULTS: tuple[Fault, ...] = (
    Fault(
        "points-30km-north",
        "every county and city point moved 30 km north (gazetteer admin units, lat + 0.27°)",
        "atlas/places/gazetteer.py",
        _ADMIN_POINT,
        _ADMIN_POINT.replace("lat=float(r.lat),", "lat=float(r.lat) + 0.27,"),
        ("tests/test_reference_fixture.py", *GEOMETRY, "tests/places"),
    ),
    Fault(
        "sea-buffer-plus-10km",
        "the sea strip of marine items widened from 20 km to 30 km",
        "atlas/placement/geometry.py",
        "SEA_BUFFER_M = 20000.0\n",
        "SEA_BUFFER_M = 30000.0\n",
        ("tests/placement", *GEOMETRY),
    ),
    Fault(
        "anchors-without-scope",
        "layout anchors looked up without the plan's scope",
        "atlas/extract/layouts.py",
        "find_anchors(it.definition, scope)",
        "find_anchors(it.definition, None)",
        ("tests/extract/test_layouts.py", "tests/test_geometry_golden.py"),
    ),
    Fault(
        "tooltip-unescaped",
        "the map tooltip (_t) no longer escapes the feature name",
        "atlas/render/web/symbology.py",
        '"_t": f"{esc(row.get(\'name\'))}（',
        '"_t": f"{row.get(\'name\')}（',
        ("tests/test_escaping.py", "tests/test_escaping_browser.py", "tests/render/test_webmap.py"),
    ),
    Fault(
        "indicator-base-target-swap",
        "the indicator table reader swaps base and target columns",
        "atlas/extract/indicators.py",
        '        value, qual, text = parse_value(cell)\n        if side == "base":\n',
        '        value, qual, text = parse_value(cell)\n        if side != "base":\n',
        ("tests/extract/test_indicators.py",),
    ),
    Fault(
        "role-table-bypass",
        "every role placed by the point rule (rules.place ignores ROLE_FAMILY)",
        "atlas/placement/rules.py",
        "    out = RULES[family(spec.role)](spec, anchors, ctx)\n",
        "    out = RULES[Family.POINT](spec, anchors, ctx)\n",
        ("tests/placement", *GEOMETRY),
    ),
    Fault(
        "count-check-loosened",
        "a layout element-count mismatch reported only when there are too many elements",
        "atlas/extract/layouts.py",
        "        if part.count and len(items) != part.count:\n",
        "        if part.count and len(items) > part.count:\n",
        ("tests/extract/test_layouts.py", "tests/test_build.py"),
    ),
    Fault(
        "belt-width-doubled",
        "the belt half-width doubled from 5 km to 10 km (20 km-wide belts)",
        "atlas/placement/geometry.py",
        '    "belt": 5000.0,',
        '    "belt": 10000.0,',
        ("tests/placement", *GEOMETRY),
    ),
)

FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.M)


def copy_repo(dest: Path) -> None:
    """Tracked files of the working tree (with uncommitted edits) into ``dest``."""
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for rel in filter(None, out.split("\0")):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)


def run_tests(repo: Path, tests: list[str]) -> tuple[set[str], str, float]:
    """Run ``tests`` in ``repo``; the ids that failed or errored, the summary line, seconds."""
    env = dict(os.environ, PYTHONPATH=str(repo), PYTHONDONTWRITEBYTECODE="1")
    cmd = [sys.executable, "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider", *tests]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=1800)
    lines = proc.stdout.strip().splitlines()
    return (
        set(FAILED.findall(proc.stdout)),
        (lines[-1] if lines else proc.stderr[-300:]),
        (time.perf_counter() - t0),
    )


def plant(repo: Path, f: Fault) -> str | None:
    """Plant ``f`` in ``repo``; the original text, or None when the snippet is not there once."""
    path = repo / f.file
    text = path.read_text(encoding="utf-8")
    if text.count(f.old) != 1:
        return None
    path.write_text(text.replace(f.old, f.new), encoding="utf-8")
    return text


def _short(test_id: str) -> str:
    return test_id.replace("tests/", "").split(" - ")[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.faults", description=__doc__.split("\n")[0])
    ap.add_argument("--only", action="append", default=[], help="fault name (repeatable)")
    ap.add_argument("--list", action="store_true", help="list the faults and exit")
    ap.add_argument("--keep", action="store_true", help="keep the temporary copy")
    args = ap.parse_args(argv)
    if args.list:
        for f in FAULTS:
            print(f"{f.name:28} {f.file}: {f.what}")
        return 0
    faults = [f for f in FAULTS if not args.only or f.name in args.only]
    unknown = set(args.only) - {f.name for f in FAULTS}
    if unknown or not faults:
        print(f"unknown fault(s): {sorted(unknown)}; see --list", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="atlas-faults-"))
    repo = tmp / "repo"
    try:
        copy_repo(repo)
        union = sorted({t for f in faults for t in f.tests})
        clean_fail, summary, secs = run_tests(repo, union)
        print(f"clean copy: {summary} ({secs:.0f} s)")
        if clean_fail:
            print(f"  failing before any fault (not counted as catches): {sorted(clean_fail)}")
        rows, ok = [], True
        for f in faults:
            original = plant(repo, f)
            if original is None:
                rows.append((f, [], "could not plant: snippet not found exactly once", 0.0))
                ok = False
                continue
            try:
                failed, summary, secs = run_tests(repo, list(f.tests))
            finally:
                (repo / f.file).write_text(original, encoding="utf-8")
            caught = sorted(failed - clean_fail)
            verdict = f"caught by {len(caught)}" if caught else "SURVIVED"
            ok = ok and bool(caught)
            rows.append((f, caught, verdict, secs))
            print(f"{f.name}: {verdict} ({summary}, {secs:.0f} s)", flush=True)
            for c in caught:
                print(f"    {_short(c)}")
        print()
        print("| fault | file | tests run | caught by | verdict |")
        print("|---|---|---|---|---|")
        for f, caught, verdict, _ in rows:
            shown = ", ".join(f"`{_short(c)}`" for c in caught[:4])
            if len(caught) > 4:
                shown += f" … (+{len(caught) - 4})"
            tests = ", ".join(t.replace("tests/", "") for t in f.tests)
            print(f"| {f.name}: {f.what} | `{f.file}` | {tests} | {shown or '–'} | {verdict} |")
        print()
        print("all faults caught" if ok else "SOME FAULTS WERE NOT CAUGHT OR NOT PLANTED")
        return 0 if ok else 1
    finally:
        if args.keep:
            print(f"copy kept in {repo}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
