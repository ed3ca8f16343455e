"""Display tables of the monitoring page, deck and XLSX (pure pandas, no Streamlit).

* :func:`chart_frame` — one indicator's base, required path and later figures, for a small
  chart (a level path, or the required annual growth when the figures are growth rates);
* :func:`source_rows` — the sources of a row with their quotes (plan text, never rendered);
* :func:`county_statuses` — status per county plan and indicator, for a choropleth;
* :func:`timeline` — the plans and reports of one jurisdiction in period order;
* :func:`findings_frame` — city ↔ county findings with both quotes side by side;
* :func:`city_county` — which of two plans is the city and which the county inside it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from atlas.monitor.consistency import KIND_LABELS, Finding, Side
from atlas.monitor.links import (
    LinkSet,
    TargetLink,
    best_observation,
    link_plan,
    period_start,
    stem,
)
from atlas.monitor.report import MonitorRow, rows_from_links
from atlas.monitor.status import (
    geometric_path,
    observed_level,
    required_growth,
    status_label,
)

#: Chinese names of the document kinds of the manifest
KIND_NAMES = {"plan": "规划纲要", "work-report": "政府工作报告"}
#: Chinese names of the source fields of a monitoring row
FIELD_NAMES = {
    "target": "目标",
    "base_value": "基期值",
    "observed_value": "实际值",
    "observed_growth": "实际增速",
}
CHART_COLUMNS = ["系列", "年份", "值", "标签"]


def plans_with_targets(ind: pd.DataFrame) -> list[str]:
    """Plan ids with at least one target row, in first-seen order."""
    if ind.empty or "kind" not in ind:
        return []
    return list(dict.fromkeys(ind.loc[ind["kind"] == "target", "plan_id"].astype(str)))


def plan_rows(
    ind: pd.DataFrame, plans: pd.DataFrame, plan_id: str
) -> tuple[LinkSet, list[MonitorRow]]:
    """The link set and monitoring rows of a plan from in-memory tables."""
    links = link_plan(ind, plans, plan_id)
    return links, rows_from_links(links)


def _path_points(link: TargetLink) -> tuple[str, list[tuple[int, float]]]:
    """('level' | 'growth', required path points), or ('', []) when there is no path."""
    t = link.target
    ob = best_observation(link)
    y0, b, y1, v = t.base_year, t.base_value, t.target_year, t.target_value
    growth_obs = ob is not None and ob.observation.value is None
    rate = t.growth
    if rate is None and None not in (y0, b, y1, v):
        try:
            rate = required_growth(y0, b, y1, v)
        except ValueError:
            rate = None
    if growth_obs and rate is not None and y0 is not None and y1 is not None:
        return "growth", [(y, rate) for y in range(y0 + 1, y1 + 1)]
    if None in (y0, b, y1, v) or y1 <= y0:
        return "", []
    if t.unit == "%":
        pts = [(y0, b), (y1, v)]
    else:
        try:
            pts = [(y, geometric_path(y0, b, y1, v, y)) for y in range(y0, y1 + 1)]
        except ValueError:
            pts = [(y0, b), (y1, v)]
    return "level", pts


def chart_frame(link: TargetLink) -> tuple[str, pd.DataFrame]:
    """The chart of one target: its measure ('level' or 'growth') and long-form points.

    Series: ``要求路径`` (dashed line base → target, or the required annual growth), ``基期``
    and ``目标`` (levels only) and ``实际`` (later figures in the target's unit; growth rates in
    a growth chart). Empty when the target has neither a path nor a comparable figure.
    """
    measure, path = _path_points(link)
    t = link.target
    rows: list[dict[str, Any]] = [
        {"系列": "要求路径", "年份": y, "值": round(val, 4), "标签": "规划要求"} for y, val in path
    ]
    if measure == "level":
        rows.append({"系列": "基期", "年份": t.base_year, "值": t.base_value, "标签": "基期值"})
        rows.append({"系列": "目标", "年份": t.target_year, "值": t.target_value, "标签": "目标值"})
    for o in link.observations:
        obs = o.observation
        if measure == "growth":
            val = obs.growth
        else:
            val, _ = observed_level(t, obs)
        if val is None or (isinstance(val, float) and math.isnan(val)):
            continue
        rows.append({"系列": "实际", "年份": obs.year, "值": round(val, 4), "标签": o.plan_id})
    frame = pd.DataFrame(rows, columns=CHART_COLUMNS)
    if not (frame["系列"] == "实际").any() and not path:
        return "", frame.iloc[0:0]
    return measure, frame


def quote_index(ind: pd.DataFrame) -> dict[tuple, str]:
    """Quotes of the indicator table by ``(plan_id, line, key stem)`` and by ``(plan_id, line)``
    (the first row of the line); a line may hold several indicators."""
    out: dict[tuple, str] = {}
    if ind.empty:
        return out
    keys = ind["key"] if "key" in ind else pd.Series([""] * len(ind), index=ind.index)
    for pid, line, key, quote in zip(
        ind["plan_id"], ind["source_line"], keys, ind["source_quote"], strict=True
    ):
        try:
            at = (str(pid), int(line))
        except (TypeError, ValueError):
            continue
        text = "" if quote is None or quote is pd.NA else str(quote)
        out.setdefault((*at, stem(str(key or ""))), text)
        out.setdefault(at, text)
    return out


def source_rows(
    row: MonitorRow, link: TargetLink, quotes: Mapping[tuple, str]
) -> list[dict[str, Any]]:
    """The sources of a monitoring row: field (Chinese), plan, line and the quote.

    The target and the observation quote their own extracted sentence (a report line holds
    several figures); a base value filled from elsewhere quotes that indicator row.
    """
    ob = best_observation(link)
    out = []
    for s in row.sources:
        if s.field == "target" and (s.plan_id, s.line) == (link.plan_id, link.line):
            quote = link.quote
        elif ob is not None and (s.plan_id, s.line) == (ob.plan_id, ob.line):
            quote = ob.quote
        else:
            at = (s.plan_id, s.line)
            quote = quotes.get((*at, stem(row.key)), quotes.get(at, ""))
        out.append(
            {
                "字段": FIELD_NAMES.get(s.field, s.field),
                "plan_id": s.plan_id,
                "line": s.line,
                "原文": quote,
            }
        )
    return out


def is_county(adcode: str) -> bool:
    """A county-level code (six digits, not a city's ``…00``)."""
    return len(adcode) == 6 and adcode.isdigit() and not adcode.endswith("00")


def county_statuses(ind: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    """Status per county plan and indicator stem, only where a later figure was judged.

    Columns: adcode, jurisdiction, plan_id, key, 指标, status, 状态. Empty when no county plan
    of the build has a status other than ``unknown`` (no figure per county).
    """
    cols = ["adcode", "jurisdiction", "plan_id", "key", "指标", "status", "状态"]
    out = []
    targets = set(plans_with_targets(ind))
    for p in plans.to_dict("records"):
        code = str(p.get("adcode") or "")
        if not is_county(code) or p["plan_id"] not in targets:
            continue
        _, rows = plan_rows(ind, plans, str(p["plan_id"]))
        for r in rows:
            if r.status == "unknown" or not r.key:
                continue
            out.append(
                [
                    code,
                    str(p.get("jurisdiction") or ""),
                    r.plan_id,
                    stem(r.key),
                    r.name,
                    r.status,
                    status_label(r.status),
                ]
            )
    return pd.DataFrame(out, columns=cols)


def period_end(period: str) -> int | None:
    """Last year of the first period range (``2021-2025;2035`` → 2025; ``2024`` → 2024)."""
    m = re.match(r"\s*(\d{4})(?:\s*[-–—~至]\s*(\d{4}))?", period or "")
    if not m:
        return None
    return int(m.group(2) or m.group(1))


def timeline(plans: pd.DataFrame, ind: pd.DataFrame, plan_id: str) -> pd.DataFrame:
    """The plans and reports of ``plan_id``'s jurisdiction (same adcode), in period order.

    Columns: 起, 止, 期间, 类型, 标题, 编号, 目标数, 实际值数 (no empty numbers: a document
    without a period sorts last with 起/止 shown as "—").
    """
    cols = ["起", "止", "期间", "类型", "标题", "编号", "目标数", "实际值数"]
    me = plans[plans["plan_id"] == plan_id]
    if me.empty:
        return pd.DataFrame(columns=cols)
    code = str(me.iloc[0].get("adcode") or "")
    same = plans[plans["adcode"].astype(str) == code] if code else me
    rows = []
    for p in same.to_dict("records"):
        period = str(p.get("period") or "")
        start, end = period_start(period), period_end(period)
        mine = ind[ind["plan_id"] == p["plan_id"]] if not ind.empty else ind
        kinds = mine["kind"] if "kind" in mine else pd.Series(dtype=str)
        kind = str(p.get("kind") or "plan")
        rows.append(
            {
                "起": str(start) if start else "—",
                "止": str(end) if end else "—",
                "期间": period or "—",
                "类型": KIND_NAMES.get(kind, kind),
                "标题": str(p.get("title") or p.get("jurisdiction") or p["plan_id"]),
                "编号": str(p["plan_id"]),
                "目标数": int((kinds == "target").sum()),
                "实际值数": int((kinds == "actual").sum()),
                "_s": start if start else 9999,
            }
        )
    frame = pd.DataFrame(rows)
    frame = frame.sort_values(["_s", "止", "编号"], kind="stable").drop(columns="_s")
    return frame.reset_index(drop=True)[cols]


def city_county(plans: pd.DataFrame, a: str, b: str) -> tuple[str, str] | None:
    """(city, county) when one of the two plans is a city and the other a county inside it."""
    codes = {str(p["plan_id"]): str(p.get("adcode") or "") for p in plans.to_dict("records")}
    for city, county in ((a, b), (b, a)):
        cc, kc = codes.get(city, ""), codes.get(county, "")
        if len(cc) == 6 and cc.endswith("00") and is_county(kc) and kc[:4] == cc[:4]:
            return city, county
    return None


def side_text(s: Side | None) -> str:
    """``plan:line「quote」`` of one side, or （未提及）."""
    if s is None:
        return "（未提及）"
    return f"{s.plan_id}:{s.line}「{s.quote}」"


_ROLE_IN_DETAIL = re.compile(r"(市为|县为)([a-z_]+)")


def findings_frame(
    findings: list[Finding], role_names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Findings with both quotes side by side (Chinese columns, no empty cells).

    ``role_names`` (role → Chinese legend name, :data:`atlas.render.style.ROLE_LABELS`) puts
    the roles of a role conflict in words (市为rail → 市为铁路).
    """
    cols = ["类别", "事项", "关联", "说明", "市级规划原文", "县级规划原文"]
    names = role_names or {}

    def detail(text: str) -> str:
        return _ROLE_IN_DETAIL.sub(lambda m: m.group(1) + names.get(m.group(2), m.group(2)), text)

    return pd.DataFrame(
        [
            [
                KIND_LABELS.get(f.kind, f.kind),
                f.subject or "—",
                f.why or "—",
                detail(f.detail) or "—",
                side_text(f.city),
                side_text(f.county),
            ]
            for f in findings
        ],
        columns=cols,
    )
