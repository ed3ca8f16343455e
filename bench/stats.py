"""Small statistics helpers: summaries of repeated timings and a least-squares line."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    """Median and range of repeated measurements."""

    median: float
    low: float
    high: float
    n: int


def summarize(values: Sequence[float]) -> Summary:
    """Median, minimum and maximum of ``values`` (raises ``ValueError`` when empty)."""
    vals = [float(v) for v in values]
    if not vals:
        raise ValueError("no values to summarize")
    return Summary(statistics.median(vals), min(vals), max(vals), len(vals))


@dataclass(frozen=True)
class Fit:
    """A least-squares line ``y = intercept + slope * x`` and its coefficient of determination."""

    slope: float
    intercept: float
    r2: float


def linear_fit(xs: Sequence[float], ys: Sequence[float]) -> Fit:
    """Ordinary least squares of ``ys`` on ``xs``.

    ``r2`` is 1.0 when the points lie exactly on the line (also when ``ys`` is constant and the
    fit is exact). Needs at least two distinct ``xs``.
    """
    if len(xs) != len(ys):
        raise ValueError("xs and ys differ in length")
    if len(set(xs)) < 2:
        raise ValueError("need at least two distinct x values")
    n = len(xs)
    mx = sum(xs) / n
    my = sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    intercept = my - slope * mx
    ss_res = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    ss_tot = sum((y - my) ** 2 for y in ys)
    if ss_tot == 0:
        r2 = 1.0 if math.isclose(ss_res, 0.0, abs_tol=1e-12) else 0.0
    else:
        r2 = 1.0 - ss_res / ss_tot
    return Fit(slope, intercept, r2)


def rate(count: int, seconds: float) -> float:
    """Operations per second (``inf`` for a zero duration)."""
    return count / seconds if seconds > 0 else math.inf
