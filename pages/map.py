"""地图: plan layers with planning symbology, indicator overlay, side panel with sources."""

import html

import streamlit as st
from streamlit_folium import st_folium

import pages._support as sup
from atlas.render.web import webmap

sup.page_setup()
st.header("地图")
sup.require_atlas()
state = sup.map_state()
plans = sup.plans()
ids = plans["plan_id"].tolist()
labels = {r["plan_id"]: sup.plan_label(r) for _, r in plans.iterrows()}
plan = state.plan if state.plan in ids else ids[0]

with st.sidebar:
    plan = st.selectbox("规划", ids, index=ids.index(plan), format_func=labels.get, key="map_plan")
    switched = plan != state.plan
    if switched:
        state = state.with_(plan=plan, layers=None, feature="", center=None, zoom=None)
    bm_opts = sup.basemap_options()
    bm = state.basemap if state.basemap in bm_opts else "offline"
    bm = st.radio(
        "底图", list(bm_opts), index=list(bm_opts).index(bm), format_func=bm_opts.get, key="map_bm"
    )
    grouped = sup.prepared(plan)
    st.caption("图层与空间布局在地图右上角切换（不刷新页面）。")
    choices = sup.indicator_choices()
    cur = state.overlay.rsplit(":", 1) if state.overlay else ["", ""]
    keys = ["", *choices]
    ov_key = st.selectbox(
        "指标叠加",
        keys,
        index=keys.index(cur[0]) if cur[0] in keys else 0,
        format_func=lambda k: choices.get(k, "（无）") if k else "（无）",
        key="map_overlay",
    )
    measures = list(webmap.MEASURE_LABELS)
    ov_measure = st.radio(
        "数值",
        measures,
        index=measures.index(cur[1]) if cur[1] in measures else 1,
        format_func=webmap.MEASURE_LABELS.get,
        horizontal=True,
        disabled=not ov_key,
    )
    query = st.text_input("搜索要素或地名", key="map_search")

gcj = bm == "gaode"
state = state.with_(basemap=bm, overlay=f"{ov_key}:{ov_measure}" if ov_key else "")
defaults = webmap.default_layers(grouped)
if state.layers is not None and list(state.layers) == defaults:
    state = state.with_(layers=None)
hits = sup.search(plan, query, scope=str(plans.set_index("plan_id").at[plan, "adcode"]))
if hits:
    pick = st.sidebar.radio(
        "搜索结果", range(len(hits)), format_func=lambda i: sup.md(hits[i]["name"])
    )
    hit = hits[pick]
    if st.session_state.get("map_hit") != (query, pick):  # go there once, then let the user pan
        st.session_state["map_hit"] = (query, pick)
        state = state.with_(center=hit["latlon"], zoom=12, feature=hit["id"] or state.feature)
        st.session_state["map_sig"] = None  # move the map
        st.session_state["map_pick"] = state.feature
elif query:
    st.sidebar.info(f"没有找到“{sup.md(query)}”。")

ch, ch_payload = sup.overlay(state.overlay, gcj=gcj)
# The map is built at a view fixed per plan and basemap (so panning never rebuilds it). The
# current view is sent to the browser (st_folium center/zoom) only when the map was rebuilt or
# a search result was picked; otherwise the browser owns the view and reports it back.
view0 = st.session_state.setdefault(f"view0_{plan}_{bm}", (state.center, state.zoom))
# the groups shown at first are fixed per plan and basemap too: the browser toggles them
layers0 = st.session_state.setdefault(f"layers0_{plan}_{bm}", state.layers)
visible = defaults if layers0 is None else [k for k in grouped if k in set(layers0)]
sig = (plan, bm, state.overlay)
move = st.session_state.get("map_sig") != sig
st.session_state["map_sig"] = sig
m = webmap.build_map(
    basemap=bm,
    overlay=ch,
    overlay_payload=ch_payload,
    center=sup.to_display(view0[0], gcj),
    zoom=view0[1],
    visible=visible,
    prepared=sup.prepared(plan, gcj=gcj),
    home=sup.home(plan),
    tianditu_key=sup.tianditu_key(),
)
col_map, col_side = st.columns([3, 1])
with col_map:
    out = st_folium(
        m,
        key="atlas_map",
        height=640,
        use_container_width=True,
        center=sup.to_display(state.center, gcj) if move else None,
        zoom=state.zoom if move else None,
        returned_objects=["last_active_drawing", "center", "zoom", "selected_layers"],
    )
    if ch is None and state.overlay:
        st.caption("所选指标没有可用于分级的辖区数值。")
    st.page_link("pages/export.py", label="导出当前选择 →", query_params=sup.export_params(state))
out = out or {}
picked = sup.layers_from_map(out.get("selected_layers"), grouped)
if (
    picked is not None and not switched
):  # what the in-map layer control shows (reported with the next event)
    state = state.with_(layers=None if list(picked) == defaults else picked)
if out.get("center") and out.get("zoom") is not None:
    shown_at = sup.from_display((out["center"]["lat"], out["center"]["lng"]), gcj)
    state = state.with_(center=shown_at, zoom=int(out["zoom"]))
clicked = html.unescape(
    str(((out.get("last_active_drawing") or {}).get("properties") or {}).get("id", ""))
)
if clicked and not clicked.startswith("overlay:") and clicked != st.session_state.get("map_click"):
    st.session_state["map_click"] = clicked  # a new click (the component repeats the last one)
    state = state.with_(feature=clicked)
    st.session_state["map_pick"] = clicked

with col_side:
    table = sup.feature_table(plan)
    drawn = table[table["id"].isin([i for g in grouped.values() for i in g.ids])]
    ids_f = ["", *drawn["id"].tolist()]
    names = dict(zip(drawn["id"], drawn["name"], strict=True))
    if st.session_state.get("map_pick") not in ids_f:
        st.session_state["map_pick"] = state.feature if state.feature in ids_f else ""
    pick_label = "（点击地图或从列表选择）"
    fid = st.selectbox(
        "要素", ids_f, format_func=lambda i: names.get(i, pick_label), key="map_pick"
    )
    state = state.with_(feature=fid)
    feat = sup.feature_by_id(plan, state.feature) if state.feature else None
    if feat:
        st.html(webmap.PANEL_CSS + webmap.popup_html(feat))
    unres = sup.unresolved_table(plan)
    with st.expander(f"未定位要素（{len(unres)}）：文中提及但无法落图，未绘制"):
        if len(unres):
            st.dataframe(sup.display(unres), hide_index=True, height=260)
sup.set_map_state(state)
