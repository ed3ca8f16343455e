"""What the pages of a plan's map series show: features, layouts, focus and titles."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from shapely.ops import unary_union

from atlas.errors import InputError
from atlas.render import mapdata
from atlas.schema import drawable


def combine(frames: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """All layers in one frame (EPSG:4326) with the schema columns the renderers use."""
    parts = []
    for name, frame in frames.items():
        if frame is None or not len(frame):
            continue
        f = frame.to_crs(4326) if frame.crs is not None and frame.crs.to_epsg() != 4326 else frame
        f = f.copy()
        if "layer" not in f.columns:
            f["layer"] = name
        parts.append(f)
    if not parts:
        cols = {c: [] for c in mapdata.FEATURE_COLUMNS}
        return gpd.GeoDataFrame(cols, geometry=[], crs=4326)
    out = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=4326)
    for col in mapdata.FEATURE_COLUMNS:
        if col not in out.columns:
            out[col] = ""
    for col in ("layout", "component", "role", "name", "precision", "layer"):
        out[col] = out[col].fillna("").astype(str)
    return out


def layouts_of(features: gpd.GeoDataFrame) -> list[str]:
    """Layout names in order of first appearance in the plan (by source line)."""
    lay = features[(features["layer"] == "layout") & (features["layout"] != "")]
    if not len(lay):
        return []
    lines = pd.to_numeric(lay["source_line"], errors="coerce").fillna(1e9)
    first = lay.assign(_l=lines).groupby("layout")["_l"].min().sort_values(kind="stable")
    return list(first.index)


def select(features: gpd.GeoDataFrame, layout: str | None = None) -> gpd.GeoDataFrame:
    """The features one map shows: one layout's elements, or everything (overview)."""
    if layout is None:
        return features
    known = layouts_of(features)
    if layout not in known:
        raise InputError(f"unknown layout {layout!r} (this plan has: {', '.join(known) or '—'})")
    return features[(features["layer"] == "layout") & (features["layout"] == layout)]


@dataclass
class MapPage:
    """One page of a map series."""

    key: str  # layout name, county name or "overview"
    title: str
    subtitle: str
    features: gpd.GeoDataFrame
    focus: gpd.GeoDataFrame


def subtitle_of(meta: mapdata.PlanMeta) -> str:
    """Subtitle: plan title and period."""
    parts = [f"《{meta.title}》" if meta.title else meta.plan_id]
    if meta.period_text:
        parts.append(meta.period_text)
    return "　".join(parts)


def focus_of(meta: mapdata.PlanMeta, features: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The jurisdiction polygon of a plan; the features' hull when its adcode is unknown."""
    if meta.adcode:
        return mapdata.jurisdiction(meta.adcode)
    geoms = drawable(features).geometry
    if not len(geoms):
        raise InputError(f"plan {meta.plan_id!r} has no jurisdiction and no located feature")
    return gpd.GeoDataFrame(
        {"name": [meta.plan_id]}, geometry=[unary_union(list(geoms)).convex_hull], crs=4326
    )


def plan_pages(
    meta: mapdata.PlanMeta,
    features: gpd.GeoDataFrame,
    *,
    layout: str | None = None,
    series: str | None = None,
) -> list[MapPage]:
    """The pages to draw for a plan: one map, one per layout, or one per county."""
    focus = focus_of(meta, features)
    sub = subtitle_of(meta)
    place = meta.place
    if series is None:
        feats = select(features, layout)
        title = f"{place} · {layout}" if layout else f"{place} · 规划空间要素总图"
        return [MapPage(layout or "overview", title, sub, feats, focus)]
    if series == "layouts":
        names = layouts_of(features)
        if not names:
            raise InputError(f"plan {meta.plan_id!r} has no layout to map")
        return [MapPage(n, f"{place} · {n}", sub, select(features, n), focus) for n in names]
    if series == "counties":
        if not meta.is_city:
            raise InputError(
                f"--series counties needs a city plan; {meta.plan_id!r} is "
                f"{meta.level or 'not a city'}"
            )
        units = mapdata.county_units(meta.adcode)
        pages = []
        for _, unit in units.iterrows():
            cfocus = units[units["adcode"] == unit["adcode"]]
            poly = unit.geometry
            shown = drawable(features)
            hit = shown[shown.intersects(poly)]
            # area features (zones, belts) spanning several counties are clipped to the county
            clipped = hit.copy()
            clipped["geometry"] = [
                g.intersection(poly) if g.geom_type in ("Polygon", "MultiPolygon") else g
                for g in hit.geometry
            ]
            pages.append(MapPage(unit["name"], f"{place} · {unit['name']}", sub, clipped, cfocus))
        return pages
    raise InputError(f"unknown series {series!r} (use layouts or counties)")
