"""The fixed feature schema (DESIGN §4): columns, ids, typed frames and validation.

Everything that only needs to know what a layer row looks like imports this module: the store,
exports, curated specs and renderers. It imports nothing from the pipeline but the model, so
reading a built atlas never drags in placement or the gazetteer.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from atlas.errors import SchemaError
from atlas.model import LAYERS, PRECISIONS

#: feature layer columns, in order (DESIGN §4 plus provenance and placement notes)
COLUMNS: tuple[str, ...] = (
    "id",
    "plan_id",
    "layer",
    "layout",
    "component",
    "role",
    "name",
    "precision",
    "confidence",
    "anchors",
    "source_line",
    "source_quote",
    "provenance",
    "rule",  # the geometry rule that placed the feature (docs/geometry.md)
    "note",  # why a feature is unresolved / what was assumed
    "area_km2",  # area stated in the text, if any
)
STR_COLUMNS = tuple(c for c in COLUMNS if c not in ("confidence", "source_line", "area_km2"))

#: indicator table columns (DESIGN §4 indicator fields + plan and jurisdiction for the join)
INDICATOR_COLUMNS: tuple[str, ...] = (
    "id",
    "plan_id",
    "adcode",
    "jurisdiction",
    "name",
    "key",
    "unit",
    "base_year",
    "base_value",
    "target_year",
    "target_value",
    "target_text",
    "qualifier",
    "growth",
    "attribute",
    "kind",
    "category",
    "table",
    "base_text",  # verbatim base/actual cell (待省反馈, 19:26:55, [4])
    "base_growth",
    "growth_text",
    "status",  # 完成 / 未完成 / 无统计 of review tables
    "actual_year",  # kind=review: the achieved figure's year and value (target_* = the goal)
    "actual_value",
    "source_line",
    "source_quote",
)

#: plans table columns
PLAN_COLUMNS: tuple[str, ...] = (
    "plan_id",
    "jurisdiction",
    "adcode",
    "level",
    "kind",
    "period",
    "title",
    "text_path",
)

PROVENANCES = ("extracted", "curated", "reference")


def slug(text: str) -> str:
    """A stable id part: CJK and ASCII word characters kept, everything else → ``-``."""
    s = re.sub(r"[^\w一-鿿]+", "-", text).strip("-")
    return s or hashlib.sha1(text.encode()).hexdigest()[:8]


def frame(rows: Sequence[dict[str, Any]]) -> gpd.GeoDataFrame:
    """A schema-ordered GeoDataFrame (EPSG:4326) from feature rows; empty rows → empty frame."""
    rows = list(rows)
    # column-wise construction: ~5× faster than a DataFrame of row dicts plus casts
    data: dict[str, Any] = {}
    for c in COLUMNS:
        vals = [r.get(c) for r in rows]
        if c == "confidence":
            data[c] = pd.Series([float(v or 0.0) for v in vals], dtype="float64")
        elif c == "source_line":
            data[c] = pd.Series([int(v or 0) for v in vals], dtype="int64")
        elif c == "area_km2":
            data[c] = pd.Series(
                [float("nan") if v is None else float(v) for v in vals], dtype="float64"
            )
        else:
            data[c] = pd.Series(["" if v is None else str(v) for v in vals], dtype=object)
    geoms = gpd.GeoSeries([r.get("geometry") for r in rows], crs=4326)
    return gpd.GeoDataFrame(data, geometry=geoms.values, crs=4326)


def split_layers(rows: Sequence[dict[str, Any]]) -> dict[str, gpd.GeoDataFrame]:
    """Group rows by ``layer`` into one validated frame per layer (sorted by id)."""
    out: dict[str, gpd.GeoDataFrame] = {}
    for name in LAYERS:
        sel = [r for r in rows if r["layer"] == name]
        if name == "indicator" or not sel:
            continue
        gdf = frame(sorted(sel, key=lambda r: r["id"])).reset_index(drop=True)
        validate(gdf)
        out[name] = gdf
    return out


def validate(gdf: gpd.GeoDataFrame) -> None:
    """Check a layer frame against the feature schema; raise :class:`SchemaError` if it fails.

    Runs on every layer of every plan, again on the merged layers and on every store write, so
    the checks work on plain lists and arrays rather than pandas expressions (~3× cheaper).
    """
    cols = [c for c in gdf.columns if c != "geometry"]
    if tuple(cols) != COLUMNS:
        raise SchemaError(f"layer columns {cols} differ from the schema {list(COLUMNS)}")
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        raise SchemaError(f"layer CRS must be EPSG:4326, not {gdf.crs}")
    ids = gdf["id"].tolist()
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        dup = next(i for i in ids if i in seen or seen.add(i))
        raise SchemaError(f"duplicate feature id {dup}")
    vals = {c: gdf[c].tolist() for c in ("plan_id", "layer", "precision", "provenance")}
    for col, allowed in (("layer", LAYERS), ("precision", PRECISIONS), ("provenance", PROVENANCES)):
        bad = set(vals[col]) - set(allowed)
        if bad:
            raise SchemaError(f"unknown {col} value(s): {sorted(bad)}")
    prefixes = zip(ids, vals["plan_id"], vals["layer"], strict=True)
    if not all(i.startswith(p + ":" + lay + ":") for i, p, lay in prefixes):
        raise SchemaError("feature ids must read <plan_id>:<layer>:<slug>")
    conf = gdf["confidence"].to_numpy()
    if ((conf < 0) | (conf > 1)).any():
        raise SchemaError("confidence must lie in [0, 1]")
    geoms = np.asarray(gdf.geometry.array, dtype=object)
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    unres = np.array([p == "unresolved" for p in vals["precision"]], dtype=bool)
    if (empty != unres).any():
        bad = ids[int(np.flatnonzero(empty != unres)[0])]
        raise SchemaError(f"{bad}: geometry must be empty exactly when precision is unresolved")
    if not shapely.is_valid(geoms[~empty]).all():
        raise SchemaError("invalid geometry in layer")
    line = gdf["source_line"].to_numpy()
    not_admin = np.array([lay != "admin" for lay in vals["layer"]], dtype=bool)
    if ((line < 1) & not_admin).any():
        bad = ids[int(np.flatnonzero(line < 1)[0])]
        raise SchemaError(f"{bad}: every feature needs a 1-based source line")


_INT_INDICATOR_COLUMNS = ("base_year", "target_year", "actual_year", "source_line")
_FLOAT_INDICATOR_COLUMNS = (
    "base_value",
    "target_value",
    "growth",
    "base_growth",
    "actual_value",
)


def indicator_table(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Typed indicator table from row dicts (schema column order)."""
    df = pd.DataFrame(list(rows), columns=list(INDICATOR_COLUMNS))
    for c in _INT_INDICATOR_COLUMNS:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
    for c in _FLOAT_INDICATOR_COLUMNS:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    for c in INDICATOR_COLUMNS:
        if c not in _INT_INDICATOR_COLUMNS + _FLOAT_INDICATOR_COLUMNS:
            df[c] = df[c].astype(object).where(df[c].notna(), "").astype(str)
    return df


def drawable(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rows that can be drawn: not unresolved and with a non-empty geometry (every renderer)."""
    if gdf is None or len(gdf) == 0:
        return gdf
    geom = gdf.geometry
    ok = geom.notna() & ~geom.is_empty
    if "precision" in gdf.columns:
        ok &= gdf["precision"].astype(str) != "unresolved"
    return gdf[ok]
