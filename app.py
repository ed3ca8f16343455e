"""Planning Atlas — Streamlit entry point: navigation over the pages in pages/.

Run with ``atlas serve`` (or ``streamlit run app.py``). The map is the default page at the
app root; other pages have URL paths unlike their file stems (``atlas.appstate.PAGE_PATHS``).
Links such as ``?page=reader&plan=…&line=…`` are routed to the named page with the remaining
query parameters kept. Pages carry no icons on purpose: a page icon becomes the favicon, and
Material-icon favicons are fetched from a Google CDN.

With ``ATLAS_PASSWORD`` set, a session sees only the login page until it has entered the
password (pages/_gate.py).
"""

import streamlit as st

from atlas.appstate import PAGE_PATHS
from pages import _gate

st.set_page_config(page_title="规划图集 Planning Atlas", layout="wide")

if _gate.password_required():  # ATLAS_PASSWORD set and this session has not signed in
    st.navigation([st.Page(_gate.login_page, title="登录")]).run()
    st.stop()

PAGES = {
    "map": st.Page("pages/map.py", title="地图", default=True),
    "reader": st.Page("pages/reader.py", title="规划文本", url_path=PAGE_PATHS["reader"]),
    "indicators": st.Page("pages/indicators.py", title="指标", url_path=PAGE_PATHS["indicators"]),
    "monitoring": st.Page(
        "pages/monitoring.py", title="实施评估", url_path=PAGE_PATHS["monitoring"]
    ),
    "compare": st.Page("pages/compare.py", title="对比", url_path=PAGE_PATHS["compare"]),
    "export": st.Page("pages/export.py", title="导出", url_path=PAGE_PATHS["export"]),
    "upload": st.Page("pages/upload.py", title="上传", url_path=PAGE_PATHS["upload"]),
}

nav = st.navigation(list(PAGES.values()))
target = st.query_params.get("page")
if target in PAGES and PAGES[target] is not nav:
    params = {k: v for k, v in st.query_params.to_dict().items() if k != "page"}
    st.switch_page(PAGES[target], query_params=params)
st.sidebar.caption("规划图集 · 从规划文本到有出处、标明精度的地图图层")
_gate.run_page(nav)  # a failing page: one Chinese line for the user, the traceback in the log
