"""导出: GeoJSON / GeoPackage / KML / CSV of the current selection; snapshots and decks."""

import logging
import tempfile
from pathlib import Path

import streamlit as st

import pages._support as sup
from atlas import export, limits
from atlas.render.deck import deck
from atlas.render.print.snapshot import snapshot
from atlas.render.web import webmap

log = logging.getLogger(__name__)

sup.page_setup()
st.header("导出")
sup.require_atlas()
plans = sup.plans()
ids = plans["plan_id"].tolist()
labels = {r["plan_id"]: sup.plan_label(r) for _, r in plans.iterrows()}
q = st.query_params.get("plan")
plan = st.selectbox("规划", ids, index=ids.index(q) if q in ids else 0, format_func=labels.get)
slug = limits.safe_plan_id(plan, default="plan")  # file names: never the raw id
groups = sup.map_state().layers if plan == q else None
frames = sup.selection(plan, groups)
if groups is not None:
    st.caption("图层选择来自地图页（当前显示的图层与空间布局）。")
chosen = st.multiselect(
    "图层",
    list(frames),
    default=list(frames),
    format_func=lambda k: webmap.LAYER_LABELS.get(k, k),
    placeholder="选择图层",
)
sel = {k: frames[k] for k in chosen}
n = sum(len(v) for v in sel.values())
st.write(f"已选 {len(sel)} 个图层、{n} 个要素（含未定位要素，几何为空）。")
if sel:
    ind = sup.indicators(plan)
    buttons = [
        ("geojson", "GeoJSON", "application/geo+json"),
        ("gpkg", "GeoPackage", None),
        ("kml", "KML", None),
        ("csv", "指标 CSV", None),
    ]
    for col, (fmt, label, mime) in zip(st.columns(len(buttons)), buttons, strict=True):
        empty = fmt == "csv" and ind.empty
        data = b"" if empty else sup.export_file(fmt, sel, ind)
        if data is None:
            col.error(f"{label} 导出失败，详情已写入日志。")
            continue
        col.download_button(
            label, data, export.file_name(plan, fmt), mime=mime, disabled=empty, key=f"dl_{fmt}"
        )
    if not ind.empty:
        st.download_button(
            "指标与实施评估 XLSX",
            sup.monitor_xlsx(plan),
            export.file_name(plan, "xlsx"),
            key="dl_xlsx_monitor",
        )

st.subheader("静态地图与演示文稿")
# generated files are kept in the session so their download buttons survive the rerun a
# download click causes
made = st.session_state.setdefault("export_made", {})
fmt = st.radio("格式", ["png", "svg", "pdf"], horizontal=True)
if st.button("生成快照"):
    with tempfile.TemporaryDirectory() as tmp, st.spinner("正在渲染…"):
        try:
            outs = snapshot(
                plan,
                Path(tmp) / f"{slug}.{fmt}",
                build=sup.atlas_path().parent,
                frames=sup.layers(plan),
            )
            made[(plan, fmt)] = (Path(outs[0]).name, Path(outs[0]).read_bytes())
        except Exception:
            log.exception("snapshot of %s failed", plan)
            st.error("快照生成失败，详情已写入日志。")
if (plan, fmt) in made:
    name, data = made[(plan, fmt)]
    st.download_button(f"下载 {fmt.upper()}", data, name)
    if fmt == "png":
        st.image(data)
if st.button("生成 PPTX"):
    with tempfile.TemporaryDirectory() as tmp, st.spinner("正在生成…"):
        try:
            out = deck(plan, Path(tmp) / f"{slug}.pptx", build=sup.atlas_path().parent)
            made[(plan, "pptx")] = (f"{slug}.pptx", Path(out).read_bytes())
        except Exception:
            log.exception("deck of %s failed", plan)
            st.error("演示文稿生成失败，详情已写入日志。")
if (plan, "pptx") in made:
    st.download_button("下载 PPTX", made[(plan, "pptx")][1], made[(plan, "pptx")][0])
