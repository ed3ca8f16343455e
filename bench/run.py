"""The one benchmark command: ``python -m bench [--quick] [--repeats N] [--only ...]``.

Prints a table (stdout; progress on stderr), rewrites the generated block of
docs/benchmarks.md and, with ``--json``, writes the raw figures. An item whose module has not
landed is reported as "not available"; an item that breaks is reported as "error"; neither
stops the run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from bench.items import Context, NotAvailable
from bench.machine import ROOT, load, machine_info
from bench.report import Row, failed, markdown_section, text_table, unavailable, write_markdown

DOC = ROOT / "docs" / "benchmarks.md"


def _items() -> dict[str, tuple[str, str, Callable[[Context], list[Row]]]]:
    from bench.items.app import app_rows
    from bench.items.browser import browser_rows
    from bench.items.build import scaling_rows, seed_build_rows
    from bench.items.exports import deck_rows, snapshot_rows
    from bench.items.gazetteer import gazetteer_rows

    return {
        "build": ("1 build", "atlas build, 5 seeds", seed_build_rows),
        "scaling": ("2 scaling", "builds over plan variants", scaling_rows),
        "gazetteer": ("3 gazetteer", "warm geocode look-ups", gazetteer_rows),
        "app": ("4 app", "map page (AppTest)", app_rows),
        "browser": ("4 app", "first map paint (Chromium)", browser_rows),
        "snapshot": ("5 exports", "atlas snapshot", snapshot_rows),
        "deck": ("5 exports", "atlas deck", deck_rows),
    }


ITEM_NAMES = ("build", "scaling", "gazetteer", "app", "browser", "snapshot", "deck")


def run_item(name: str, ctx: Context) -> list[Row]:
    """Run one item; turn "not available" and any failure into a row instead of a crash."""
    item, metric, func = _items()[name]
    try:
        return func(ctx)
    except NotAvailable as exc:
        return [unavailable(item, metric, str(exc))]
    except Exception as exc:
        ctx.say(f"{name} failed:\n{traceback.format_exc()}")
        return [failed(item, metric, f"{type(exc).__name__}: {exc}")]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=None, help="repeats (default 5, quick 1)")
    ap.add_argument("--quick", action="store_true", help="smoke run: 1 repeat, small sizes")
    ap.add_argument(
        "--only",
        default="",
        help=f"comma-separated items to run (default all): {','.join(ITEM_NAMES)}",
    )
    ap.add_argument("--out", default=str(DOC), help="markdown file to update (default docs/...)")
    ap.add_argument("--no-write", action="store_true", help="print only, leave the docs alone")
    ap.add_argument("--json", default="", help="also write the raw figures to this JSON file")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder (for debugging)")
    ap.add_argument("--timeout", type=float, default=900.0, help="per subprocess, seconds")
    ap.add_argument(
        "--max-load",
        type=float,
        default=None,
        help="before each item, wait until the 1-minute load average is at most this",
    )
    ap.add_argument(
        "--max-wait", type=float, default=600.0, help="longest wait for --max-load, seconds"
    )
    return ap.parse_args(argv)


def wait_for_quiet(max_load: float, max_wait: float, ctx: Context, poll: float = 5.0) -> float:
    """Sleep until the 1-minute load is at most ``max_load`` (or ``max_wait`` passed).

    Returns the load when it stopped waiting.
    """
    t0 = time.monotonic()
    now = load()[0]
    while now > max_load and time.monotonic() - t0 < max_wait:
        ctx.say(f"load {now:.2f} > {max_load}: waiting ({time.monotonic() - t0:.0f} s so far)")
        time.sleep(poll)
        now = load()[0]
    return now


def busy_warning(rows: list[Row], before: dict, after: dict) -> str:
    """A warning when the load exceeded the core count during the run, else ""."""
    cores = int(before.get("usable_cores") or before.get("cores") or 1)
    loads = [r.load for r in rows if r.load is not None]
    loads += [before["load"][0], after["load"][0]]  # type: ignore[index]
    peak = max(loads)
    if peak <= cores:
        return ""
    return (
        f"WARNING: the machine was busy (1-min load up to {peak:.1f} on {cores} cores): "
        "wall times are inflated; the CPU-time rows are the ones to compare"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the selected items; print the table; update docs/benchmarks.md. Exit 0 unless
    an option is wrong (missed targets are findings, not failures)."""
    args = parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(ITEM_NAMES)
    unknown = [n for n in names if n not in ITEM_NAMES]
    if unknown:
        sys.stderr.write(f"unknown item(s): {', '.join(unknown)}; choose from {ITEM_NAMES}\n")
        return 2
    repeats = args.repeats or (1 if args.quick else 5)
    work = Path(tempfile.mkdtemp(prefix="atlas-bench-"))
    ctx = Context(repeats=repeats, quick=args.quick, work=work, timeout=args.timeout)
    before = machine_info()
    ctx.say(f"machine: {before['cpu']}, {before['cores']} cores, load {before['load']}")
    rows: list[Row] = []
    try:
        for name in names:
            ctx.say(f"--- {name}")
            if args.max_load is not None:
                wait_for_quiet(args.max_load, args.max_wait, ctx)
            rows += run_item(name, ctx)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            ctx.say(f"scratch kept in {work}")
    after = machine_info()
    after["date"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    settings = f"repeats {repeats}{', quick' if args.quick else ''}, items {','.join(names)}"
    warning = busy_warning(rows, before, after)
    print(f"Planning Atlas benchmarks — {after['date']} — {settings}")
    print(f"{after['cpu']}, {after['cores']} cores, RAM {after['ram_gb']} GiB")
    print(f"load average (1/5/15 min): start {before['load']}, end {after['load']}")
    if warning:
        print(warning)
        settings += f". **{warning}**"
    print(text_table(rows))
    if not args.no_write:
        write_markdown(Path(args.out), markdown_section(rows, before, after, settings))
        ctx.say(f"wrote {args.out}")
    if args.json:
        doc = {"machine_start": before, "machine_end": after, "settings": settings}
        doc["rows"] = [asdict(r) | {"verdict": r.verdict()} for r in rows]
        Path(args.json).write_text(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
    return 0
