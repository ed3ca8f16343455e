"""Status rules: is a plan target on its way, judged by one later observation?

Pure functions, no I/O. A :class:`Target` (a plan's goal) and an :class:`Observation` (a
later figure: a work report's achieved value, a later plan's base value) go in; a
:class:`Verdict` (status + a one-line Chinese rule) comes out. Statuses:

``met``
    the target value is already reached (or, for a limit, held at/after the target year);
``ahead`` / ``on_track`` / ``behind``
    compared with the required path at the observation year, outside/inside the tolerance;
``unknown``
    no observation, a qualitative target (quoted), incomparable measures (units, a cumulative
    target against a one-year figure, a 新增 flow against a stock), or a missing base that
    leaves no path to compare with.

Tolerances (module constants, documented in each rule):

* growth targets: within :data:`GROWTH_TOL` (0.5 points) of the required annual rate;
* level targets (亿元, 万人, 元 ...): within :data:`LEVEL_TOL` (±2 %) of the geometric path
  ``base · (target/base)^((y − y0)/(T − y0))`` — 2 % is about a third of a typical 6 % annual
  growth step, so a year's slip shows as behind while rounding in reports does not;
* shares (unit %): within :data:`SHARE_TOL` (±0.5 points) of the linear path
  ``base + (target − base)·(y − y0)/(T − y0)``.

Direction: a limit (以内/以下/不高于/不超过) is a ceiling; keys in :data:`LOWER_IS_BETTER`
(PM2.5, intensities, unemployment, prices) are better when lower unless the name states a
decline (…下降率/降低, which is better when higher). Everything else is better when higher.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

#: the statuses, in display order
STATUSES: tuple[str, ...] = ("ahead", "on_track", "behind", "met", "unknown")
#: Chinese labels of the statuses
STATUS_LABELS: dict[str, str] = {
    "ahead": "超前",
    "on_track": "符合进度",
    "behind": "滞后",
    "met": "已完成",
    "unknown": "无法判断",
}
#: display colours (hex) of the statuses, for the app page, deck and XLSX fills
STATUS_COLOURS: dict[str, str] = {
    "ahead": "#1a9850",
    "on_track": "#91cf60",
    "behind": "#d73027",
    "met": "#4575b4",
    "unknown": "#bdbdbd",
}

GROWTH_TOL = 0.5  # percentage points around the required annual growth rate
LEVEL_TOL = 0.02  # relative tolerance around the geometric path
SHARE_TOL = 0.5  # percentage points around the linear path of a share

#: qualifiers that make the target a ceiling
CEILING_QUALIFIERS = ("以内", "以下", "不高于", "不超过", "低于", "控制在")
#: keys whose level is better when lower (unless the name states a decline)
LOWER_IS_BETTER: frozenset[str] = frozenset(
    {
        "pm25",
        "energy_intensity",
        "water_intensity",
        "carbon_intensity",
        "unemployment_rate",
        "cpi",
    }
)
_DECLINE_RE = re.compile(r"下降|降低|减少|削减")
_QUALITATIVE_RE = re.compile(r"平均水平|省下达|上级下达|完成.*任务|同步|控制在.*范围")


@dataclass(frozen=True)
class Target:
    """A plan target, reduced to what the rules need (DESIGN §4 indicator fields)."""

    key: str
    name: str
    unit: str
    base_year: int | None = None
    base_value: float | None = None
    target_year: int | None = None
    target_value: float | None = None
    growth: float | None = None  # required annual growth %, as stated
    qualifier: str = ""
    target_text: str = ""


@dataclass(frozen=True)
class Observation:
    """A later figure for the same indicator: a level, a growth rate, or both."""

    year: int
    value: float | None = None  # level, in ``unit``
    growth: float | None = None  # growth % over the previous year
    unit: str = ""
    qualifier: str = ""  # 新增 / 累计 / ... as extracted


@dataclass(frozen=True)
class Verdict:
    """The outcome of one rule."""

    status: str
    rule: str  # one-line Chinese explanation
    expected: float | None = None  # the path value / required rate the observation met


def status_colour(status: str) -> str:
    """Hex colour of a status (grey for anything unknown)."""
    return STATUS_COLOURS.get(status, STATUS_COLOURS["unknown"])


def status_label(status: str) -> str:
    """Chinese label of a status."""
    return STATUS_LABELS.get(status, status)


def _fmt(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.2f}".rstrip("0").rstrip(".") if not float(x).is_integer() else str(int(x))


def is_ceiling(t: Target) -> bool:
    """True when the target is an upper limit (以内/以下/不高于/不超过 ...)."""
    text = t.qualifier + t.target_text
    return any(q in text for q in CEILING_QUALIFIERS)


def lower_is_better(t: Target) -> bool:
    """True when a smaller value is the better one for this target.

    Ceilings are; so are the keys of :data:`LOWER_IS_BETTER`, unless the name states a
    decline (万元GDP能耗 *下降率* 8 % is better when higher).
    """
    if is_ceiling(t):
        return True
    return t.key.removesuffix("_growth") in LOWER_IS_BETTER and not _DECLINE_RE.search(t.name)


def is_qualitative(t: Target) -> bool:
    """True when the target has no number to compare with (不低于沿海六市平均水平 ...)."""
    if t.target_value is None and t.growth is None:
        return True
    return bool(_QUALITATIVE_RE.search(t.target_text)) and t.target_value is None


def is_cumulative(t: Target) -> bool:
    """True for a five-year total (累计), which no one-year level can be compared with."""
    return "累计" in t.qualifier or "累计" in t.target_text


def required_growth(
    base_year: int, base_value: float, target_year: int, target_value: float
) -> float:
    """Annual growth rate (%) that takes ``base_value`` to ``target_value``.

    Rule: geometric, ``((target/base)^(1/(T − y0)) − 1) · 100``.

    Raises
    ------
    ValueError
        When the years do not increase or a value is not positive.
    """
    n = target_year - base_year
    if n <= 0 or base_value <= 0 or target_value <= 0:
        raise ValueError("need target_year > base_year and positive values")
    return (math.pow(target_value / base_value, 1.0 / n) - 1.0) * 100.0


def geometric_path(
    base_year: int, base_value: float, target_year: int, target_value: float, year: int
) -> float:
    """Value on the geometric path from base to target at ``year``.

    Rule: ``base · (target/base)^((y − y0)/(T − y0))``; used for levels (亿元, 万人, 元 ...).
    """
    n = target_year - base_year
    if n <= 0 or base_value <= 0 or target_value <= 0:
        raise ValueError("need target_year > base_year and positive values")
    return base_value * math.pow(target_value / base_value, (year - base_year) / n)


def linear_path(
    base_year: int, base_value: float, target_year: int, target_value: float, year: int
) -> float:
    """Value on the straight line from base to target at ``year``.

    Rule: ``base + (target − base)·(y − y0)/(T − y0)``; used for shares and percent levels.
    """
    n = target_year - base_year
    if n <= 0:
        raise ValueError("need target_year > base_year")
    return base_value + (target_value - base_value) * (year - base_year) / n


def compare(diff: float, tol: float) -> str:
    """``ahead`` when ``diff > tol``, ``behind`` when ``diff < −tol``, else ``on_track``.

    ``diff`` is signed so that positive is better (the caller flips it for lower-is-better).
    """
    if diff > tol:
        return "ahead"
    if diff < -tol:
        return "behind"
    return "on_track"


def assess_growth(observed: float, required: float, lower_better: bool = False) -> str:
    """Status of an observed annual growth rate against the required one.

    Rule: within :data:`GROWTH_TOL` (0.5 points) → ``on_track``; above → ``ahead``; below →
    ``behind``. For lower-is-better indicators (e.g. energy intensity, required −3 %) the
    direction flips: a steeper fall is ahead.
    """
    diff = observed - required
    return compare(-diff if lower_better else diff, GROWTH_TOL)


def assess_level(observed: float, expected: float, lower_better: bool = False) -> str:
    """Status of an observed level against the geometric path value.

    Rule: within ±:data:`LEVEL_TOL` (2 %) of the path → ``on_track``; above → ``ahead``;
    below → ``behind`` (flipped for lower-is-better).
    """
    rel = (observed - expected) / abs(expected) if expected else 0.0
    return compare(-rel if lower_better else rel, LEVEL_TOL)


def assess_share(observed: float, expected: float, lower_better: bool = False) -> str:
    """Status of an observed share (%) against the linear path value.

    Rule: within ±:data:`SHARE_TOL` (0.5 points) → ``on_track``; above → ``ahead``; below →
    ``behind`` (flipped for lower-is-better).
    """
    diff = observed - expected
    return compare(-diff if lower_better else diff, SHARE_TOL)


def assess_limit(observed: float, limit: float, year: int, target_year: int | None) -> str:
    """Status of an observed value against a ceiling (以内/以下/不高于).

    Rule: at or below the limit → ``met`` from the target year on, ``on_track`` before it;
    above the limit → ``behind``.
    """
    if observed <= limit:
        return "met" if target_year is not None and year >= target_year else "on_track"
    return "behind"


def reached(observed: float, target: float, lower_better: bool) -> bool:
    """True when the observed level already reaches the target value."""
    return observed <= target if lower_better else observed >= target


_UNIT_SCALE = {"万": 1e4, "亿": 1e8}


def _split_unit(unit: str) -> tuple[float, str]:
    if len(unit) > 1 and unit[0] in _UNIT_SCALE:
        return _UNIT_SCALE[unit[0]], unit[1:]
    return 1.0, unit


def convert_unit(value: float, unit: str, to_unit: str) -> float | None:
    """``value`` in ``unit`` expressed in ``to_unit`` (万/亿 prefixes only); None if unlike.

    >>> round(convert_unit(3948, "万美元", "亿美元"), 4)
    0.3948
    """
    if unit == to_unit:
        return value
    s1, rest1 = _split_unit(unit)
    s2, rest2 = _split_unit(to_unit)
    if rest1 != rest2:
        return None
    return value * s1 / s2


def days_share(days: float, year: int) -> float:
    """A count of days as a share (%) of ``year`` (365 or 366 days).

    Rule: 优良天数 285 天 in 2023 is ``285 / 365 · 100 = 78.08 %`` of the year, the unit of a
    优良天数比率 target.
    """
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return days / (366 if leap else 365) * 100.0


def observed_level(t: Target, obs: Observation) -> tuple[float | None, str]:
    """The observation's level in the target's unit, and a note on any conversion.

    万/亿 prefixes convert (:func:`convert_unit`); days convert to a share of the year for a
    percent target (:func:`days_share`); anything else is ``None`` (incomparable).
    """
    if obs.value is None:
        return None, ""
    if not t.unit:
        return obs.value, ""
    if obs.unit == "天" and t.unit == "%":
        share = days_share(obs.value, obs.year)
        return share, f"{_fmt(obs.value)}天折合全年{_fmt(round(share, 2))}%，"
    v = convert_unit(obs.value, obs.unit, t.unit)
    note = "" if v is None or obs.unit == t.unit else f"{_fmt(obs.value)}{obs.unit}折合"
    return v, note


def assess(t: Target, obs: Observation | None) -> Verdict:
    """Judge one target by one observation (``None`` when no later figure exists).

    The rules, tried in this order:

    1. qualitative target (no number, e.g. 不低于沿海六市平均水平; a ratio such as 14:39:47)
       → ``unknown``, quoted;
    2. no observation → ``unknown``;
    3. a 新增/累计 observation against a target that is not one → ``unknown`` (口径不同);
    4. ceiling target (以内/以下/不高于) with a level → :func:`assess_limit`;
    5. growth observation → :func:`assess_growth` against the stated rate, or the rate
       derived from base and target (:func:`required_growth`);
    6. level observation → ``met`` when the target is reached; a cumulative target →
       ``unknown``; no base → ``unknown`` before the target year (``behind`` after it), the
       rule saying that only the target was used; a share (unit %) → :func:`assess_share` on
       the linear path; any other level → :func:`assess_level` on the geometric path.
    """
    if is_qualitative(t):
        if re.fullmatch(r"[\d.]+(?::[\d.]+)+", t.target_text.strip()):
            return Verdict("unknown", f"结构比例目标「{t.target_text}」，无法与单一数值比较")
        return Verdict("unknown", f"定性目标「{t.target_text or t.name}」，无法与数值比较")
    if obs is None:
        return Verdict("unknown", "后续文件中没有该指标的实际值")
    lower = lower_is_better(t)
    if obs.qualifier in ("新增", "累计") and obs.qualifier not in (t.qualifier + t.target_text):
        return Verdict(
            "unknown", f"口径不同：观测值为{obs.qualifier}量，目标为{t.target_text or '总量'}"
        )
    level, note = observed_level(t, obs)
    if obs.value is not None and level is None and obs.growth is None:
        return Verdict("unknown", f"单位不同（目标{t.unit}，实际{obs.unit}），无法比较")
    if is_ceiling(t) and t.target_value is not None:
        if level is None:
            return Verdict("unknown", f"上限目标{t.target_text}，只有增速观测值，无法比较")
        st = assess_limit(level, t.target_value, obs.year, t.target_year)
        word = "未超过" if st != "behind" else "超过"
        return Verdict(
            st,
            f"上限目标{t.target_text}{t.unit}：{obs.year}年实际{_fmt(level)}{t.unit}，{word}上限",
            t.target_value,
        )
    if obs.growth is not None and (level is None or t.growth is not None or t.target_value is None):
        return _by_growth(t, obs.growth, obs.year, lower)
    if level is None:
        return Verdict("unknown", "观测值缺少数值")
    v = _by_level(t, level, obs.year, lower)
    return Verdict(v.status, note + v.rule, v.expected) if note else v


def _by_growth(t: Target, growth: float, year: int, lower: bool) -> Verdict:
    required = t.growth
    how = "规划要求年均增长"
    if required is None:
        if (
            t.base_value is None
            or t.target_value is None
            or t.base_year is None
            or t.target_year is None
            or is_cumulative(t)
        ):
            return Verdict("unknown", "目标未给出年均增速，缺基期值无法推算，增速无法比较")
        try:
            required = required_growth(t.base_year, t.base_value, t.target_year, t.target_value)
        except ValueError:
            return Verdict("unknown", "基期值或目标值不可用于推算年均增速")
        how = (
            f"由{t.base_year}年{_fmt(t.base_value)}到{t.target_year}年"
            f"{_fmt(t.target_value)}推算需年均增长"
        )
    st = assess_growth(growth, required, lower)
    gap = growth - required
    rel = "高于" if gap > 0 else "低于"
    return Verdict(
        st,
        f"{how}{_fmt(round(required, 2))}%，{year}年实际增长{_fmt(growth)}%，"
        f"{rel}要求{_fmt(round(abs(gap), 2))}个百分点（容差±{_fmt(GROWTH_TOL)}）",
        required,
    )


def _by_level(t: Target, level: float, year: int, lower: bool) -> Verdict:
    if t.target_value is None:
        return Verdict("unknown", "目标无数值")
    if is_cumulative(t):
        return Verdict("unknown", f"累计目标{t.target_text}，无法与单年数值{_fmt(level)}比较")
    tv = t.target_value
    if reached(level, tv, lower):
        cmp = "不高于" if lower else "不低于"
        return Verdict(
            "met", f"{year}年实际{_fmt(level)}{t.unit}，已{cmp}目标{_fmt(tv)}{t.unit}", tv
        )
    if t.base_value is None or t.base_year is None or t.target_year is None:
        if t.target_year is not None and year >= t.target_year:
            return Verdict(
                "behind", f"缺基期值，仅与目标比较：{year}年实际{_fmt(level)}，未达目标{_fmt(tv)}"
            )
        return Verdict(
            "unknown",
            f"缺基期值，仅与目标比较：{year}年实际{_fmt(level)}{t.unit}，尚未达到目标"
            f"{_fmt(tv)}{t.unit}，无法推算年度路径",
        )
    share = t.unit == "%"
    try:
        if share:
            exp = linear_path(t.base_year, t.base_value, t.target_year, tv, year)
        else:
            exp = geometric_path(t.base_year, t.base_value, t.target_year, tv, year)
    except ValueError:
        return Verdict("unknown", "基期值或目标值不可用于推算路径")
    if share:
        st = assess_share(level, exp, lower)
        tol = f"线性路径，容差±{_fmt(SHARE_TOL)}个百分点"
    else:
        st = assess_level(level, exp, lower)
        tol = f"几何路径，容差±{_fmt(LEVEL_TOL * 100)}%"
    return Verdict(
        st,
        f"{t.base_year}年{_fmt(t.base_value)}→{t.target_year}年{_fmt(tv)}{t.unit}，"
        f"{year}年应为{_fmt(round(exp, 2))}，实际{_fmt(level)}（{tol}）",
        exp,
    )
