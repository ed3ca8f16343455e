"""Item 5: ``atlas snapshot`` and ``atlas deck`` of 锦州 (subprocess wall times)."""

from __future__ import annotations

from bench.items import Context, explain, load1, not_available_reason
from bench.report import Row, Target, failed, unavailable

ITEM = "5 exports"
PLAN = "jinzhou-2021"


def _timed(ctx: Context, metric: str, args: list[str], target: Target) -> Row:
    build = ctx.seed_build()
    lo = load1()
    args = [*args, "--build", str(build)]
    first = ctx.atlas(*args)  # warm-up, and the availability check
    reason = not_available_reason(first)
    if reason:
        return unavailable(ITEM, metric, reason, "s")
    if not first.ok:
        return failed(ITEM, metric, explain(first), "s")
    times = []
    for _ in range(ctx.repeats):
        res = ctx.atlas(*args)
        if not res.ok:
            return failed(ITEM, metric, explain(res), "s")
        times.append(res.seconds)
    return Row(ITEM, metric, "s", times, target, load=lo)


def snapshot_rows(ctx: Context) -> list[Row]:
    """``atlas snapshot --plan jinzhou-2021 --out x.png`` (target ≤ 3 s median)."""
    out = ctx.work / "snapshot.png"
    args = ["snapshot", "--plan", PLAN, "--out", str(out)]
    return [_timed(ctx, f"atlas snapshot --plan {PLAN} (PNG)", args, Target("<=", 3.0))]


def deck_rows(ctx: Context) -> list[Row]:
    """``atlas deck --plan jinzhou-2021 --out x.pptx`` (target ≤ 15 s median)."""
    out = ctx.work / "deck.pptx"
    args = ["deck", "--plan", PLAN, "--out", str(out)]
    return [_timed(ctx, f"atlas deck --plan {PLAN}", args, Target("<=", 15.0))]
