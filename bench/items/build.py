"""Items 1 and 2: ``atlas build`` of the seeds vs a bare geo-stack import, and build scaling."""

from __future__ import annotations

from bench import variants
from bench.items import Context, explain, load1, require
from bench.proc import run_measured
from bench.report import Row, Target, failed
from bench.stats import linear_fit, rate

BARE_IMPORT = "import geopandas, shapely, pyproj, pyogrio"
ITEM1 = "1 build"
ITEM2 = "2 scaling"


def bare_import(ctx: Context):
    """One measured subprocess that only imports the geo stack."""
    return run_measured([ctx.python, "-c", BARE_IMPORT], env=ctx.env(), timeout=ctx.timeout)


def seed_build_rows(ctx: Context) -> list[Row]:
    """Item 1: interleaved runs of the seed build and the bare import (one warm-up each)."""
    require("atlas.build")
    lo = load1()
    out = ctx.work / "item1-build"
    ctx.say("item 1: warm-up (compiles bytecode, fills the page cache)")
    bare_import(ctx)
    first = ctx.atlas("build", "--out", str(out))
    if not first.ok:
        return [failed(ITEM1, "atlas build, 5 seeds", explain(first), "s")]
    builds, bares = [], []
    for i in range(ctx.repeats):
        ctx.say(f"item 1: repeat {i + 1}/{ctx.repeats}")
        b = bare_import(ctx)
        r = ctx.atlas("build", "--out", str(out))
        if not (r.ok and b.ok):
            bad = r if not r.ok else b
            return [failed(ITEM1, "atlas build, 5 seeds", explain(bad), "s")]
        builds.append(r)
        bares.append(b)
    time_ratio = [r.seconds / b.seconds for r, b in zip(builds, bares, strict=True)]
    cpu_ratio = [r.cpu_seconds / b.cpu_seconds for r, b in zip(builds, bares, strict=True)]
    rss_ratio = [r.peak_rss_mb / b.peak_rss_mb for r, b in zip(builds, bares, strict=True)]
    ctx._seed_build = ctx._seed_build or out
    return [
        Row(ITEM1, "atlas build, 5 seeds: wall", "s", [r.seconds for r in builds], load=lo),
        Row(ITEM1, f"bare `{BARE_IMPORT}`: wall", "s", [b.seconds for b in bares], load=lo),
        Row(ITEM1, "build / bare import (wall)", "x", time_ratio, Target("<=", 3.0), load=lo),
        Row(ITEM1, "atlas build: CPU (user+sys)", "s", [r.cpu_seconds for r in builds], load=lo),
        Row(ITEM1, "bare import: CPU (user+sys)", "s", [b.cpu_seconds for b in bares], load=lo),
        Row(
            ITEM1,
            "build / bare import (CPU; robust to load)",
            "x",
            cpu_ratio,
            Target("<=", 3.0),
            load=lo,
        ),
        Row(ITEM1, "atlas build: peak RSS", "MB", [r.peak_rss_mb for r in builds], load=lo),
        Row(ITEM1, "bare import: peak RSS", "MB", [b.peak_rss_mb for b in bares], load=lo),
        Row(ITEM1, "build / bare import (peak RSS)", "x", rss_ratio, load=lo),
    ]


def scaling_sizes(quick: bool) -> tuple[int, ...]:
    """Plan counts built in the scaling item."""
    return (1, 3, 10) if quick else (1, 10, 100)


def scaling_rows(ctx: Context) -> list[Row]:
    """Item 2: builds over 1/10/100 plan variants; slope, start-up, R², plans/s per repeat."""
    require("atlas.build")
    lo = load1()
    sizes = scaling_sizes(ctx.quick)
    vdir = ctx.work / "variants"
    ctx.say(f"item 2: generating {max(sizes)} plan variants")
    plans = [str(v.path) for v in variants.generate(max(sizes), vdir)]
    times: dict[int, list[float]] = {n: [] for n in sizes}
    fits, cpu_fits = [], []
    ctx.atlas("build", plans[0], "--out", str(ctx.work / "item2-build"))  # warm-up
    for i in range(ctx.repeats):
        xs, ys, cpu = [], [], []
        for n in sizes:
            ctx.say(f"item 2: repeat {i + 1}/{ctx.repeats}, {n} plan(s)")
            res = ctx.atlas("build", *plans[:n], "--out", str(ctx.work / "item2-build"))
            if not res.ok:
                return [failed(ITEM2, f"atlas build, {n} variants", explain(res), "s")]
            times[n].append(res.seconds)
            xs.append(n)
            ys.append(res.seconds)
            cpu.append(res.cpu_seconds)
        fits.append(linear_fit(xs, ys))
        cpu_fits.append(linear_fit(xs, cpu))
    rows = [Row(ITEM2, f"atlas build, {n} variant plan(s)", "s", times[n], load=lo) for n in sizes]
    rows += [
        Row(ITEM2, "slope: seconds per extra plan", "s", [f.slope for f in fits], load=lo),
        Row(ITEM2, "intercept: start-up", "s", [f.intercept for f in fits], load=lo),
        Row(ITEM2, "linearity R²", "R²", [f.r2 for f in fits], Target(">=", 0.98), load=lo),
        Row(
            ITEM2,
            "plans/s after start-up (1/slope)",
            "plans/s",
            [rate(1, f.slope) for f in fits],
            Target(">=", 5.0),
            load=lo,
        ),
        Row(
            ITEM2,
            "CPU slope: CPU seconds per extra plan",
            "s",
            [f.slope for f in cpu_fits],
            load=lo,
        ),
        Row(
            ITEM2,
            "plans/s after start-up, CPU (robust to load)",
            "plans/s",
            [rate(1, f.slope) for f in cpu_fits],
            Target(">=", 5.0),
            load=lo,
        ),
    ]
    return rows
