"""The ground a plan is placed on: jurisdiction, marine region, near band, main centre.

:func:`plan_context` builds the :class:`~atlas.placement.anchoring.Context` that every placement
rule reads. The ground of an adcode is computed once per gazetteer (a city's plan and its work
report share it); the coast and sea come from the reference data.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from atlas.errors import AtlasError, InputError
from atlas.model import PlanInfo
from atlas.placement import geometry
from atlas.placement.anchoring import NEAR_DEG, Context, FeatureSpec
from atlas.places import geodata

log = logging.getLogger(__name__)

COMPASS_RE = re.compile(r"(中?(?:东北|西北|东南|西南|东|西|南|北)|中)(?:部|翼|侧)")


def compass_word(spec: FeatureSpec, *, in_definition: bool = True) -> str:
    """The compass word a layout element is named by (南翼 → 南部), or ``""``."""
    m = COMPASS_RE.search(spec.component + spec.name) or (
        COMPASS_RE.search(spec.definition) if in_definition else None
    )
    if not m:
        return ""
    return m.group(1) + "部"


@lru_cache(maxsize=1)
def coast_sea() -> tuple[BaseGeometry | None, BaseGeometry | None]:
    """The coastline and sea polygons as single geometries (``None`` when the layer is absent).

    These layers are optional reference data: a missing or unreadable file degrades marine
    placement (logged), it does not stop the build.
    """

    def union(loader) -> BaseGeometry | None:
        try:
            gdf = loader()
        except (AtlasError, OSError, ValueError) as exc:
            log.warning("reference layer unavailable: %s", exc)
            return None
        geoms = [g for g in gdf.geometry if g is not None and not g.is_empty]
        return shapely.union_all(geoms) if geoms else None

    return union(geodata.coast), union(geodata.sea)


def _seats(adcode: str) -> list[Point]:
    """Seats of the sub-units: counties of a city, townships of a county-level unit."""
    if adcode.endswith("00"):
        u = geodata.units()
        u = u[u["parent"] == adcode]
        return [Point(x, y) for x, y in zip(u["lon"], u["lat"], strict=True)]
    t = geodata.townships()
    return list(t.loc[t["county"] == adcode, "geometry"])


#: adcode → (gazetteer it came from, jurisdiction, marine region, near band, main centre)
_GROUNDS: dict[str, tuple[Any, BaseGeometry, BaseGeometry, BaseGeometry, Point]] = {}


def ground(gazetteer: Any, plan: PlanInfo) -> tuple[BaseGeometry, ...]:
    """Jurisdiction, marine region, near band and main centre of a plan's adcode (cached per
    gazetteer: a city's plan and its work report share them)."""
    key = plan.adcode
    if key not in _GROUNDS or _GROUNDS[key][0] is not gazetteer:
        juris = gazetteer.polygon(plan.adcode)
        if juris is None:
            raise InputError(f"{plan.plan_id}: no boundary for jurisdiction {plan.adcode}")
        juris = geometry.clean(juris, "polygon")
        coast, sea = coast_sea()
        marine = juris
        if coast is not None and geometry.distance_m(juris, coast) < geometry.SEA_BUFFER_M:
            marine = geometry.clip_region(juris, marine=True, sea=sea)
        near = geometry.clean(juris.simplify(0.002).buffer(NEAR_DEG, quad_segs=2), "polygon")
        # prepared geometries make the many covers/intersects tests of placement cheap
        for g in (juris, marine):
            shapely.prepare(g)
        centre = geometry.main_centre(juris, _seats(plan.adcode))
        _GROUNDS[key] = (gazetteer, juris, marine, near, centre)
    return _GROUNDS[key][1:]


def plan_context(plan: PlanInfo, gazetteer: Any, specs: Sequence[FeatureSpec] = ()) -> Context:
    """The ground a plan is placed on: jurisdiction polygon, coast, sea, compass siblings."""
    if not plan.adcode:
        raise InputError(
            f"{plan.plan_id}: cannot tell which place the plan covers (no jurisdiction found)"
        )
    juris, marine, near, centre = ground(gazetteer, plan)
    coast, sea = coast_sea()
    siblings: dict[str, list[str]] = {}
    for s in specs:
        if s.layer == "layout" and s.resolved:
            w = compass_word(s)
            if w and w not in siblings.setdefault(s.layout, []):
                siblings[s.layout].append(w)
    return Context(
        centre=centre,
        near=near,
        plan_id=plan.plan_id,
        adcode=plan.adcode,
        jurisdiction=juris,
        gazetteer=gazetteer,
        coast=coast,
        sea=sea,
        marine_region=marine,
        siblings={k: tuple(v) for k, v in siblings.items()},
        corridors=corridors(),
    )


@lru_cache(maxsize=1)
def corridors() -> tuple[BaseGeometry, ...]:
    """Railways and roads (metric CRS) that axes follow where they serve the places named."""
    lines = [*geodata.rail().geometry, *geodata.roads().geometry]
    return tuple(geometry.to_metric(g) for g in lines if g is not None and not g.is_empty)
