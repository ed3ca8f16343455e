"""规划文本: the plan text with extracted spans highlighted by kind, each linked to the map."""

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

import pages._support as sup
from atlas.appstate import PAGE_PATHS
from atlas.render.webmap import LAYER_LABELS, esc

KIND_COLORS = {
    "layout": "#fde2e2",
    "park": "#ffedd5",
    "port": "#dbeafe",
    "water": "#dbeafe",
    "transport": "#e5e7eb",
    "project": "#f3e8ff",
    "ecology": "#dcfce7",
    "admin": "#f5f5f4",
    "indicator": "#fef9c3",
}

MAP_PATH = PAGE_PATHS["map"]

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

spans: dict[int, list[tuple[str, str, str]]] = {}  # line -> [(kind, name, feature id)]
ft = sup.feature_table(plan)
for _, r in ft.iterrows():
    if pd.notna(r.get("source_line")):
        spans.setdefault(int(r["source_line"]), []).append((r["layer"], r["name"], r["id"]))
ind = sup.indicators(plan)
for _, r in ind.iterrows():
    if pd.notna(r.get("source_line")):
        spans.setdefault(int(r["source_line"]), []).append(("indicator", r["name"], ""))

kinds = sorted({k for v in spans.values() for k, _, _ in v})
legend = " ".join(
    f'<span style="background:{KIND_COLORS.get(k, "#eee")};padding:1px 6px;border-radius:3px">'
    f"{esc(LAYER_LABELS.get(k, k))}</span>"
    for k in kinds
)
c1, c2 = st.columns([3, 1])
c2.metric("行数", len(lines))
c2.metric("已提取的行", len(spans))
only = c2.toggle("只显示已提取的行", value=False)
c1.html(f"<div>高亮：{legend}</div>")

rows = []
for n, text in enumerate(lines, start=1):
    hit = spans.get(n, [])
    if only and not hit and n != target:
        continue
    bg = KIND_COLORS.get(hit[0][0], "#fff") if hit else "transparent"
    links = "".join(
        f' <a class="fl" href="/{MAP_PATH}?{esc(urlencode({"plan": plan, "feature": fid}))}" '
        f'target="_self" title="{esc(name)}">[地图：{esc(name)}]</a>'
        for kind, name, fid in hit
        if fid
    )
    cls = "ln tgt" if n == target else "ln"
    rows.append(
        f'<div id="L{n}" class="{cls}" style="background:{bg}"><span class="no">{n}</span>'
        f"{esc(text)}{links}</div>"
    )
css = (
    "<style>.plan{max-height:72vh;overflow-y:auto;font-family:'Noto Serif CJK SC',serif;"
    "font-size:15px;line-height:1.75;border:1px solid #e5e7eb;padding:6px 10px}"
    ".ln{padding:0 4px;white-space:pre-wrap}.ln .no{display:inline-block;width:3.2em;"
    "color:#9ca3af;font-size:12px;user-select:none}.tgt{outline:2px solid #b91c1c;"
    "background:#fee2e2 !important}.fl{font-size:12px;color:#1d4ed8}</style>"
)
script = (
    f"<script>setTimeout(function(){{var e=document.getElementById('L{target}');"
    "if(e){e.scrollIntoView({block:'center'});}},300);</script>"
    if target
    else ""
)
st.html(
    css + '<div class="plan">' + "".join(rows) + "</div>" + script, unsafe_allow_javascript=True
)
if target:
    st.caption(f"已定位到第 {target} 行。")
