"""上传: paste or upload a plan text (UTF-8/GBK) → its atlas, with what stayed unresolved."""

import re

import streamlit as st
from streamlit_folium import st_folium

import pages._support as sup
from atlas import limits
from atlas.errors import InputError
from atlas.render.web import webmap

sup.page_setup()
st.header("上传规划文本")
st.write("上传或粘贴一份规划文本（UTF-8 或 GBK），几秒内生成它的图集；结果只保存在本次会话中。")
up = st.file_uploader(
    f"规划文本文件（.txt，UTF-8/GBK，最大 {limits.MAX_UPLOAD_MB} MB）",
    type=list(limits.UPLOAD_TYPES),
)
pasted = st.text_area("或直接粘贴文本", height=160)
default_id = re.sub(r"[^0-9A-Za-z_-]+", "-", up.name.rsplit(".", 1)[0]).strip("-") if up else ""
typed = st.text_input("规划编号", value=f"upload-{default_id or 'plan'}")
plan_id = limits.safe_plan_id(typed)  # never a path: it names files in the export page
if st.button("生成图集", type="primary"):
    data = up.getvalue() if up is not None else pasted
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8"))
    if not data:
        st.error("请先上传文件或粘贴文本。")
    elif size > limits.MAX_UPLOAD_BYTES:
        st.error(f"文本太大（{limits.human_size(size)}），上传上限为 {limits.MAX_UPLOAD_MB} MB。")
    else:
        try:
            with st.spinner("正在读取、抽取和落图…"):
                sup.run_upload(data, plan_id)
        except InputError as exc:
            st.error(f"无法读取这份文本：{exc}")  # our own message: slug ids, no plan text

for pid, entry in sup.uploads().items():
    frames = entry["frames"]
    n = sum(len(webmap.drawable(g)) for g in frames.values())
    st.subheader(sup.md(sup.plan_label(entry["plan"])))  # a title is plan text: no Markdown
    c = st.columns(4)
    c[0].metric("已落图要素", n)
    c[1].metric("指标", len(entry["indicators"]))
    c[2].metric("未定位", len(entry["unresolved"]) + len(webmap.unresolved(frames)))
    c[3].metric("用时（秒）", f"{entry['seconds']:.1f}")
    if n:
        m = webmap.build_map(prepared=sup.prepared(pid), home=sup.home(pid), height=420)
        st_folium(m, key=f"up_{pid}", height=420, use_container_width=True, returned_objects=[])
    feats = sup.feature_table(pid)
    if len(feats):
        st.dataframe(
            sup.feature_display(feats),
            hide_index=True,
            width="stretch",
        )
    if entry["unresolved"]:
        st.markdown("**未定位（文中提及但无法确定位置）**")
        for u in entry["unresolved"]:
            st.html(
                f"<div>{webmap.esc(u.get('name'))}："
                f"{webmap.esc(sup.reason_zh(u.get('reason')))}"
                f"（第 {webmap.esc(u.get('source_line'))} 行）</div>"
            )
    st.page_link("pages/map.py", label="在地图页查看", query_params={"plan": pid})
