"""The app's front door: an optional password and a Chinese message instead of tracebacks.

``ATLAS_PASSWORD`` (environment of ``atlas serve``) switches the password on: until a session
has entered it, app.py shows only the login page (no other page runs, no data is read). The
comparison is constant-time (``hmac.compare_digest``); a wrong password waits one second.
A session stays signed in until its browser tab is closed or reloaded.

:func:`run_page` runs the selected page; an exception that escapes it is logged with its
traceback on the server and the user sees one Chinese ``st.error`` line (set
``ATLAS_RAISE_ERRORS=1`` to let it propagate, as the page tests do).
"""

from __future__ import annotations

import hmac
import logging
import os
import time

import streamlit as st

log = logging.getLogger("atlas.app")

PASSWORD_ENV = "ATLAS_PASSWORD"
_SIGNED_IN = "atlas_signed_in"
#: what a user sees when a page fails (details go to the server log only)
PAGE_ERROR = "页面出错了，详情已写入服务器日志。请刷新页面或联系管理员。"


def password_required() -> bool:
    """True while this session still has to enter ``ATLAS_PASSWORD`` (False when unset)."""
    return bool(os.environ.get(PASSWORD_ENV)) and not st.session_state.get(_SIGNED_IN, False)


def login_page() -> None:
    """The only page shown until the password has been entered."""
    st.header("规划图集 · 登录")
    with st.form("atlas_login"):
        entered = st.text_input("密码", type="password")
        submitted = st.form_submit_button("登录", type="primary")
    if submitted:
        expected = os.environ.get(PASSWORD_ENV, "")
        if expected and hmac.compare_digest(entered.encode("utf-8"), expected.encode("utf-8")):
            st.session_state[_SIGNED_IN] = True
            st.rerun()
        time.sleep(1.0)  # slows guessing down
        st.error("密码不正确。")


def run_page(page) -> None:
    """Run ``page`` (an ``st.navigation`` result); show :data:`PAGE_ERROR` if it fails."""
    try:
        page.run()
    except Exception:
        if os.environ.get("ATLAS_RAISE_ERRORS"):
            raise
        log.exception("page %s failed", getattr(page, "url_path", page))
        st.error(PAGE_ERROR)
