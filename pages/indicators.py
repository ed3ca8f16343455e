"""指标: per-plan indicator tables, base vs target charts, cross-plan comparison, downloads,
and the timeline of the plans and reports of the plan's jurisdiction."""

import altair as alt
import streamlit as st

import pages._support as sup
from atlas import export

COLS = {
    "name": "指标",
    "unit": "单位",
    "base_year": "基期年",
    "base_value": "基期值",
    "target_year": "目标年",
    "target_value": "目标值",
    "target_text": "目标原文",
    "growth": "年均增速(%)",
    "attribute": "属性",
    "kind": "类型",
    "source_line": "行号",
}

sup.page_setup()
st.header("指标")
sup.require_atlas()
plans = sup.plans()
labels = {r["plan_id"]: sup.plan_label(r) for _, r in plans.iterrows()}
ids = plans["plan_id"].tolist()
q = st.query_params.get("plan")
plan = st.selectbox("规划", ids, index=ids.index(q) if q in ids else 0, format_func=labels.get)
with st.expander("本地区规划与报告时间线", expanded=True):
    tl = sup.timeline(plan)
    # st.table renders Markdown in its cells: plan titles are made literal (no remote images)
    st.table(tl.assign(标题=tl["标题"].map(sup.md)).set_index("编号"))
    spans = tl[tl["起"] != "—"].assign(起=lambda t: t["起"].astype(int))
    spans = spans.assign(止=spans["止"].astype(int) + 1)
    if len(spans) > 1:
        bars = alt.Chart(spans).mark_bar(height=14, opacity=0.8)
        st.altair_chart(
            bars.encode(
                x=alt.X(
                    "起:Q", title="年份", axis=alt.Axis(format="d"), scale=alt.Scale(zero=False)
                ),
                x2="止:Q",
                y=alt.Y("编号:N", title=None, sort=None),
                color=alt.Color("类型:N", title=None),
                tooltip=["标题", "期间", "类型"],
            ).properties(height=40 * len(spans) + 30)
        )
df = sup.indicators(plan)
if df.empty:
    st.info("这份规划没有提取到指标。")
else:
    show = sup.typed_indicators(df)[[c for c in COLS if c in df.columns]].rename(columns=COLS)
    st.subheader(f"指标表（{len(df)} 项）")
    st.dataframe(sup.display(show), hide_index=True, width="stretch")
    pairs = sup.base_vs_target(df)
    if len(pairs):
        st.subheader("基期值与目标值")
        chart = (
            alt.Chart(pairs)
            .mark_bar()
            .encode(
                x=alt.X("值:Q", title="数值"),
                y=alt.Y("期:N", title=None, sort=["基期", "目标"]),
                color=alt.Color("期:N", title=None, sort=["基期", "目标"]),
                row=alt.Row(
                    "指标:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")
                ),
                tooltip=["指标", "期", "年份", "值"],
            )
            .resolve_scale(x="independent")
            .properties(height=36, width=420)
        )
        st.altair_chart(chart)
    c1, c2 = st.columns(2)
    data = sup.export_file("csv", {}, df)
    if data is None:
        c1.error("CSV 导出失败，详情已写入日志。")
    else:
        c1.download_button("下载 CSV", data, export.file_name(plan, "csv"))
    try:
        xlsx = sup.monitor_xlsx(plan)
    except Exception:  # the UI edge: one Chinese line, the details in the log
        sup.log.exception("XLSX export of %s failed", plan)
        c2.error("XLSX 导出失败，详情已写入日志。")
    else:
        c2.download_button(
            "下载 XLSX", xlsx, export.file_name(plan, "xlsx"), help="含实施评估与一致性工作表"
        )

st.subheader("跨规划对比（规范指标）")
alldf = sup.indicators()
if not alldf.empty and "key" in alldf:
    canon = alldf[alldf["key"].astype(str).str.len() > 0]
    if len(canon):
        measure = st.radio(
            "比较",
            ["target_value", "base_value", "growth"],
            horizontal=True,
            format_func={
                "target_value": "目标值",
                "base_value": "基期值",
                "growth": "年均增速",
            }.get,
        )
        short = {r["plan_id"]: sup.plan_short(r) for _, r in plans.iterrows()}
        canon = sup.typed_indicators(canon).assign(plan=canon["plan_id"].map(short))
        pivot = canon.pivot_table(
            index=["key", "name", "unit"], columns="plan", values=measure, aggfunc="first"
        )
        pivot = pivot.dropna(thresh=2) if pivot.shape[1] > 1 else pivot
        st.dataframe(
            sup.display(
                pivot.reset_index().rename(
                    columns={"key": "规范键", "name": "指标", "unit": "单位"}
                )
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.info("还没有可跨规划比较的规范指标。")
