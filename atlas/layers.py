"""Typed map layers: the fixed feature schema (DESIGN §4), assembly from an extraction, and
validation.

An :class:`~atlas.model.Extraction` is flattened into :class:`FeatureSpec` records (one per layout
element or entity; curated specs from layers/<plan_id>.yaml are merged at this stage, see
:mod:`atlas.curated`); :mod:`atlas.placement` places each spec; :func:`feature_rows` turns the
placements into schema rows and :func:`split_layers` into one validated GeoDataFrame per layer.
Specs that cannot be placed stay as ``precision=unresolved`` rows with no geometry and a
reason, never dropped.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .errors import SchemaError
from .model import LAYERS, PRECISIONS, Extraction
from .placement import NEAR_DEG, Context, FeatureSpec, Placed, place  # noqa: F401 (re-export)

log = logging.getLogger(__name__)

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

#: base confidence of a placement rule, multiplied by the anchors' confidence
# --- extraction → specs ----------------------------------------------------------------------


def specs_from_extraction(ex: Extraction) -> list[FeatureSpec]:
    """Flatten an extraction's layouts and entities into feature specs (text order)."""
    specs: list[FeatureSpec] = []
    for lay in ex.layouts:
        if not lay.elements:
            specs.append(
                FeatureSpec(
                    ex.plan_id,
                    "layout",
                    "layout",
                    lay.name,
                    lay.source,
                    layout=lay.name,
                    component=lay.name,
                    resolved=False,
                    reason="layout named but its components are never defined in the plan",
                )
            )
        for e in lay.elements:
            specs.append(
                FeatureSpec(
                    ex.plan_id,
                    "layout",
                    e.role,
                    e.name,
                    e.source,
                    layout=lay.name,
                    component=e.component,
                    anchors=tuple(e.anchors),
                    definition=e.definition,
                    area_km2=e.area_km2,
                    resolved=e.resolved,
                    reason="" if e.resolved else "named by the slogan but never defined",
                )
            )
    covered = {(s.layout, s.component) for s in specs}
    layouts = {s.layout for s in specs}
    for u in ex.unresolved:
        # unresolved layouts/elements the extractor did not also emit as layout elements
        lay_name = u.layout or u.name
        if u.kind == "layout" and lay_name in layouts:
            continue  # its elements are already rows (resolved=False)
        if u.kind in ("layout", "element") and (lay_name, u.component or u.name) not in covered:
            specs.append(
                FeatureSpec(
                    ex.plan_id,
                    "layout",
                    "layout" if u.kind == "layout" else "element",
                    u.name,
                    u.source,
                    layout=u.layout or u.name,
                    component=u.component or u.name,
                    resolved=False,
                    reason=u.reason,
                )
            )
            covered.add((u.layout or u.name, u.component or u.name))
    for ent in ex.entities:
        area = ent.attr("area_km2")
        specs.append(
            FeatureSpec(
                ex.plan_id,
                ent.layer if ent.layer in LAYERS else "project",
                ent.role,
                ent.name,
                ent.source,
                anchors=tuple(ent.anchors),
                area_km2=float(area) if _is_number(area) else None,
                attrs=tuple(ent.attrs),
            )
        )
    # key projects from 专栏 boxes that name a place and are not already an entity
    named = {e.name for e in ex.entities}
    for pr in ex.projects:
        if not pr.places or pr.duplicate_of or pr.name in named:
            continue
        named.add(pr.name)
        attrs = [("category", pr.category), ("box", pr.box)]
        if pr.investment is not None:
            attrs.append(("investment_yi", f"{pr.investment:g}"))
        specs.append(
            FeatureSpec(
                ex.plan_id,
                "project",
                "project",
                pr.name,
                pr.source,
                anchors=tuple(pr.places),
                attrs=tuple(attrs),
            )
        )
    return specs


def _is_number(s: str) -> bool:
    try:
        float(s)
    except (TypeError, ValueError):
        return False
    return True


# --- frames ----------------------------------------------------------------------------------


def slug(text: str) -> str:
    """A stable id part: CJK and ASCII word characters kept, everything else → ``-``."""
    s = re.sub(r"[^\w一-鿿]+", "-", text).strip("-")
    return s or hashlib.sha1(text.encode()).hexdigest()[:8]


def feature_rows(specs: Sequence[FeatureSpec], ctx: Context) -> list[dict[str, Any]]:
    """Place every spec and return schema rows (dicts with a ``geometry`` key)."""
    rows: list[dict[str, Any]] = []
    used: dict[str, int] = {}
    for spec in specs:
        pl = place(spec, ctx)
        base = ".".join(slug(p) for p in (spec.layout, spec.component, spec.name) if p)
        key = f"{spec.plan_id}:{spec.layer}:{base}"
        used[key] = used.get(key, 0) + 1
        fid = key if used[key] == 1 else f"{key}-{used[key]}"
        src = spec.source
        rows.append(
            {
                "id": fid,
                "plan_id": spec.plan_id,
                "layer": spec.layer,
                "layout": spec.layout,
                "component": spec.component,
                "role": spec.role,
                "name": spec.name,
                "precision": pl.precision,
                "confidence": float(pl.confidence),
                # the places actually used; an unresolved row keeps the names the plan gives
                "anchors": ";".join(pl.anchors if pl.geometry is not None else spec.anchors),
                "source_line": int(src.line) if src else 0,
                "source_quote": src.quote if src else "",
                "provenance": spec.provenance,
                "rule": pl.rule,
                "note": pl.note,
                "area_km2": spec.area_km2,
                "geometry": pl.geometry,
            }
        )
    return rows


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


def indicator_frame(ex: Extraction) -> pd.DataFrame:
    """The plan's indicators as a table joinable to the admin layer on ``adcode``."""
    return indicator_table(indicator_rows(ex))


def indicator_rows(ex: Extraction) -> list[dict[str, Any]]:
    """The plan's indicators as row dicts (ids ``<plan_id>:indicator:<name>``, numbered)."""
    rows = []
    used: dict[str, int] = {}
    for ind in ex.indicators:
        base = f"{ex.plan_id}:indicator:{slug(ind.name)}"
        used[base] = used.get(base, 0) + 1
        rows.append(
            {
                "id": base if used[base] == 1 else f"{base}-{used[base]}",
                "plan_id": ex.plan_id,
                "adcode": ex.plan.adcode,
                "jurisdiction": ex.plan.jurisdiction,
                "name": ind.name,
                "key": ind.key,
                "unit": ind.unit,
                "base_year": ind.base_year,
                "base_value": ind.base_value,
                "target_year": ind.target_year,
                "target_value": ind.target_value,
                "target_text": ind.target_text,
                "qualifier": ind.qualifier,
                "growth": ind.growth,
                "attribute": ind.attribute,
                "kind": ind.kind,
                "category": ind.category,
                "table": ind.table,
                "base_text": getattr(ind, "base_text", ""),
                "base_growth": getattr(ind, "base_growth", None),
                "growth_text": getattr(ind, "growth_text", ""),
                "status": getattr(ind, "status", ""),
                "source_line": ind.source.line,
                "source_quote": ind.source.quote,
            }
        )
    return rows


_INT_INDICATOR_COLUMNS = ("base_year", "target_year", "source_line")
_FLOAT_INDICATOR_COLUMNS = ("base_value", "target_value", "growth", "base_growth")


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
