"""规划文本: the plan text with extracted spans highlighted by kind, each linked to the map."""

import streamlit as st

import pages._support as sup
from atlas.appstate import PAGE_PATHS
from atlas.render import reader

sup.page_setup()
st.header("规划文本")
sup.require_atlas()
plans = sup.plans()
ids = plans["plan_id"].tolist()
labels = {r["plan_id"]: sup.plan_label(r) for _, r in plans.iterrows()}
qp = st.query_params.to_dict()
plan0 = qp.get("plan") if qp.get("plan") in ids else ids[0]
plan = st.selectbox("规划", ids, index=ids.index(plan0), format_func=labels.get)
try:
    target = int(qp.get("line", "0")) if plan == plan0 else 0
except ValueError:
    target = 0
lines = sup.plan_lines(plan)
if not lines:
    st.error("找不到这份规划的原文文件。")
    st.stop()

spans = reader.span_index(sup.feature_table(plan), sup.indicators(plan))
c1, c2 = st.columns([3, 1])
c2.metric("行数", len(lines))
c2.metric("已提取的行", len(spans))
only = c2.toggle("只显示已提取的行", value=False)
c1.html("<div>高亮：" + reader.legend_html(s.kind for v in spans.values() for s in v) + "</div>")
html = reader.plan_html(
    lines, spans, plan_id=plan, target=target, only_spans=only, map_path=PAGE_PATHS["map"]
)
st.html(html, unsafe_allow_javascript=True)
if target:
    st.caption(f"已定位到第 {target} 行。")
