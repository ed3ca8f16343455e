"""Anchoring: the placement data types and resolving a feature's anchor names to places.

A :class:`FeatureSpec` names its anchors as the plan writes them (锦州港, 锦-阜-盘, 凌海市小凌河);
:func:`resolve_anchors` looks them up in the gazetteer within the plan's jurisdiction scope and
returns the places with their cleaned polygons/lines, and the names it could not resolve.
:mod:`atlas.placement.rules` turns resolved anchors into geometry.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from atlas.model import Place, SourceSpan
from atlas.placement import geometry as geo

#: gazetteer candidates below this confidence are not used (a same-named place elsewhere in
#: China, e.g. 老城 → 洛阳老城区, scores 0.38)
MIN_CONFIDENCE = 0.4
#: a point anchor this close to the jurisdiction (degrees, ~2 km) still counts as inside: seats
#: and ports on a boundary river or coast sit a little off the simplified outline
NEAR_DEG = 0.02


@dataclass(frozen=True)
class FeatureSpec:
    """One thing to map: a layout element or an entity, before placement.

    ``resolved=False`` means the plan names it but never defines it. ``precision`` forces a
    precision class (curated specs only).
    """

    plan_id: str
    layer: str
    role: str
    name: str
    source: SourceSpan | None
    layout: str = ""
    component: str = ""
    anchors: tuple[str, ...] = ()
    definition: str = ""
    area_km2: float | None = None
    attrs: tuple[tuple[str, str], ...] = ()
    resolved: bool = True
    reason: str = ""
    provenance: str = "extracted"
    precision: str = ""

    def attr(self, key: str, default: str = "") -> str:
        return dict(self.attrs).get(key, default)


@dataclass(frozen=True)
class Context:
    """What placement needs to know about a plan's ground (WGS-84 geometries)."""

    plan_id: str
    adcode: str
    jurisdiction: BaseGeometry
    gazetteer: Any  # atlas.places.gazetteer.Gazetteer (duck-typed: geocode, polygon, line)
    coast: BaseGeometry | None = None
    sea: BaseGeometry | None = None
    marine_region: BaseGeometry | None = None
    siblings: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    centre: Point | None = None  # where schematic items are drawn from (geometry.main_centre)
    near: BaseGeometry | None = None  # jurisdiction + NEAR_DEG, for reaches ending at the edge
    #: railways and roads (metric CRS) that axes follow where they serve the places named
    corridors: tuple[BaseGeometry, ...] = field(default=(), compare=False, repr=False)
    cache: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def origin(self) -> Point:
        """Where a core without a named place is drawn: the main centre (seat cluster)."""
        return self.centre if self.centre is not None else geo.centre(self.jurisdiction)

    @property
    def compass_origin(self) -> Point:
        """Centre of the compass partition: the centroid (DESIGN §5), or for a multi-part
        jurisdiction (an urban core plus an exclave) the main centre of its seat cluster."""
        if self.jurisdiction.geom_type == "Polygon" or self.centre is None:
            return geo.centre(self.jurisdiction)
        return self.centre


@dataclass(frozen=True)
class Placed:
    """A spec's placement: geometry (None when unresolved) and how it was made."""

    geometry: BaseGeometry | None
    precision: str
    confidence: float
    anchors: tuple[str, ...]
    rule: str
    note: str = ""


@dataclass(frozen=True)
class Anchor:
    """A resolved anchor: the name as written, its gazetteer place and cleaned geometries."""

    name: str
    place: Place
    polygon: BaseGeometry | None
    line: BaseGeometry | None

    @property
    def point(self) -> Point:
        return Point(self.place.lon, self.place.lat)


@lru_cache(maxsize=1)
def _city_names() -> tuple[str, ...]:
    from atlas.places import geodata

    return tuple(geodata.cities()["name"])


def expand_abbreviation(name: str) -> str:
    """One-character city abbreviations of axis chains (锦-阜-盘): the 辽宁 city it starts.

    Returns the full name when exactly one prefecture city of 辽宁 starts with the character
    (锦 → 锦州市, 阜 → 阜新市, 盘 → 盘锦市, 朝 → 朝阳市), else ``name`` unchanged.
    """
    if len(name) != 1:
        return name
    hits = [c for c in _city_names() if c.startswith(name)]
    return hits[0] if len(hits) == 1 else name


def _geoms(gaz: Any, code: str, ctx: Context) -> tuple[BaseGeometry | None, BaseGeometry | None]:
    """A gazetteer place's cleaned polygon and line (cleaned once per plan: they never change)."""
    key = ("geoms", code)
    if key not in ctx.cache:
        ctx.cache[key] = (
            geo.clean(gaz.polygon(code), "polygon"),
            geo.clean(gaz.line(code), "line"),
        )
    return ctx.cache[key]


#: words for the plan's own seat: a county's seat town, a city's central district
SEAT_WORDS = frozenset({"县城", "主城区", "中心城区", "城区", "市区", "老城区"})


@lru_cache(maxsize=1)
def township_cells() -> dict[str, tuple[str, BaseGeometry]]:
    """Township code → (county code, schematic township region), read once per process; the
    seat resolver here and the zone rule of :mod:`atlas.placement.rules` share it."""
    from atlas.places import geodata

    r = geodata.township_regions()
    return {c: (k, g) for c, k, g in zip(r["code"], r["county"], r.geometry, strict=True)}


def _seat_anchor(name: str, ctx: Context) -> Anchor | None:
    """县城/主城区/中心城区 of the plan's own unit: the township region (county) or the district
    (city) that holds the unit's urban centre; ``schematic`` (a region, not a surveyed extent)."""
    gaz = ctx.gazetteer
    if ctx.adcode not in gaz:
        return None
    unit = gaz.get(ctx.adcode)
    centre = Point(unit.lon, unit.lat)
    if ctx.adcode.endswith("00"):
        from atlas.places import geodata

        subs = geodata.counties()
        subs = subs[subs["parent"] == ctx.adcode]
        hits = [
            (c, g) for c, g in zip(subs["adcode"], subs.geometry, strict=True) if g.covers(centre)
        ]
    else:
        cells = township_cells().items()
        hits = [(c, g) for c, (county, g) in cells if county == ctx.adcode and g.covers(centre)]
    if not hits or hits[0][0] not in gaz:
        return None
    code, geom = hits[0]
    place = replace(
        gaz.get(code),
        precision="schematic",
        confidence=0.8,
        note=f"{name} of {unit.name}: the unit holding its urban centre",
    )
    return Anchor(name, place, geo.clean(geom, "polygon"), None)


def resolve_anchors(
    names: Iterable[str],
    ctx: Context,
    min_confidence: float | None = None,
    split_compounds: bool = True,
) -> tuple[list[Anchor], list[str]]:
    """Resolve names against the gazetteer (jurisdiction scope first): (found, missing)."""
    found: list[Anchor] = []
    missing: list[str] = []
    seen: set[str] = set()
    gaz = ctx.gazetteer
    for name in names:
        if not name or name in seen:
            continue
        seen.add(name)
        if name in SEAT_WORDS and gaz is not None:
            seat = _seat_anchor(name, ctx)
            if seat is not None:
                found.append(seat)
                continue
        floor = MIN_CONFIDENCE if min_confidence is None else min_confidence
        full = expand_abbreviation(name)
        cands = gaz.geocode(full, scope=ctx.adcode) if gaz is not None else []
        if cands and cands[0].confidence >= floor:
            hits = [cands[0]]
        elif split_compounds and gaz is not None and hasattr(gaz, "find_in_text"):
            # a compound the extractor kept whole (凌海市小凌河, 绕阳河黑山县): the known places
            # inside it, most specific (last) first
            hits = [p for _, _, p in gaz.find_in_text(name, ctx.adcode) if p.confidence >= floor]
            hits = [p for p in reversed(hits) if p.code != ctx.adcode]
        else:
            hits = []
        if not hits:
            missing.append(name)
            continue
        for p in hits:
            if math.isnan(p.lon) and p.parent in gaz:
                # a township no source places: the feature is known only to lie in its county
                county = gaz.get(p.parent)
                p = replace(
                    county,
                    precision="schematic",
                    confidence=p.confidence,
                    note=f"{p.name} has no trustworthy point, drawn as its county {county.name}",
                )
            found.append(Anchor(name, p, *_geoms(gaz, p.code, ctx)))
    return found, missing
