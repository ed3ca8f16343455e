"""Assembly: an extraction → feature specs → placed schema rows for every layer.

An :class:`~atlas.model.Extraction` is flattened into :class:`FeatureSpec` records (one per
layout element or entity; curated specs from layers/<plan_id>.yaml are merged by
:mod:`atlas.curated`); :func:`atlas.placement.rules.place` places each spec and
:func:`feature_rows` turns the placements into schema rows. :func:`admin_rows` adds the
jurisdiction and its sub-units, :func:`indicator_rows` the indicator table. Specs that cannot
be placed stay as ``precision=unresolved`` rows with no geometry and a reason, never dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from atlas.model import LAYERS, PRECISIONS, Extraction, PlanInfo
from atlas.placement import geometry
from atlas.placement.anchoring import Context, FeatureSpec
from atlas.placement.rules import partition_zones, place
from atlas.places import geodata
from atlas.schema import indicator_table, slug


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


def feature_rows(specs: Sequence[FeatureSpec], ctx: Context) -> list[dict[str, Any]]:
    """Place every spec and return schema rows (dicts with a ``geometry`` key)."""
    rows: list[dict[str, Any]] = []
    used: dict[str, int] = {}
    placed = partition_zones(specs, [place(spec, ctx) for spec in specs])
    for spec, pl in zip(specs, placed, strict=True):
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
                "actual_year": ind.actual_year,
                "actual_value": ind.actual_value,
                "source_line": ind.source.line,
                "source_quote": ind.source.quote,
            }
        )
    return rows


# --- admin layer -----------------------------------------------------------------------------

_SUFFIXES = ("街道", "自治县", "市", "县", "区", "镇", "乡")


def _short(name: str) -> str:
    for suf in _SUFFIXES:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            return name[: -len(suf)]
    return name


def _first_mention(name: str, lines: Sequence[str]) -> tuple[int, str]:
    for key in (name, _short(name)):
        for i, text in enumerate(lines, 1):
            if key and key in text:
                return i, text.strip()
    return 0, ""


def admin_rows(plan: PlanInfo, ctx: Context, lines: Sequence[str]) -> list[dict[str, Any]]:
    """The jurisdiction polygon and its sub-units (counties of a city, townships of a county).

    Each row cites the first line that names the unit; sub-units the plan never names cite the
    line naming the jurisdiction, with a note saying so.
    """
    try:
        unit = ctx.gazetteer.get(plan.adcode).name
    except (KeyError, AttributeError):
        unit = plan.jurisdiction or plan.adcode
    jline, jquote = _first_mention(unit, lines)
    rows = [
        _admin_row(
            plan, plan.adcode, unit, "jurisdiction", ctx.jurisdiction, "admin", jline, jquote, ""
        )
    ]
    if plan.adcode.endswith("0000"):  # a province: its cities
        subs = geodata.cities()
        subs = subs[subs["parent"] == plan.adcode]
        items = [(r.adcode, r.name, "city", r.geometry, "admin") for r in subs.itertuples()]
    elif plan.adcode.endswith("00"):
        subs = geodata.counties()
        subs = subs[subs["parent"] == plan.adcode]
        items = [(r.adcode, r.name, "county", r.geometry, "admin") for r in subs.itertuples()]
    else:
        subs = geodata.townships()
        subs = subs[subs["county"] == plan.adcode]
        items = [(r.code, r.name, "township", r.geometry, r.precision) for r in subs.itertuples()]
    for code, sub, role, geom, prec in sorted(items):
        line, quote = _first_mention(sub, lines)
        note = ""
        if not line:
            line, quote, note = jline, jquote, "not named in the plan; a sub-unit of it"
        prec = prec if prec in PRECISIONS[:-1] else "derived"
        g = geometry.clean(geom, "point" if geom.geom_type == "Point" else "polygon")
        rows.append(_admin_row(plan, code, sub, role, g, prec, line, quote, note))
    return rows


def _admin_row(plan, code, name, role, geom, prec, line, quote, note) -> dict[str, Any]:
    return {
        "id": f"{plan.plan_id}:admin:{code}",
        "plan_id": plan.plan_id,
        "layer": "admin",
        "layout": "",
        "component": "",
        "role": role,
        "name": name,
        "precision": prec,
        "confidence": 1.0 if prec == "admin" else 0.5,
        "anchors": code,
        "source_line": line,
        "source_quote": quote,
        "provenance": "reference",
        "rule": "admin_boundary" if prec == "admin" else "point",
        "note": note,
        "area_km2": None,
        "geometry": geom,
    }
