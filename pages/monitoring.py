"""实施评估: a plan's targets against the later documents of its jurisdiction.

Status table (coloured), one small chart per indicator with a later figure (base → figures →
the required path, dashed), the source lines with their quotes and links into 规划文本, and a
county map of status where county figures exist. Plan text is shown with ``st.text`` or in
tables, never as Markdown.
"""

import html

import altair as alt
import streamlit as st

import pages._support as sup
from atlas.monitor.report import rows_frame, status_counts
from atlas.monitor.status import STATUS_LABELS, STATUSES, status_colour, status_label
from atlas.monitor.views import chart_frame, source_rows

sup.page_setup()
st.header("实施评估")
sup.require_atlas()
ids = sup.monitor_plans()
if not ids:
    st.info("图集中没有含目标值的规划，无法评估实施进度。")
    st.stop()
labels = {r["plan_id"]: sup.plan_label(r) for _, r in sup.plans().iterrows()}
q = st.query_params.get("plan")
pick = ids.index(q) if q in ids else 0
plan = st.selectbox("规划（含目标值）", ids, index=pick, format_func=lambda p: labels.get(p, p))
links, rows = sup.monitor(plan)
st.text(
    "对照文件："
    + ("、".join(labels.get(d, d) for d in links.documents) or "无（没有同一地区的后续文件）")
)
counts = status_counts(rows)
for col, s in zip(st.columns(len(STATUSES)), STATUSES, strict=True):
    col.metric(status_label(s), counts[s])
st.dataframe(sup.status_styled(rows_frame(rows)), hide_index=True, width="stretch")


def chart(name: str, unit: str, measure: str, points, colour: str) -> alt.LayerChart:
    """Dashed required path, grey base/target ends, status-coloured later figures."""
    x = alt.X("年份:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1))
    title = f"{name} 年增速（%）" if measure == "growth" else f"{name}（{unit}）"
    y = alt.Y("值:Q", title=None, scale=alt.Scale(zero=measure == "growth"))
    tip = ["系列", alt.Tooltip("年份:Q", format="d"), "值", "标签"]
    base = alt.Chart(points, title=title)
    path = base.transform_filter(alt.datum.系列 == "要求路径").mark_line(
        strokeDash=[6, 4], color="#6b7280"
    )
    ends = base.transform_filter((alt.datum.系列 == "基期") | (alt.datum.系列 == "目标"))
    seen = base.transform_filter(alt.datum.系列 == "实际")
    return alt.layer(
        path.encode(x=x, y=y, tooltip=tip),
        ends.mark_point(size=70, color="#6b7280").encode(x=x, y=y, tooltip=tip),
        seen.mark_point(size=110, filled=True, color=colour, opacity=1).encode(
            x=x, y=y, tooltip=tip
        ),
    ).properties(height=190)


st.subheader("各指标：基期 → 实际 → 规划要求路径")
st.caption(
    "虚线为按规划目标推算的要求路径（增速目标为每年应达到的增速），实心点为后续文件的实际值。"
)
quotes = sup.quotes()
shown = 0
for lk, r in zip(links.links, rows, strict=True):
    measure, points = chart_frame(lk)
    if not measure or not (points["系列"] == "实际").any():
        continue
    shown += 1
    with st.container(border=True):
        left, right = st.columns([2, 3])
        left.altair_chart(chart(r.name, r.unit, measure, points, status_colour(r.status)))
        right.html(
            f"<b>{html.escape(r.name)}</b>　<span style='background:{status_colour(r.status)};"
            f"color:#fff;padding:1px 8px;border-radius:4px'>{status_label(r.status)}</span>"
        )
        right.text(r.rule)
        for s in source_rows(r, lk, quotes):
            where = f"{s['字段']}出处：{s['plan_id']} 第{s['line']}行"
            link = {"plan": s["plan_id"], "line": str(s["line"])}
            right.page_link("pages/reader.py", label=where, query_params=link)
            if s["原文"]:
                right.text(f"“{s['原文']}”")
if not shown:
    st.info("这份规划的目标在后续文件中都没有可比较的实际值。")
elif shown < len(rows):
    st.caption(f"另有 {len(rows) - shown} 项目标没有可画的实际值（见上表“无法判断”）。")

st.subheader("各县（市、区）实施状态")
counties = sup.county_statuses()
if counties.empty:
    st.info(
        "图集中的县级规划都没有后续文件（如县政府工作报告）提供实际值，无法按县绘制实施状态图；"
        "目前的评估只有市一级。"
    )
else:
    names = dict(zip(counties["key"], counties["指标"], strict=False))
    key = st.selectbox("指标", list(names), format_func=names.get, key="mon_county_key")
    shapes = sup.status_shapes(counties[counties["key"] == key])
    domain = [*STATUS_LABELS.values(), "无数据"]
    colours = [*(status_colour(s) for s in STATUS_LABELS), "#eeeeee"]
    st.altair_chart(
        alt.Chart(alt.Data(values=shapes["features"]))
        .mark_geoshape(stroke="#ffffff", strokeWidth=0.8)
        .encode(
            color=alt.Color(
                "properties.状态:N", scale=alt.Scale(domain=domain, range=colours), title="状态"
            ),
            tooltip=[alt.Tooltip(f"properties.{c}:N", title=c) for c in ("名称", "状态", "规划")],
        )
        .project("mercator")
        .properties(height=420)
    )
