"""对比: two plans side by side on maps with the same view, a difference table, and — for a city
and a county inside it — the city ↔ county consistency findings with both quotes."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import pages._support as sup
from atlas.monitor.consistency import KIND_LABELS
from atlas.monitor.views import findings_frame
from atlas.render.web import webmap

sup.page_setup()
st.header("对比")
sup.require_atlas()
plans = sup.plans()
ids = plans["plan_id"].tolist()
labels = {r["plan_id"]: sup.plan_label(r) for _, r in plans.iterrows()}
if len(ids) < 2:
    st.info("至少需要两份规划才能对比。")
    st.stop()
qp = st.query_params.to_dict()
c1, c2 = st.columns(2)
a0 = qp.get("a") if qp.get("a") in ids else ids[0]
b0 = qp.get("b") if qp.get("b") in ids and qp.get("b") != a0 else next(i for i in ids if i != a0)
a = c1.selectbox("左侧规划", ids, index=ids.index(a0), format_func=labels.get)
b = c2.selectbox("右侧规划", ids, index=ids.index(b0), format_func=labels.get)
tab_map, tab_cons = st.tabs(["地图与差异", "市县一致性"])
with tab_map:
    pa = sup.prepared(a)
    layouts = [k for k in pa if k.startswith("layout:")]
    ghost = st.multiselect(
        "把左侧规划的空间布局叠加到右图（半透明）",
        layouts,
        format_func=lambda k: pa[k].label,
        key="cmp_ghost",
        placeholder="选择要叠加的布局",
    )
    dm = webmap.build_dual_map(pa, sup.prepared(b), ghost=ghost, home=sup.home(a, b))
    st_folium(dm, key="cmp_map", height=520, use_container_width=True, returned_objects=[])
    st.caption("左右两幅地图联动（平移、缩放同步），便于在同一地域上比较两份规划的布局。")

    def summary(pid: str) -> pd.DataFrame:
        t = sup.feature_table(pid)
        if t.empty:
            return pd.DataFrame(columns=["layer", "role", "name", "precision"])
        return t[["layer", "role", "name", "precision"]]

    sa, sb = summary(a), summary(b)
    names_a, names_b = set(sa["name"]), set(sb["name"])
    rows = []
    for name in sorted(names_a | names_b):
        src = sa if name in names_a else sb
        r = src[src["name"] == name].iloc[0]
        where = (
            "两者都有"
            if name in names_a and name in names_b
            else ("仅左侧" if name in names_a else "仅右侧")
        )
        rows.append(
            {
                "要素": name,
                "图层": webmap.LAYER_LABELS.get(r["layer"], r["layer"]),
                "角色": webmap.ROLE_LABELS.get(r["role"], r["role"]),
                "精度": webmap.precision_label(r["precision"]),
                "出现于": where,
            }
        )
    st.subheader("差异表")
    diff = pd.DataFrame(rows)
    if len(diff):
        diff = diff.sort_values(["出现于", "图层"], kind="stable")
    st.dataframe(sup.display(diff), hide_index=True, width="stretch")
    counts = (
        pd.DataFrame({labels[a]: sa.groupby("layer").size(), labels[b]: sb.groupby("layer").size()})
        .fillna(0)
        .astype(int)
    )
    counts.index = [webmap.LAYER_LABELS.get(i, i) for i in counts.index]
    st.subheader("各图层要素数")
    st.dataframe(counts, width="stretch")

with tab_cons:
    pair = sup.city_county(a, b)
    if pair is None:
        st.info("一致性检查需要一份市级规划和一份其所辖县（市、区）的规划（按行政区划代码判断）。")
    else:
        city, county = pair
        st.text(f"市级：{labels[city]}\n县级：{labels[county]}")
        found = sup.consistency(city, county)
        frame = findings_frame(found, webmap.ROLE_LABELS)
        for col, (kind, name) in zip(st.columns(3), KIND_LABELS.items(), strict=True):
            col.metric(name, sum(f.kind == kind for f in found))
        for kind, name in KIND_LABELS.items():
            part = frame[frame["类别"] == name].drop(columns="类别")
            st.subheader(f"{name}（{len(part)}）")
            if part.empty:
                st.caption("无")
            else:
                st.dataframe(part, hide_index=True, width="stretch", key=f"cons_{kind}")
