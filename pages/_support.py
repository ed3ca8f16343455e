"""App support: the ONE place where pages read data and where caching lives.

Pages call these functions; they never open files or the GeoPackage themselves. Heavy,
read-only objects (layer frames, encoded map payloads, polygons) are cached with
``st.cache_resource`` (no copy on read; nobody mutates them); small tables with
``st.cache_data``. Cache keys include the GeoPackage's modification time, so a rebuilt atlas is
picked up without restarting. Uploaded plans live in ``st.session_state`` (per user session).
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from atlas import appstate
from atlas.appstate import from_display, to_display  # noqa: F401 (used by pages)
from atlas.errors import AtlasError
from atlas.indicator_views import (  # noqa: F401 (used by pages)
    base_vs_target,
    plan_short,
    typed_indicators,
)
from atlas.paths import BUILD, ROOT
from atlas.render.style import LEVEL_LABELS, cell, clean_quote, reason_zh
from atlas.render.web import webmap

UPLOADS = "atlas_uploads"

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- plan text as Markdown

#: characters that start inline Markdown, HTML or a Streamlit directive (``:material/…:``,
#: ``:red[…]``, ``$…$``); CommonMark lets any of them be backslash-escaped
_MD_INLINE = re.compile(r"([\\`*_\[\]!<>:$~|#{}&])")
#: what makes a line a list item, heading, quote or rule when it starts the text
_MD_LEADING = re.compile(r"^([-+=]|\d+(?=[.)]))")


def md(text: object) -> str:
    """Plan text made literal for Streamlit's Markdown (headers, captions, labels, radios).

    ``![x](http://example.com/x.png)`` is shown as those characters: Streamlit never turns it
    into an image (which the browser would fetch), a link, emphasis, HTML or a directive. Line
    breaks become spaces; ``-``, ``.`` and ``(`` stay as they are inside the text.
    """
    flat = " ".join(str(text if text is not None else "").split())
    out = _MD_INLINE.sub(r"\\\1", flat)
    m = _MD_LEADING.match(out)
    if m is None:
        return out
    cut = m.end() if m.group(1)[0].isdigit() else 0  # 1. → 1\.   - → \-
    return out[:cut] + "\\" + out[cut:]


# ---------------------------------------------------------------- page setup


def page_setup() -> None:
    """Make sure the page runs inside app.py's ``st.navigation`` (first call of every page).

    With the pages in a folder named ``pages/``, Streamlit starts each process (and every
    AppTest run) in its legacy multipage mode, which may execute a page file directly for its
    URL (``/reader`` → ``pages/reader.py``) without app.py's page config and navigation. Such
    a run switches that mode off, runs app.py (whose navigation runs this page again, properly
    framed) and stops; no rerun, so widget events of the run are kept.
    """
    import runpy

    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        runpy.run_path(str(ROOT / "app.py"), run_name="__main__")
        st.stop()


# ---------------------------------------------------------------- the atlas on disk


def atlas_path() -> Path:
    """The GeoPackage the app reads (``ATLAS_GPKG`` env, else ``build/atlas.gpkg``)."""
    return Path(os.environ.get("ATLAS_GPKG", BUILD / "atlas.gpkg"))


def _stamp() -> tuple[str, float]:
    p = atlas_path()
    return str(p), (p.stat().st_mtime if p.exists() else 0.0)


def atlas_ready() -> bool:
    """True when an atlas GeoPackage exists (else pages show how to build it)."""
    return atlas_path().exists()


def require_atlas() -> None:
    """Stop the page with a clear Chinese message when no atlas has been built."""
    if not atlas_ready() and not uploads():
        st.warning(
            f"尚未生成图集：找不到 {atlas_path()}。请先运行 `atlas build`"
            "（或在“上传”页上传一份规划文本）。"
        )
        st.stop()


@st.cache_data(show_spinner=False)
def _plans(path: str, mtime: float) -> pd.DataFrame:
    from atlas import store

    return store.list_plans(path)


def plans() -> pd.DataFrame:
    """Plans table (built plans, then this session's uploads)."""
    frames = []
    if atlas_ready():
        frames.append(_plans(*_stamp()))
    for up in uploads().values():
        frames.append(pd.DataFrame([up["plan"]]))
    if not frames:
        return pd.DataFrame(columns=["plan_id", "jurisdiction", "adcode", "title", "text_path"])
    return pd.concat(frames, ignore_index=True).drop_duplicates("plan_id", keep="last")


def plan_label(row: pd.Series | dict) -> str:
    """How a plan is named in pickers: its title (or jurisdiction) and id."""
    title = str(row.get("title") or row.get("jurisdiction") or "")
    return f"{title}（{row['plan_id']}）" if title else str(row["plan_id"])


@st.cache_resource(show_spinner=False, max_entries=16)
def _layers(path: str, mtime: float, plan_id: str) -> dict[str, gpd.GeoDataFrame]:
    from atlas import store

    return store.read_layers(path, plan_id)


def layers(plan_id: str) -> dict[str, gpd.GeoDataFrame]:
    """Layer frames of one plan (read-only: do not mutate)."""
    up = uploads().get(plan_id)
    if up is not None:
        return up["frames"]
    if not atlas_ready():
        return {}
    return _layers(*_stamp(), plan_id)


@st.cache_data(show_spinner=False)
def _indicators(path: str, mtime: float, plan_id: str | None) -> pd.DataFrame:
    from atlas import store

    return store.read_indicators(path, plan_id)


def indicators(plan_id: str | None = None) -> pd.DataFrame:
    """Indicator rows of one plan, or of every plan (built and uploaded) when None."""
    parts = []
    if atlas_ready() and (plan_id is None or plan_id not in uploads()):
        parts.append(_indicators(*_stamp(), plan_id))
    for pid, up in uploads().items():
        if plan_id is None or pid == plan_id:
            parts.append(up["indicators"])
    parts = [p for p in parts if p is not None and len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


@st.cache_resource(show_spinner=False, max_entries=32)
def _prepared(path: str, mtime: float, plan_id: str, gcj: bool) -> dict[str, webmap.Group]:
    return webmap.prepare(_layers(path, mtime, plan_id), gcj=gcj)


def prepared(plan_id: str, gcj: bool = False) -> dict[str, webmap.Group]:
    """Encoded layer groups of a plan for the web map (cached per plan and datum)."""
    up = uploads().get(plan_id)
    if up is not None:
        key = f"prepared_{int(gcj)}"
        if key not in up:
            up[key] = webmap.prepare(up["frames"], gcj=gcj)
        return up[key]
    if not atlas_ready():
        return {}
    return _prepared(*_stamp(), plan_id, gcj)


@st.cache_resource(show_spinner=False, max_entries=16)
def _tables(path: str, mtime: float, plan_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    frames = _layers(path, mtime, plan_id)
    parts = [pd.DataFrame(g.drop(columns="geometry")) for g in frames.values() if len(g)]
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return table, webmap.unresolved(frames)


def feature_table(plan_id: str) -> pd.DataFrame:
    """Every feature of a plan (all layers, geometry dropped) for lists and look-ups."""
    up = uploads().get(plan_id)
    if up is None and atlas_ready():
        return _tables(*_stamp(), plan_id)[0]
    parts = [pd.DataFrame(g.drop(columns="geometry")) for g in layers(plan_id).values() if len(g)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def unresolved(plan_id: str) -> pd.DataFrame:
    """Features of a plan that could not be placed (listed, never drawn)."""
    up = uploads().get(plan_id)
    if up is None and atlas_ready():
        return _tables(*_stamp(), plan_id)[1]
    return webmap.unresolved(layers(plan_id))


@st.cache_resource(show_spinner=False)
def polygons() -> gpd.GeoDataFrame:
    """Jurisdiction polygons (counties and cities) for choropleths."""
    from atlas.places import geodata

    return pd.concat([geodata.counties(), geodata.cities()], ignore_index=True)


def indicator_choices() -> dict[str, str]:
    """Overlay choices: indicator key (or name) → label, over every plan with a jurisdiction."""
    df = indicators()
    if df.empty:
        return {}
    df = df[df["adcode"].astype(str).str.len() > 0]
    out: dict[str, str] = {}
    for _, r in df.iterrows():
        k = str(r.get("key") or r["name"])
        out.setdefault(k, str(r["name"]))
    return out


@st.cache_resource(show_spinner=False, max_entries=32)
def _overlay(path: str, mtime: float, key: str, measure: str, gcj: bool, n_up: int):
    ch = webmap.choropleth(indicators(), polygons(), key, measure)
    if ch is None:
        return None, None
    return ch, webmap.choropleth_payload(ch, gcj=gcj)


def overlay(spec: str, gcj: bool = False):
    """(Choropleth, payload) for an overlay ``key:measure``, or (None, None)."""
    parsed = appstate.parse_overlay(spec)
    if parsed is None:
        return None, None
    if uploads():  # uploads change per session: no cross-session caching
        ch = webmap.choropleth(indicators(), polygons(), *parsed)
        return (ch, webmap.choropleth_payload(ch, gcj=gcj)) if ch is not None else (None, None)
    return _overlay(*_stamp(), *parsed, gcj, 0)


def tianditu_key() -> str | None:
    """The Tianditu key from the environment (the basemap is hidden without it)."""
    return os.environ.get("TIANDITU_KEY") or None


def basemap_options() -> dict[str, str]:
    """Basemaps offered in the picker (Tianditu only with a key)."""
    opts = dict(webmap.BASEMAP_LABELS)
    if not tianditu_key():
        opts.pop("tianditu")
    return opts


# ---------------------------------------------------------------- map state and search


def map_state() -> appstate.MapState:
    """The map view state decoded from the URL."""
    return appstate.decode(st.query_params.to_dict())


def set_map_state(state: appstate.MapState) -> None:
    """Write the view state into the URL (only when it changed, to avoid extra reruns)."""
    new = appstate.encode(state)
    if new != st.query_params.to_dict():
        st.query_params.from_dict(new)


def home(*plan_ids: str) -> tuple[float, float, float, float] | None:
    """Bounds of the plans' own jurisdictions (what the map opens on), or None."""
    boxes = [b for b in (webmap.home_bounds(layers(p)) for p in plan_ids) if b is not None]
    if not boxes:
        return None
    xs0, ys0, xs1, ys1 = zip(*boxes, strict=True)
    return (min(xs0), min(ys0), max(xs1), max(ys1))


def unresolved_table(plan_id: str) -> pd.DataFrame:
    """The unresolved features of a plan as shown in the map's side panel (Chinese columns)."""
    un = unresolved(plan_id)
    if un.empty:
        return pd.DataFrame(columns=["名称", "布局/组成", "原因", "行", "原文"])

    def col(name: str) -> pd.Series:
        s = un[name] if name in un else pd.Series([""] * len(un), index=un.index)
        return s.map(cell)

    comp = (col("layout") + " " + col("component")).str.strip()
    lines = un["source_line"] if "source_line" in un else pd.Series([None] * len(un))
    return pd.DataFrame(
        {
            "名称": col("name").where(col("name") != "", "（原文未界定）"),
            "布局/组成": comp,
            "原因": un["note"].map(reason_zh) if "note" in un else "",
            "行": [f"第 {int(v)} 行" if cell(v) else "" for v in lines],
            "原文": un["source_quote"].map(clean_quote) if "source_quote" in un else "",
        }
    )


def display(df: pd.DataFrame) -> pd.DataFrame:
    """A table as shown to a reader: missing values are empty cells (never "None"/"nan"),
    numbers without trailing zeros. Columns with gaps or text become text."""
    out = df.copy()
    for c in out.columns:
        col = out[c]
        if col.dtype == object or col.isna().any():
            out[c] = col.map(_shown)
    return out


def feature_display(feats: pd.DataFrame) -> pd.DataFrame:
    """A plan's features as a Chinese table: 图层, 角色, 名称, 精度, 行."""
    from atlas.render.style import LAYER_LABELS, ROLE_LABELS

    def col(name: str) -> pd.Series:
        return feats[name] if name in feats else pd.Series([""] * len(feats), index=feats.index)

    return display(
        pd.DataFrame(
            {
                "图层": col("layer").map(lambda v: LAYER_LABELS.get(str(v), cell(v))),
                "角色": col("role").map(lambda v: ROLE_LABELS.get(str(v), cell(v))),
                "名称": col("name").map(cell),
                "精度": col("precision").map(lambda v: webmap.precision_label(str(v))),
                "行": [f"第 {int(v)} 行" if cell(v) else "" for v in col("source_line")],
            }
        )
    )


def _shown(v: object) -> str:
    if isinstance(v, float) and v == v:
        return f"{v:,.4g}" if abs(v) < 1e15 else str(v)
    return cell(v)


def layers_from_map(selected: object, grouped: dict) -> tuple[str, ...] | None:
    """The groups the in-map layer control shows, from st_folium's ``selected_layers``
    (``atlasmap.js`` writes ``{"name": key}`` entries plus a ``__set`` marker), or None when
    the map has not reported them."""
    if not isinstance(selected, list):
        return None
    names = [str((s or {}).get("name", "")) for s in selected if isinstance(s, dict)]
    if "__set" not in names or not set(names) - {"__set"} <= set(grouped):
        return None  # not reported yet, or the previous plan's map
    return tuple(k for k in grouped if k in set(names))


def export_params(state: appstate.MapState) -> dict[str, str]:
    """Query parameters that open the export page on the map's plan and visible layers."""
    q = appstate.encode(appstate.MapState(plan=state.plan, layers=state.layers))
    return q


def selection(plan_id: str, group_keys: tuple[str, ...] | None) -> dict[str, gpd.GeoDataFrame]:
    """A plan's layer frames limited to map layer-tree groups (None = everything).

    Layout groups (``layout:<slogan>``) keep the layout rows of those slogans, unresolved ones
    included, so an export carries what the map shows plus what could not be placed.
    """
    frames = {k: v for k, v in layers(plan_id).items() if len(v)}
    if group_keys is None:
        return frames
    keep = set(group_keys)
    slogans = {k.split(":", 1)[1] for k in keep if k.startswith("layout:")}
    out = {}
    for layer, g in frames.items():
        if layer == "layout":
            sub = g[g["layout"].fillna("").astype(str).isin(slogans)]
            if len(sub):
                out[layer] = sub
        elif layer in keep:
            out[layer] = g
    return out


def export_file(fmt: str, frames: dict[str, gpd.GeoDataFrame], ind: pd.DataFrame) -> bytes | None:
    """The bytes of one export (:func:`atlas.export.export_bytes`), or None after logging why.

    A page shows a Chinese message for None; the details (traceback) go to the server log only.
    """
    from atlas import export

    try:
        return export.export_bytes(fmt, frames, ind)
    except Exception:
        log.exception("export %s failed", fmt)
        return None


def feature_by_id(plan_id: str, fid: str) -> dict[str, Any] | None:
    """One feature's attributes and centroid (lat, lon) by id, or None."""
    for g in layers(plan_id).values():
        hit = g[g["id"] == fid]
        if len(hit):
            row = hit.iloc[0].to_dict()
            geom = row.pop("geometry", None)
            if geom is not None and not geom.is_empty:
                c = geom.representative_point()
                row["_latlon"] = (c.y, c.x)
            return row
    return None


@st.cache_resource(show_spinner=False)
def gazetteer():
    """The default gazetteer (shared by every session; it never changes at run time)."""
    from atlas.places.gazetteer import default_gazetteer

    return default_gazetteer()


def search(plan_id: str, query: str, scope: str | None = None) -> list[dict[str, Any]]:
    """Features of the plan whose name contains ``query``, then gazetteer places."""
    query = query.strip()
    if not query:
        return []
    out: list[dict[str, Any]] = []
    ft = feature_table(plan_id)
    if len(ft):
        hits = ft[ft["name"].astype(str).str.contains(query, regex=False)]
        for _, r in hits.head(8).iterrows():
            f = feature_by_id(plan_id, r["id"])
            if f and "_latlon" in f:
                out.append(
                    {"kind": "要素", "name": r["name"], "id": r["id"], "latlon": f["_latlon"]}
                )
    try:
        places = gazetteer().geocode(query, scope=scope or None)
    except AtlasError:  # an unknown scope: no place results, the feature hits still show
        places = []
    if places:
        for p in places[:5]:
            level = LEVEL_LABELS.get(p.level, p.level)
            out.append(
                {
                    "kind": "地名",
                    "name": f"{p.name}（{level}，{webmap.precision_label(p.precision)}）",
                    "id": "",
                    "latlon": (p.lat, p.lon),
                }
            )
    return out


# ---------------------------------------------------------------- plan text


@st.cache_data(show_spinner=False, max_entries=16)
def _plan_lines(path: str, mtime: float) -> list[str]:
    from atlas.read.text import load_plan

    return list(load_plan(Path(path)).raw_lines)


def plan_lines(plan_id: str) -> list[str]:
    """Original lines of a plan text (index = line - 1), or [] when the text is missing."""
    up = uploads().get(plan_id)
    if up is not None:
        return up["lines"]
    row = plans()
    row = row[row["plan_id"] == plan_id]
    if row.empty:
        return []
    p = Path(str(row.iloc[0].get("text_path") or ""))
    if not p.is_absolute():
        p = ROOT / p
    if not p.is_file():
        return []
    return _plan_lines(str(p), p.stat().st_mtime)


# ---------------------------------------------------------------- uploads (per session)


def uploads() -> dict[str, dict[str, Any]]:
    """This session's uploaded plans: plan id → frames, indicators, plan row, lines, report."""
    return st.session_state.setdefault(UPLOADS, {})


def run_upload(data: bytes | str, plan_id: str) -> dict[str, Any]:
    """Extract and place an uploaded plan text (:func:`atlas.build.build_upload`); keep it in
    the session.

    Raises
    ------
    atlas.errors.InputError
        For text that cannot be read as a plan (empty, binary, wrong encoding, too big).
    """
    from atlas.build import build_upload

    entry = build_upload(data, plan_id)
    uploads()[plan_id] = entry
    return entry


# ---------------------------------------------------------------- monitoring (实施评估)


def _tables_now() -> tuple[pd.DataFrame, pd.DataFrame]:
    ind = indicators()
    return (ind if len(ind) else pd.DataFrame(columns=["plan_id", "kind", "key"])), plans()


@st.cache_data(show_spinner=False, max_entries=32)
def _monitor(path: str, mtime: float, plan_id: str):
    from atlas.monitor.views import plan_rows

    return plan_rows(_indicators(path, mtime, None), _plans(path, mtime), plan_id)


def monitor(plan_id: str):
    """(LinkSet, list of MonitorRow) of a plan: its targets against later documents."""
    from atlas.monitor.views import plan_rows

    if uploads() or not atlas_ready():
        return plan_rows(*_tables_now(), plan_id)
    return _monitor(*_stamp(), plan_id)


def monitor_plans() -> list[str]:
    """Plans with at least one target (the 实施评估 picker)."""
    from atlas.monitor.views import plans_with_targets

    return plans_with_targets(indicators())


def quotes() -> dict[tuple, str]:
    """Quotes of every indicator row (built and uploaded) by plan, line (and key stem)."""
    from atlas.monitor.views import quote_index

    return quote_index(indicators())


def status_styled(frame: pd.DataFrame, col: str = "状态"):
    """A Styler colouring the status cells with the status colours (deck and XLSX use them too)."""
    from atlas.monitor.status import STATUS_LABELS, status_colour

    colour = {label: status_colour(code) for code, label in STATUS_LABELS.items()}

    def paint(v: object) -> str:
        c = colour.get(str(v))
        return f"background-color: {c}; color: #ffffff; font-weight: 600" if c else ""

    return frame.style.map(paint, subset=[col]) if col in frame else frame.style


def county_statuses() -> pd.DataFrame:
    """Status per county plan and indicator (:func:`atlas.monitor.views.county_statuses`)."""
    from atlas.monitor.views import county_statuses as cs

    return cs(*_tables_now())


def timeline(plan_id: str) -> pd.DataFrame:
    """The plans and reports of a plan's jurisdiction in period order."""
    from atlas.monitor.views import timeline as tl

    ind, pl = _tables_now()
    return tl(pl, ind, plan_id)


def city_county(a: str, b: str) -> tuple[str, str] | None:
    """(city, county) when the two plans are a city and a county inside it, else None."""
    from atlas.monitor.views import city_county as cc

    return cc(plans(), a, b)


def _pair_frames(a: dict, b: dict) -> dict[str, gpd.GeoDataFrame]:
    out = {}
    for k in sorted(set(a) | set(b)):
        parts = [f for f in (a.get(k), b.get(k)) if f is not None and len(f)]
        if parts:
            out[k] = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=parts[0].crs)
    return out


@st.cache_data(show_spinner=False, max_entries=16)
def _consistency(path: str, mtime: float, city: str, county: str):
    from atlas.monitor.consistency import compare_plans

    ind, pl = _indicators(path, mtime, None), _plans(path, mtime)
    frames = _pair_frames(_layers(path, mtime, city), _layers(path, mtime, county))
    return compare_plans(frames, ind, pl, city, county)


def consistency(city: str, county: str):
    """City ↔ county findings (:func:`atlas.monitor.consistency.compare_plans`)."""
    from atlas.monitor.consistency import compare_plans

    if uploads() or not atlas_ready():
        frames = _pair_frames(layers(city), layers(county))
        return compare_plans(frames, *_tables_now(), city, county)
    return _consistency(*_stamp(), city, county)


def monitor_xlsx(plan_id: str) -> bytes:
    """The indicator XLSX of a plan with its 实施评估 sheet (and 一致性 for a county of a city
    plan in the build, or the city's counties)."""
    from atlas import export

    _, rows = monitor(plan_id)
    pairs = []
    for other in plans()["plan_id"]:
        pair = city_county(plan_id, str(other))
        if pair is not None:
            pairs.append((*pair, consistency(*pair)))
    return export.indicators_xlsx_bytes(
        indicators(plan_id),
        monitor=rows or None,
        consistency=pairs,
        role_names=webmap.ROLE_LABELS,
    )


def status_shapes(statuses: pd.DataFrame) -> dict[str, Any]:
    """GeoJSON of the county polygons of the cities in ``statuses`` (one indicator) with
    名称, 状态, 规划; counties without a figure get 状态 "无数据"."""
    polys = polygons()
    counties = polys[polys["level"] == "county"]
    cities = {str(a)[:4] for a in statuses["adcode"]}
    sub = counties[counties["adcode"].astype(str).str[:4].isin(cities)]
    first = statuses.drop_duplicates("adcode").set_index("adcode")
    out = gpd.GeoDataFrame(
        {
            "名称": sub["name"].astype(str).values,
            "状态": [str(first["状态"].get(a, "无数据")) for a in sub["adcode"]],
            "规划": [str(first["plan_id"].get(a, "—")) for a in sub["adcode"]],
        },
        geometry=sub.geometry.simplify(0.002).values,
        crs=4326,
    )
    return json.loads(out.to_json(drop_id=True))
