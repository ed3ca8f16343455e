"""Placement: a feature spec and the gazetteer → a geometry with a precision class.

Each :class:`FeatureSpec` (a layout element or entity, before placement) has its anchor names
resolved against the gazetteer in the plan's jurisdiction scope; then a DESIGN §5 rule from
:mod:`atlas.placement.geometry`, chosen by the spec's role and what the anchors turned out to be
(polygons, lines, points, compass words, neighbours), makes the geometry. What no rule can place
comes back as ``precision=unresolved`` with the reason. docs/geometry.md lists the rules.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from enum import StrEnum

import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from atlas.model import PRECISIONS
from atlas.placement import geometry as geo
from atlas.placement.anchoring import (
    MIN_CONFIDENCE,
    NEAR_DEG,
    SEAT_WORDS,
    Context,
    FeatureSpec,
    Placed,
    resolve_anchors,
    township_cells,
)
from atlas.placement.anchoring import Anchor as _Anchor
from atlas.placement.context import compass_word

log = logging.getLogger(__name__)

RULE_CONFIDENCE = {"admin": 1.0, "surveyed": 0.9, "derived": 0.7, "schematic": 0.4}

AREA_ROLES = {"core", "cluster", "city", "zone", "wing", "district", "area", "park_area"}
BAND_ROLES = {"belt", "corridor", "ring", "barrier", "greenway"}
LINE_ROLES = {"river", "rail", "road", "reach", "pipeline", "route", "line", "flood_work"}
#: point roles of the park layer that show their zone's polygon when the gazetteer has one
ZONE_ROLES = {"dev_zone", "new_area", "park", "base", "zone"}
MARINE_WORDS = ("滨海", "沿海", "海岸", "海域", "海洋", "近海", "湾", "港", "海上")
NEIGHBOUR_RE = re.compile(
    r"([东西南北])(?:侧|面|边)(?:紧邻|毗邻|相邻|邻接|邻|临|靠|接)([^,，;；。、]+)"
)


def _worst(*precisions: str) -> str:
    """The least precise class of a located feature (an unknown class counts as derived)."""
    known = [p if p in PRECISIONS[:-1] else "derived" for p in precisions]
    return max(known, key=PRECISIONS.index)


def _near(p: Point, region: BaseGeometry, tol: float) -> bool:
    return region.covers(p) or region.distance(p) <= tol


def _is_marine(spec: FeatureSpec, anchors: Sequence[_Anchor]) -> bool:
    text = spec.name + spec.component + spec.definition
    if spec.role in ("port", "port_area", "bay", "sea_zone"):
        return True
    if any(a.place.level in ("coast", "sea", "bay", "port", "port_area") for a in anchors):
        return True
    return any(w in text for w in MARINE_WORDS)


def _is_admin_area(a: _Anchor) -> bool:
    """An anchor that is a whole county or city (or a township known only by its county)."""
    return a.polygon is not None and a.place.level in ("province", "city", "county")


def _usable_point(a: _Anchor, ctx: Context) -> bool:
    """A point anchor that is not the jurisdiction or one of its parents (锦州 in a 凌海 plan)."""
    code = a.place.code
    return not (code.isdigit() and ctx.adcode.startswith(code.rstrip("0")))


def _usable_area(a: _Anchor, ctx: Context) -> bool:
    """An area anchor that is not the jurisdiction itself or a parent of it."""
    if a.polygon is None:
        return False
    if a.place.code and ctx.adcode and ctx.adcode.startswith(a.place.code.rstrip("0")):
        return False  # the plan's own unit or its parent (锦州 in a 凌海 plan)
    j = ctx.jurisdiction
    inter = a.polygon.intersection(j)
    return not inter.is_empty and geo.area_km2(inter) > 0.01


def _placed(
    geom: BaseGeometry | None,
    precision: str,
    anchors: Sequence[_Anchor],
    rule: str,
    note: str = "",
) -> Placed:
    if geom is None or geom.is_empty:  # the rule's shape fell outside the clip region
        return _unresolved(f"{rule}: nothing left inside the jurisdiction", anchors)
    conf = RULE_CONFIDENCE.get(precision, 0.0)
    if anchors:
        conf *= min(a.place.confidence for a in anchors)
    return Placed(geom, precision, round(conf, 3), tuple(a.place.name for a in anchors), rule, note)


def _unresolved(reason: str, anchors: Sequence[_Anchor] = ()) -> Placed:
    return Placed(None, "unresolved", 0.0, tuple(a.name for a in anchors), "none", reason)


#: a coastal belt or zone of the economy (沿海产业带, 滨海经济带) lies on land along the coast;
#: only marine uses (海洋牧场, 港区, 湾) reach into the sea strip
_LAND_USE = re.compile(r"产业|经济|工业|农业|城镇|制造")
_SEA_USE = re.compile(r"海洋|海域|海上|港|湾|渔|养殖")


def _region(spec: FeatureSpec, anchors: Sequence[_Anchor], ctx: Context) -> BaseGeometry:
    if _is_marine(spec, anchors) and ctx.marine_region is not None:
        text = spec.name + spec.component
        land = spec.layer == "layout" and _LAND_USE.search(text) and not _SEA_USE.search(text)
        if not land:
            return ctx.marine_region
    return ctx.jurisdiction


def _compass_zone(spec: FeatureSpec, ctx: Context, word: str) -> BaseGeometry | None:
    words = ctx.siblings.get(spec.layout, ()) or (word,)
    if word not in words:
        words = (*words, word)
    key = ("compass", tuple(words))
    if key not in ctx.cache:  # one partition per layout, shared by its zones
        ctx.cache[key] = geo.compass_partition(ctx.jurisdiction, words, ctx.compass_origin)
    return ctx.cache[key].get(word)


def _disc_at(
    spec: FeatureSpec, lon: float, lat: float, region: BaseGeometry, ctx: Context
) -> BaseGeometry | None:
    r = geo.default_radius_m(spec.role, ctx.jurisdiction)
    return geo.clip(geo.disc(lon, lat, area_km2=spec.area_km2, radius_m=r), region, "polygon")


def _place_own_area(
    spec: FeatureSpec, anchors: list[_Anchor], ctx: Context, first_only: bool = True
) -> Placed | None:
    """The first place an element names: its own polygon, or a disc around its point.

    For a wing or park only the place the element *is* counts (its name or first anchor); the
    later anchors of its definition are neighbours and context.
    """
    region = _region(spec, anchors, ctx)
    own = {spec.name, *spec.anchors[:1]} if first_only else {a.name for a in anchors}
    for a in anchors:
        if a.line is not None or a.name not in own:
            continue
        if a.polygon is not None and _usable_area(a, ctx):
            g = geo.clip(a.polygon, region, "polygon")
            if g is not None:
                return _placed(g, _worst(a.place.precision), [a], "named_area")
        elif a.polygon is None and _near(a.point, ctx.jurisdiction, NEAR_DEG):
            g = _disc_at(spec, a.place.lon, a.place.lat, region, ctx)
            if g is not None:
                rule = "equal_area_disc" if spec.area_km2 else "default_disc"
                return _placed(g, _worst("derived", a.place.precision), [a], rule)
    return _place_beside(spec, ctx, region)


def _place_beside(spec: FeatureSpec, ctx: Context, region: BaseGeometry) -> Placed | None:
    """An area located only by its neighbours (西侧邻X, 南侧邻Y, 东侧邻Z)."""
    text = spec.definition or (spec.source.quote if spec.source else "")
    sides: list[tuple[str, Point]] = []
    used: list[_Anchor] = []
    for side, phrase in NEIGHBOUR_RE.findall(text):
        hits = ctx.gazetteer.find_in_text(phrase, ctx.adcode) if ctx.gazetteer else []
        pts = [p for _, _, p in hits if ctx.gazetteer.line(p.code) is None]
        if pts and pts[-1].confidence >= MIN_CONFIDENCE:
            p = pts[-1]  # 大辽河营口老港区: the last, most specific place of the phrase
            sides.append((side, Point(p.lon, p.lat)))
            used.append(_Anchor(p.name, p, None, None))
    if not sides:
        return None
    r = geo.default_radius_m(spec.role, ctx.jurisdiction)
    if spec.area_km2:
        r = (spec.area_km2 * 1e6 / 3.141592653589793) ** 0.5
    c = geo.beside(sides, r)
    if c is None:
        return None
    g = _disc_at(spec, c.x, c.y, region, ctx)
    if g is None:
        return None
    note = "placed beside its named neighbours: " + "、".join(
        f"{s}侧 {a.name}" for (s, _), a in zip(sides, used, strict=True)
    )
    return _placed(
        g, _worst("derived", *(a.place.precision for a in used)), used, "beside_neighbours", note
    )


def _partition_word(spec: FeatureSpec, ctx: Context) -> str:
    """The definition's compass word when the layout is split by compass words (≥ 2 zones)."""
    if spec.role not in ("zone", "area", "district") or len(ctx.siblings.get(spec.layout, ())) < 2:
        return ""
    return compass_word(spec)


def _place_ring_around(spec: FeatureSpec, anchors: list[_Anchor], ctx: Context) -> Placed | None:
    """环X区域: the jurisdiction's band along the edge of a neighbouring area X."""
    j = ctx.jurisdiction
    outside = [
        a
        for a in anchors
        if a.polygon is not None
        and not a.polygon.covers(j.representative_point())  # not the parent city
        and geo.area_km2(a.polygon.intersection(j)) < 0.5 * geo.area_km2(a.polygon)
    ]
    if not outside:
        return None
    others = geo.union_areas([a.polygon for a in outside])
    ring = geo.band(others.boundary, geo.WIDTHS_M["belt"])
    g = geo.clip(ring.difference(others) if ring is not None else None, j, "polygon")
    if g is None:
        return None
    prec = _worst("derived", *(a.place.precision for a in outside))
    return _placed(g, prec, outside, "ring_around", "band along the edge of its neighbour")


def _place_area(spec: FeatureSpec, anchors: list[_Anchor], ctx: Context) -> Placed:
    region = _region(spec, anchors, ctx)
    if spec.name.startswith("环"):
        ring = _place_ring_around(spec, anchors, ctx)
        if ring is not None:
            return ring
    areas = [a for a in anchors if _usable_area(a, ctx)]
    named = [a for a in areas if a.name not in SEAT_WORDS]
    if named and len(named) < len(areas):
        # 辽阳中心城区,以白塔区为核心: the unit it names delimits it, not the seat's district
        areas = named
    name_word = compass_word(spec, in_definition=False)
    if spec.role in TOWNSHIP_AREA_ROLES and not areas:
        towns = _township_area(spec, anchors, ctx, region)
        if towns is not None:  # the towns a zone names: their regions, before any wedge
            return towns
    if spec.role in ("wing", "park_area"):
        own = _place_own_area(spec, anchors, ctx)
        if own is not None:
            return own
    elif (word := name_word or _partition_word(spec, ctx)) and (not areas or not name_word):
        # a zone of a compass-partitioned layout (临空港区域: 在南部…) is its sector, even
        # when the definition also names a focus park inside it
        z = _compass_zone(spec, ctx, word)
        if z is not None:
            return _placed(z, "schematic", [], "compass_partition", f"direction {word}")
    if spec.role in ("wing", "park_area"):
        pass  # neighbours and context were tried by _place_own_area; next: its compass word
    elif areas:
        g = geo.clip(geo.union_areas([a.polygon for a in areas]), region, "polygon")
        if g is not None:
            # drawn as the units' boundary, but a planning element: derived, never admin
            prec = _worst("derived", *(a.place.precision for a in areas))
            return _placed(g, prec, areas, "union_of_areas")
    else:
        own = _place_own_area(spec, anchors, ctx, first_only=False)
        if own is not None:
            return own
    word = name_word or compass_word(spec)
    if word:
        z = _compass_zone(spec, ctx, word)
        if z is not None:
            if spec.role in ("wing", "core", "cluster", "park_area"):
                c = geo.inner_point(z)  # the disc stays inside the sector
                g = _disc_at(spec, c.x, c.y, region, ctx)
                return _placed(g, "schematic", [], "compass_disc", f"placed in the {word} sector")
            return _placed(z, "schematic", [], "compass_partition", f"direction {word}")
    lines = [a for a in anchors if a.line is not None]
    if lines:  # a zone organised along a river (以大凌河为中轴)
        return _place_band(spec, lines, ctx, role="belt")
    if spec.role == "core" and not anchors:
        c = ctx.origin
        g = _disc_at(spec, c.x, c.y, region, ctx)
        return _placed(g, "schematic", [], "centre_disc", "no place named; drawn at the centre")
    if anchors:
        names = "、".join(a.place.name for a in anchors)
        return _unresolved(
            f"its places ({names}) do not delimit it inside the jurisdiction", anchors
        )
    return _unresolved("no anchor place could be located", anchors)


#: area roles drawn from the township regions of the towns they name (片区, 板块, 组团)
TOWNSHIP_AREA_ROLES = frozenset({"zone", "cluster", "district", "area"})


def _township_area(
    spec: FeatureSpec, anchors: list[_Anchor], ctx: Context, region: BaseGeometry
) -> Placed | None:
    """A zone made of the towns it names: the union of their township regions (Voronoi cells
    of the town points inside their county; ``schematic``)."""
    cells = township_cells()
    towns = [a for a in anchors if a.place.level == "township" and a.place.code in cells]
    if not towns:
        return None
    g = geo.clip(geo.union_areas([cells[a.place.code][1] for a in towns]), region, "polygon")
    if g is None:
        return None
    return _placed(g, "schematic", towns, "union_of_townships", "township regions (Voronoi)")


def _coast_belt(ctx: Context, region: BaseGeometry) -> BaseGeometry | None:
    """The coastal band of a plan (computed once per plan: 滨海 belts all share it)."""
    key = ("coast_belt", id(region))
    if key not in ctx.cache:
        coast = None
        if ctx.coast is not None and ctx.marine_region is not None:
            coast = geo.clip(ctx.coast, ctx.marine_region, "line")
        ctx.cache[key] = (
            geo.belt(coast, region, geo.WIDTHS_M["coast_belt"]) if coast is not None else None
        )
    return ctx.cache[key]


def _place_band(
    spec: FeatureSpec, anchors: list[_Anchor], ctx: Context, role: str | None = None
) -> Placed:
    role = role or spec.role
    lines = [a for a in anchors if a.line is not None]
    text = spec.name + spec.definition
    coastal = any(w in text for w in ("滨海", "沿海", "海岸")) or any(
        a.place.level == "coast" for a in anchors
    )
    region = _region(spec, anchors, ctx)
    if lines:
        parts = [geo.band(a.line, geo.WIDTHS_M.get(role, geo.WIDTHS_M["belt"])) for a in lines]
        g = geo.clip(geo.union_areas([p for p in parts if p is not None]), region, "polygon")
        if g is not None:
            prec = _worst("derived", *(a.place.precision for a in lines))
            return _placed(g, prec, lines, f"buffer_{role}")
    if coastal:
        g = _coast_belt(ctx, region)
        if g is not None:
            return _placed(g, "derived", [], "buffer_coast", "along the coastline")
    pts = [a for a in anchors if a.line is None and _usable_point(a, ctx)]
    if len(pts) >= 2:  # a range or chain of named places (松岭—医巫闾山)
        line = LineString([(a.place.lon, a.place.lat) for a in pts])
        g = geo.belt(line, region, None, role)
        if g is not None:
            prec = _worst("derived", *(a.place.precision for a in pts))
            return _placed(g, prec, pts, f"buffer_{role}_through_places")
    areas = [a for a in anchors if _usable_area(a, ctx)]
    if areas:
        g = geo.clip(geo.union_areas([a.polygon for a in areas]), region, "polygon")
        if g is not None:
            return _placed(
                g, _worst("derived", *(a.place.precision for a in areas)), areas, "union_of_areas"
            )
    word = compass_word(spec)
    if word:
        z = _compass_zone(spec, ctx, word)
        if z is not None:
            return _placed(z, "schematic", [], "compass_partition", f"direction {word}")
    return _unresolved("no anchoring line (river, coast, road, rail) could be located")


def _place_axis(spec: FeatureSpec, anchors: list[_Anchor], ctx: Context) -> Placed:
    pts = [a for a in anchors if a.line is None]
    lines = [a for a in anchors if a.line is not None]
    if len(pts) < 2 and lines:
        # an axis along a named road or railway (沿国道304线): the line itself
        g = geo.clip(lines[0].line, ctx.jurisdiction, "line")
        if g is not None:
            return _placed(
                g, _worst("derived", lines[0].place.precision), lines[:1], "axis_along_line"
            )
    if not pts:
        return _unresolved("an axis needs named places; none could be located", anchors)
    origin = ctx.origin
    line, followed, beyond = geo.corridor_axis(
        [(a.place.lon, a.place.lat) for a in pts],
        (origin.x, origin.y),
        ctx.jurisdiction,
        ctx.corridors,
    )
    if line is None:
        return _unresolved("an axis needs two distinct places", pts)
    note = ("→" + "、".join(pts[i].place.name for i in beyond)) if beyond else ""
    if beyond and not followed:
        # no railway or road leads there in the reference data: a diagram of the direction
        return _placed(line, "schematic", pts, "axis_schematic", note)
    prec = _worst("derived", *(a.place.precision for a in pts))
    return _placed(
        line, prec, pts, "axis_along_corridor" if beyond else "axis_through_places", note
    )


def _place_point(spec: FeatureSpec, anchors: list[_Anchor], ctx: Context) -> Placed:
    region = _region(spec, anchors, ctx)
    # "somewhere in the plan's own territory" is no location: skip the jurisdiction itself
    cands = [
        a
        for a in anchors
        if a.place.code != ctx.adcode and _usable_point(a, ctx) and _near(a.point, region, NEAR_DEG)
    ]
    if not cands:
        return _unresolved("no anchor place inside the jurisdiction could be located", anchors)
    # the most specific place first: a town, station or zone before the county it lies in
    cands.sort(key=lambda a: _is_admin_area(a))
    a = cands[0]
    if _is_admin_area(a):
        # known only to lie somewhere in a county or city: its extent, never a point at the seat
        g = geo.clip(a.polygon, region, "polygon")
        if g is None:
            return _unresolved("its county lies outside the jurisdiction", anchors)
        note = (
            a.place.note
            if "has no trustworthy point" in a.place.note
            else f"only its county or city is known: {a.place.name}"
        )
        return _placed(g, "schematic", [a], "county_extent", note)
    if (
        spec.layer == "park"
        and spec.role in ZONE_ROLES
        and a.place.level == "zone"
        and (_usable_area(a, ctx))
    ):
        g = geo.clip(a.polygon, region, "polygon")
        if g is not None:  # the development zone's own outline
            return _placed(g, _worst(a.place.precision), [a], "named_area")
    # a point standing for a polygon (an admin unit's interior point) is derived, not surveyed
    prec = _worst("derived", a.place.precision) if a.polygon is not None else a.place.precision
    prec = prec if prec in PRECISIONS[:-1] else "derived"
    if spec.area_km2:
        g = geo.clip(geo.disc(a.place.lon, a.place.lat, area_km2=spec.area_km2), region, "polygon")
        return _placed(g, _worst("derived", prec), [a], "equal_area_disc")
    return _placed(a.point, prec, [a], "point")


def _endpoint(e: _Anchor | None, river: BaseGeometry) -> Point | None:
    """Where a reach endpoint meets the river: a crossing road/rail cuts it where they cross."""
    if e is None:
        return None
    if e.line is None:
        return e.point
    cross = e.line.intersection(river)
    if not cross.is_empty:
        return shapely.get_parts(cross)[0].representative_point()
    return nearest_points(river, e.line)[0]


def _place_line(spec: FeatureSpec, anchors: list[_Anchor], ctx: Context) -> Placed:
    lines = [a for a in anchors if a.line is not None]
    region = _region(spec, anchors, ctx)
    watery = spec.layer == "water" or spec.role in ("reach", "flood_work")
    if watery:  # a water work follows its river, not the railway its reach ends at
        named = spec.attr("river")
        if named:
            lines = [a for a in resolve_anchors([named], ctx)[0] if a.line is not None] + lines
        lines = [a for a in lines if a.place.level == "river"]
    if not lines:
        if spec.role == "reach":
            return _unresolved("the river of this reach could not be located", anchors)
        return _place_point(spec, anchors, ctx)
    a = lines[0]
    if watery and (spec.attr("from") or spec.attr("to")):
        ends, _ = resolve_anchors([spec.attr("from"), spec.attr("to")], ctx)
        by = {e.name: e for e in ends}
        start = by.get(spec.attr("from"))
        end = by.get(spec.attr("to"))
        if start is not None or end is not None:
            g = geo.reach(a.line, _endpoint(start, a.line), _endpoint(end, a.line))
            edge = ctx.near if ctx.near is not None else region
            g = geo.clip(g, edge, "line") if g is not None else None
            if g is not None:
                used = [a, *(e for e in (start, end) if e is not None)]
                note = "" if start and end else "one endpoint not located; cut at the line end"
                return _placed(g, _worst("derived", a.place.precision), used, "reach_cut", note)
    units = [u for u in anchors if _usable_area(u, ctx) and u.place.level != "river"]
    if watery and units and "段" in spec.name:
        # 绕阳河黑山县段: the river within the named unit
        g = geo.clip(a.line, geo.union_areas([u.polygon for u in units]), "line")
        if g is not None:
            prec = _worst("derived", a.place.precision)
            return _placed(g, prec, [a, *units], "reach_in_unit")
    g = geo.clip(a.line, region, "line")
    if g is None:
        return _unresolved(f"{a.name} does not cross the jurisdiction", [a])
    prec = a.place.precision if spec.role != "reach" else _worst("derived", a.place.precision)
    note = "the whole line within the jurisdiction" if spec.role in ("reach", "flood_work") else ""
    return _placed(g, prec if prec in PRECISIONS[:-1] else "derived", [a], "line_clip", note)


class Family(StrEnum):
    """How a role is drawn (DESIGN §5): the one table from role to placement rule."""

    AREA = "area"  # cores, clusters, zones, wings: polygons of what they name, else discs
    BAND = "band"  # belts, corridors, rings: buffers along a line, clipped
    AXIS = "axis"  # axes: lines through the places they name, in order
    LINE = "line"  # rivers, rail, roads, reaches: the named line (or the part between ends)
    POINT = "point"  # nodes, parks, ports, stations, projects: a point (a disc with an area)


#: role → family; any role not listed is a point (parks, ports, stations, projects …)
ROLE_FAMILY: dict[str, Family] = {
    **{r: Family.AREA for r in AREA_ROLES},
    **{r: Family.BAND for r in BAND_ROLES},
    "axis": Family.AXIS,
    **{r: Family.LINE for r in LINE_ROLES},
}


def family(role: str) -> Family:
    """The placement family of a role (:data:`ROLE_FAMILY`, default :attr:`Family.POINT`)."""
    return ROLE_FAMILY.get(role, Family.POINT)


RULES: dict[Family, Callable[[FeatureSpec, list[_Anchor], Context], Placed]] = {
    Family.AREA: _place_area,
    Family.BAND: _place_band,
    Family.AXIS: _place_axis,
    Family.LINE: _place_line,
    Family.POINT: _place_point,
}


def place(spec: FeatureSpec, ctx: Context) -> Placed:
    """Turn a spec into a geometry with a precision class (DESIGN §5 rules)."""
    if not spec.resolved:
        return _unresolved(spec.reason or "named but never defined in the plan")
    names = list(spec.anchors) or ([spec.name] if spec.layer != "layout" else [])
    if spec.layer == "layout" and not spec.anchors and spec.name and spec.name != spec.component:
        names = [spec.name]
    # a reviewer's anchors are vetted: keep places outside 辽宁 (北京 in 京沈) a look-up ranks low
    floor = 0.0 if spec.provenance == "curated" else None
    anchors, missing = resolve_anchors(names, ctx, floor)
    if spec.layer != "layout" and spec.name not in names:
        # an entity that is itself a gazetteer place (大有经济开发区) is located by its own name
        own, _ = resolve_anchors([spec.name], ctx, floor, split_compounds=False)
        anchors = own + [a for a in anchors if a.place.code not in {o.place.code for o in own}]
    out = RULES[family(spec.role)](spec, anchors, ctx)
    if out.precision == "unresolved" and missing:
        note = f"{out.note}; not in the gazetteer: {'、'.join(missing)}"
        out = Placed(None, "unresolved", 0.0, out.anchors, out.rule, note)
    g = out.geometry
    if spec.area_km2 and g is not None and g.geom_type.endswith("Polygon"):
        inside = geo.area_km2(g)
        if inside < 0.9 * spec.area_km2:  # say so when the clip cut a stated area
            cut = f"{spec.area_km2:g} km² stated, {inside:.2f} km² inside the jurisdiction"
            note = f"{out.note}; {cut}" if out.note else cut
            out = Placed(g, out.precision, out.confidence, out.anchors, out.rule, note)
    if spec.precision and out.geometry is not None:
        out = Placed(out.geometry, spec.precision, out.confidence, out.anchors, out.rule, out.note)
    return _honest(out)


def _drawn(rule: str) -> bool:
    """A rule whose shape is drawn by a convention (a disc, a buffer, a band, a sector)."""
    return (
        rule.startswith("buffer") or "disc" in rule or rule in ("ring_around", "compass_partition")
    )


def _honest(out: Placed) -> Placed:
    """Precision that claims no more than the rule made: ``admin`` belongs to the admin layer
    only (a planning element drawn as a district's boundary is derived from it), and a disc
    or a buffer is never ``surveyed``."""
    prec = out.precision
    if prec == "admin":
        prec = "derived"
    if prec == "surveyed" and _drawn(out.rule):
        prec = "derived"
    if prec == out.precision:
        return out
    return Placed(out.geometry, prec, out.confidence, out.anchors, out.rule, out.note)


# --- zones of one layout form a partition -------------------------------------------------------

#: which zone keeps a contested area: named places first, then lines (rings, belts), then the
#: schematic compass sectors, which are carved by everything more specific
_ZONE_PRIORITY = {
    "named_area": 0,
    "union_of_areas": 0,
    "union_of_townships": 0,
    "equal_area_disc": 1,
    "default_disc": 1,
    "ring_around": 2,
    "compass_disc": 3,
    "compass_partition": 4,
}


def partition_zones(specs: Sequence[FeatureSpec], placed: list[Placed]) -> list[Placed]:
    """Make the zones (片区/板块/区) of each layout a partition: where two overlap, the more
    specific keeps the area (named places, then rings and belts, then compass sectors; the
    smaller first among equals) and the other is cut. Returns the placements in order."""
    out = list(placed)
    by_layout: dict[str, list[int]] = {}
    for i, (spec, pl) in enumerate(zip(specs, placed, strict=True)):
        g = pl.geometry
        area = g is not None and g.geom_type in ("Polygon", "MultiPolygon")
        if spec.layer == "layout" and spec.role == "zone" and area:
            by_layout.setdefault(spec.layout, []).append(i)
    for idx in by_layout.values():
        if len(idx) < 2:
            continue
        order = sorted(
            idx,
            key=lambda i: (
                _ZONE_PRIORITY.get(out[i].rule, 2 if out[i].rule.startswith("buffer") else 1),
                geo.area_km2(out[i].geometry),
            ),
        )
        taken: BaseGeometry | None = None
        for i in order:
            pl = out[i]
            g = pl.geometry
            if taken is not None and g.intersects(taken):
                cut = geo.clean(g.difference(taken), "polygon")
                if cut is None or geo.area_km2(cut) < 0.05 * geo.area_km2(g):
                    note = "inside a more specific zone of the same layout; kept whole"
                    out[i] = replace(pl, note=f"{pl.note}; {note}" if pl.note else note)
                    continue
                note = "cut where a more specific zone of the same layout lies"
                out[i] = replace(pl, geometry=cut, note=f"{pl.note}; {note}" if pl.note else note)
                g = cut
            taken = g if taken is None else shapely.union_all([taken, g])
    return out
