"""Planning-diagram geometry rules (DESIGN §5) as plain functions over shapely geometries.

Every function takes and returns WGS-84 (lon/lat) geometries; buffers, discs, extensions and
partitions are computed in a local equal-area metric CRS (Albers, centred on Liaoning) because
EPSG:4326 degrees are not metres. Results are always valid (``make_valid``) and, where a rule
says so, clipped to the jurisdiction. Widths and the choice of rules are documented in
docs/geometry.md; the defaults live in :data:`WIDTHS_M` so a reader can find them in one place.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pyproj
import shapely
from shapely import affinity
from shapely.geometry import LineString, MultiLineString, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import linemerge, polylabel, substring

#: local Albers equal-area CRS for Liaoning: areas exact, distances within ~1 % over the province
METRIC_CRS = "+proj=aea +lat_1=39 +lat_2=43 +lat_0=41 +lon_0=122 +datum=WGS84 +units=m +no_defs"

#: half-widths (buffer distance, metres) of the corridor-like roles; see docs/geometry.md
WIDTHS_M: dict[str, float] = {
    "belt": 5000.0,  # 带: an economic/ecological band, ~10 km wide on plan diagrams
    "coast_belt": 6000.0,  # 滨海/沿海 带: land side + near-shore sea
    "corridor": 2000.0,  # 廊/廊道/脉: a green/blue corridor along a river or road
    "ring": 1000.0,  # 环: a ring road drawn as a narrow band
    "reach": 500.0,  # a river reach's works corridor (only used when a band is asked for)
}

#: default radii (metres) for discs when no area is stated
DISC_RADIUS_M: dict[str, float] = {
    "core": 4000.0,
    "cluster": 2500.0,
    "wing": 2000.0,
    "zone": 3000.0,
    "park": 1000.0,
    "node": 0.0,  # nodes stay points
}

_DISC_QUAD_SEGS = 16

#: sea strip added to a jurisdiction for marine items (ports, bays, sea zones), metres
SEA_BUFFER_M = 20000.0

#: compass words → bearing in degrees, counter-clockwise from east (math convention)
COMPASS: dict[str, float] = {
    "东": 0.0,
    "东北": 45.0,
    "北": 90.0,
    "西北": 135.0,
    "西": 180.0,
    "西南": 225.0,
    "南": 270.0,
    "东南": 315.0,
}

#: widest sector a single compass zone may take on either side of its bearing (degrees)
MAX_HALF_SECTOR = 67.5

#: share of the jurisdiction's size (about its centre) treated as 中部 / the inner part of 中X部
INNER_SCALE = 0.5


@lru_cache(maxsize=1)
def _transformers() -> tuple[pyproj.Transformer, pyproj.Transformer]:
    fwd = pyproj.Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
    inv = pyproj.Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)
    return fwd, inv


def to_metric(geom: BaseGeometry) -> BaseGeometry:
    """Project a WGS-84 geometry into the local metric CRS (:data:`METRIC_CRS`)."""
    fwd, _ = _transformers()
    return shapely.transform(geom, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))


def to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    """Project a metric-CRS geometry back to WGS-84 lon/lat."""
    _, inv = _transformers()
    return shapely.transform(geom, lambda xy: np.column_stack(inv.transform(xy[:, 0], xy[:, 1])))


def clean(geom: BaseGeometry | None, kind: str | None = None) -> BaseGeometry | None:
    """Return a valid geometry, keeping only parts of ``kind`` ("polygon", "line", "point").

    ``make_valid`` can turn a polygon with a bow-tie into a collection with stray lines; a zone
    must stay polygonal, so the other parts are dropped. Empty results become ``None``.
    """
    if geom is None or geom.is_empty:
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if kind is not None:
        wanted = {
            "polygon": (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON),
            "line": (shapely.GeometryType.LINESTRING, shapely.GeometryType.MULTILINESTRING),
            "point": (shapely.GeometryType.POINT, shapely.GeometryType.MULTIPOINT),
        }[kind]
        parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) in wanted]
        if not parts:
            return None
        geom = shapely.union_all(parts) if len(parts) > 1 else parts[0]
        if kind == "line" and geom.geom_type == "MultiLineString":
            geom = shapely.line_merge(geom)
    return None if geom.is_empty else geom


def area_km2(geom: BaseGeometry) -> float:
    """Area of a WGS-84 geometry in km² (equal-area projection)."""
    return to_metric(geom).area / 1e6


def distance_m(a: BaseGeometry, b: BaseGeometry) -> float:
    """Distance in metres between two WGS-84 geometries."""
    return to_metric(a).distance(to_metric(b))


def centre(geom: BaseGeometry) -> Point:
    """A point that represents ``geom`` and lies on it: centroid if inside, else a surface point.

    Multi-part jurisdictions (an urban district with an exclave) have centroids between their
    parts; the centre is then taken on the largest part.
    """
    if geom.geom_type == "MultiPolygon":
        geom = max(geom.geoms, key=lambda g: to_metric(g).area)
    c = geom.centroid
    return c if geom.contains(c) else geom.representative_point()


def inner_point(geom: BaseGeometry) -> Point:
    """The point of a polygon farthest from its edges (pole of inaccessibility, metric CRS).

    A disc drawn there stays inside the polygon as far as the polygon allows, unlike one at the
    centroid of a thin or bent sector.
    """
    gm = to_metric(geom)
    if gm.geom_type == "MultiPolygon":
        gm = max(gm.geoms, key=lambda g: g.area)
    tol = max(1.0, math.sqrt(gm.area) / 200)
    return to_wgs84(polylabel(gm, tolerance=tol))


def main_centre(jurisdiction: BaseGeometry, seats: Sequence[Point] = ()) -> Point:
    """The centre a plan's schematic items are drawn from: the seat cluster, else the centre.

    Sub-unit seats (街道/乡镇 of a district, counties of a city) mark where the jurisdiction
    lives: of a multi-part district (an urban core plus an exclave) the part holding most seats
    is the main one, and the seats' mean is its centre when that lies inside.
    """
    if not seats:
        return centre(jurisdiction)
    parts = list(shapely.get_parts(jurisdiction))
    counts = [sum(1 for s in seats if p.covers(s)) for p in parts]
    if max(counts) == 0:
        return centre(jurisdiction)
    main = parts[counts.index(max(counts))]
    inside = [s for s in seats if main.covers(s)]
    m = to_wgs84(Point(np.mean([to_metric(s).coords[0] for s in inside], axis=0)))
    return m if main.covers(m) else centre(main)


def beside(neighbours: Sequence[tuple[str, Point]], radius_m: float) -> Point | None:
    """Centre of an area described by its neighbours (西侧邻X, 南侧邻Y ...).

    A neighbour on the west side puts the area's centre ``radius_m`` east of that neighbour,
    and so on; the estimates from all neighbours are averaged (metric CRS).
    """
    est = []
    for side, p in neighbours:
        b = COMPASS.get(side)
        if b is None:
            continue
        x, y = to_metric(p).coords[0]
        t = math.radians(b)
        est.append((x - radius_m * math.cos(t), y - radius_m * math.sin(t)))
    if not est:
        return None
    return to_wgs84(Point(np.mean(est, axis=0)))


def disc(lon: float, lat: float, *, area_km2: float | None = None, radius_m: float = 0) -> Polygon:
    """A disc around (lon, lat) of the given area (equal-area), or of ``radius_m``."""
    n = 4 * _DISC_QUAD_SEGS  # vertices of the polygonal disc
    if area_km2 is not None and area_km2 > 0:
        # radius of the regular n-gon with this area (a circle's radius would fall ~0.2 % short)
        radius_m = math.sqrt(area_km2 * 1e6 / (n / 2 * math.sin(2 * math.pi / n)))
    if radius_m <= 0:
        raise ValueError("disc needs a positive area or radius")
    centre_m = to_metric(Point(lon, lat))
    return to_wgs84(centre_m.buffer(radius_m, quad_segs=_DISC_QUAD_SEGS))


def clip_region(
    jurisdiction: BaseGeometry, *, marine: bool = False, sea: BaseGeometry | None = None
) -> BaseGeometry:
    """The area a plan's features are clipped to: the jurisdiction, plus a sea strip if marine.

    Marine items (bays, ports, sea-use zones, coastal belts) lie partly off the land boundary;
    they are clipped to the jurisdiction plus the sea within :data:`SEA_BUFFER_M` of it (or the
    whole buffer when no sea polygon is available).
    """
    if not marine:
        return jurisdiction
    # a 20 km strip does not need the boundary's 50 m detail: simplify before buffering
    jm = to_metric(jurisdiction).simplify(200)
    buf = to_wgs84(jm.buffer(SEA_BUFFER_M, quad_segs=4))
    strip = buf if sea is None else buf.intersection(sea)
    return clean(shapely.union(jurisdiction, strip), "polygon") or jurisdiction


def clip(geom: BaseGeometry | None, region: BaseGeometry, kind: str) -> BaseGeometry | None:
    """Clip ``geom`` to ``region`` and clean it to ``kind``; ``None`` when nothing is left."""
    geom = clean(geom, kind)
    if geom is None:
        return None
    return clean(geom.intersection(region), kind)


# --- core, cluster, zone from places --------------------------------------------------------


def union_areas(polygons: Sequence[BaseGeometry]) -> BaseGeometry | None:
    """Union of admin / urban-area polygons (a core or zone made of named units)."""
    polys = [p for p in (clean(g, "polygon") for g in polygons) if p is not None]
    if not polys:
        return None
    return clean(shapely.union_all(polys), "polygon")


def default_radius_m(role: str, jurisdiction: BaseGeometry | None = None) -> float:
    """Default disc radius for a role, shrunk for small jurisdictions (urban districts).

    A 4 km core would swallow a 40 km² district, so the radius never exceeds a quarter of the
    jurisdiction's equivalent-circle radius.
    """
    r = DISC_RADIUS_M.get(role, DISC_RADIUS_M["zone"])
    if jurisdiction is not None and r > 0:
        eq = math.sqrt(area_km2(jurisdiction) * 1e6 / math.pi)
        r = min(r, 0.25 * eq)
    return r


# --- belts, corridors, rings -----------------------------------------------------------------


def band(line: BaseGeometry, half_width_m: float) -> BaseGeometry | None:
    """A band of ``half_width_m`` either side of a line (flat caps would cut river mouths)."""
    line = clean(line, "line")
    if line is None:
        return None
    # a 5 km band does not need 100 m coastline wiggles: simplify first, it makes buffering
    # the full-resolution GSHHG coast ~20× faster
    lm = to_metric(line).simplify(half_width_m / 25)
    return clean(to_wgs84(lm.buffer(half_width_m, quad_segs=8)), "polygon")


def belt(
    line: BaseGeometry, region: BaseGeometry, half_width_m: float | None = None, role: str = "belt"
) -> BaseGeometry | None:
    """Belt/corridor: a buffer along its anchoring line, clipped to ``region``."""
    w = WIDTHS_M.get(role, WIDTHS_M["belt"]) if half_width_m is None else half_width_m
    b = band(line, w)
    return None if b is None else clip(b, region, "polygon")


# --- axes ------------------------------------------------------------------------------------


def _extend(a: np.ndarray, b: np.ndarray, length: float) -> np.ndarray:
    """Point beyond ``b`` on the ray a→b, ``length`` further."""
    d = b - a
    n = float(np.hypot(*d))
    if n == 0:
        return b
    return b + d / n * length


def axis_line(
    points: Sequence[tuple[float, float]],
    jurisdiction: BaseGeometry,
    inside: Sequence[bool] | None = None,
) -> LineString | None:
    """A line through the anchor points in their named order (DESIGN §5 axis).

    Parameters
    ----------
    points : sequence of (lon, lat)
        Anchor places in text order (锦-阜-盘 → 锦州, 阜新, 盘锦).
    jurisdiction : shapely geometry
        The plan's territory.
    inside : sequence of bool, optional
        Whether each anchor lies in the jurisdiction (computed when omitted).

    Returns
    -------
    LineString or None
        An axis whose anchors all lie inside is extended at both ends to the jurisdiction edge
        (a development axis crosses the territory); a linkage axis (some anchor outside) reaches
        its outside cities. When no anchor lies inside, the jurisdiction's centre is inserted
        where it lengthens the line least, because a plan's axis always crosses its territory.
        ``None`` when fewer than two distinct points remain.
    """
    pts = [Point(p) for p in points]
    if inside is None:
        inside = [jurisdiction.covers(p) for p in pts]
    inside = list(inside)
    if not any(inside):
        c = centre(jurisdiction)
        best, best_len = 0, math.inf
        for k in range(len(pts) + 1):
            trial = [*pts[:k], c, *pts[k:]]
            length = to_metric(LineString(trial)).length if len(trial) > 1 else 0.0
            if length < best_len:
                best, best_len = k, length
        pts.insert(best, c)
        inside.insert(best, True)
        if best in (0, len(pts) - 1) and len(pts) > 1:
            # the territory is the axis' end: carry it on to the jurisdiction edge (京沈 axis
            # with only 沈阳 known runs from 沈阳 through the city and out the far side)
            jm = to_metric(jurisdiction)
            a, b = (1, 0) if best == 0 else (-2, -1)
            xa, xb = np.array(to_metric(pts[a]).coords[0]), np.array(to_metric(pts[b]).coords[0])
            minx, miny, maxx, maxy = jm.bounds
            far = LineString([xb, _extend(xa, xb, math.hypot(maxx - minx, maxy - miny))])
            cut = far.intersection(jm.boundary)
            if not cut.is_empty:
                d = max(far.project(Point(g.coords[0])) for g in shapely.get_parts(cut))
                edge = to_wgs84(far.interpolate(d))
                if best == 0:
                    pts.insert(0, edge)
                    inside.insert(0, True)
                else:
                    pts.append(edge)
                    inside.append(True)
    # drop repeated points (two anchors resolving to one seat)
    uniq: list[Point] = []
    flags: list[bool] = []
    for p, f in zip(pts, inside, strict=True):
        if not uniq or distance_m(uniq[-1], p) > 1.0:
            uniq.append(p)
            flags.append(f)
    if len(uniq) < 2:
        return None
    xy = np.array([to_metric(p).coords[0] for p in uniq])
    if all(flags):
        jm = to_metric(jurisdiction)
        minx, miny, maxx, maxy = jm.bounds
        reach = math.hypot(maxx - minx, maxy - miny)
        head = _extend(xy[1], xy[0], reach)
        tail = _extend(xy[-2], xy[-1], reach)
        long = LineString([head, *xy, tail])
        # cut the extended line at the last edge crossing before the first anchor and the
        # first crossing after the last one, so the axis spans the territory edge to edge
        first = long.project(Point(xy[0]))
        last = long.project(Point(xy[-1]))
        cross = shapely.get_parts(long.intersection(jm.boundary))
        ds = sorted(long.project(Point(g.coords[0])) for g in cross if not g.is_empty)
        lo = max([d for d in ds if d <= first], default=first)
        hi = min([d for d in ds if d >= last], default=last)
        return to_wgs84(substring(long, lo, hi))
    return to_wgs84(LineString(xy))


# --- compass-word zones ----------------------------------------------------------------------


def compass_bearing(word: str) -> tuple[float | None, bool]:
    """Bearing (degrees CCW from east) and "inner" flag of a compass word.

    ``南部`` → (270, False); ``西北部`` → (135, False); ``中部`` → (None, True);
    ``中西部`` → (180, True). Unknown words give (None, False).
    """
    w = word.replace("部", "").replace("方", "").replace("侧", "")
    inner = w.startswith("中")
    if inner:
        w = w[1:]
    if not w:
        return (None, True) if inner else (None, False)
    return COMPASS.get(w), inner


def _wedge(c: Point, a0: float, a1: float, radius: float) -> Polygon:
    """A wedge from ``c`` between bearings a0 < a1 (degrees, metric coordinates)."""
    steps = max(2, int((a1 - a0) / 5) + 1)
    angles = np.radians(np.linspace(a0, a1, steps))
    ring = [(c.x, c.y)]
    ring += [(c.x + radius * math.cos(t), c.y + radius * math.sin(t)) for t in angles]
    return Polygon(ring)


def compass_partition(
    jurisdiction: BaseGeometry, words: Sequence[str], origin: Point | None = None
) -> dict[str, BaseGeometry]:
    """Split a jurisdiction into the compass zones a plan names (schematic, DESIGN §5).

    Each named direction takes the angles closer to it than to any other named direction, at
    most :data:`MAX_HALF_SECTOR` either side, seen from ``origin`` (default: the
    jurisdiction's centre); ``中部`` is
    the jurisdiction shrunk to :data:`INNER_SCALE` about the centre, and ``中X部`` is the inner
    part of sector X. Zones never overlap; directions that are not named stay blank.

    Returns
    -------
    dict
        word → WGS-84 polygon, for every word that is a compass word and has a non-empty zone.
    """
    jm = to_metric(jurisdiction)
    c = to_metric(origin if origin is not None else centre(jurisdiction))
    minx, miny, maxx, maxy = jm.bounds
    radius = 2 * math.hypot(maxx - minx, maxy - miny)
    inner = affinity.scale(jm, INNER_SCALE, INNER_SCALE, origin=c)
    parsed = {w: compass_bearing(w) for w in words}
    has_centre = any(b is None and i for b, i in parsed.values())
    bearings = sorted({b for b, _ in parsed.values() if b is not None})
    out: dict[str, BaseGeometry] = {}
    for w, (b, is_inner) in parsed.items():
        if b is None:
            if is_inner:
                out[w] = inner
            continue
        lo, hi = -MAX_HALF_SECTOR, MAX_HALF_SECTOR
        for other in bearings:
            if other == b:
                continue
            d = (other - b + 180) % 360 - 180  # signed angular difference in (-180, 180]
            if d > 0:
                hi = min(hi, d / 2)
            else:
                lo = max(lo, d / 2)
        zone = jm.intersection(_wedge(c, b + lo, b + hi, radius))
        if is_inner:
            zone = zone.intersection(inner)
        elif has_centre:
            zone = zone.difference(inner)
        out[w] = zone
    result = {}
    for w, g in out.items():
        # back-projected edges bow slightly off the lon/lat boundary: clip again in WGS-84
        g = clean(to_wgs84(g), "polygon")
        g = clean(g.intersection(jurisdiction), "polygon") if g is not None else None
        if g is not None:
            result[w] = g
    return result


# --- river reaches ---------------------------------------------------------------------------


def reach(
    line: BaseGeometry, start: BaseGeometry | None, end: BaseGeometry | None
) -> LineString | MultiLineString | None:
    """The part of a river (or road) line between two named places (a from–to reach).

    Each endpoint is projected onto the line (nearest point); the line is cut between the two
    positions. A missing endpoint means "from the line's start" or "to its end".
    """
    line = clean(line, "line")
    if line is None:
        return None
    lm = to_metric(line)
    if lm.geom_type == "MultiLineString":
        lm = shapely.line_merge(lm)
        if lm.geom_type == "MultiLineString":  # disjoint parts: use the longest
            lm = max(lm.geoms, key=lambda g: g.length)
    a = lm.project(to_metric(start)) if start is not None else 0.0
    b = lm.project(to_metric(end)) if end is not None else lm.length
    lo, hi = sorted((a, b))
    if hi - lo < 1.0:
        return None
    return to_wgs84(substring(lm, lo, hi))


# --- axes along their corridors ----------------------------------------------------------------

#: how far a place may lie from a railway or road for the axis to follow that line
CORRIDOR_SNAP_M = 8000.0
#: a corridor leg may be at most this much longer than the straight leg (no detours)
CORRIDOR_MAX_DETOUR = 1.6
#: a corridor heading away from the target by more than this is not the way there (degrees)
CORRIDOR_MAX_TURN = 40.0


def _bearing(a: Point, b: Point) -> float:
    return math.degrees(math.atan2(b.x - a.x, b.y - a.y)) % 360.0


def _turn(b1: float, b2: float) -> float:
    d = abs(b1 - b2) % 360.0
    return min(d, 360.0 - d)


def corridor_leg(
    a: Point, b: Point, corridors: Sequence[BaseGeometry]
) -> tuple[BaseGeometry, bool]:
    """The way from ``a`` to ``b`` (metric CRS): along a railway or road where one serves both
    (or, for a far target, heads from ``a`` towards it), else a straight leg.

    Returns
    -------
    (LineString, followed)
        ``followed`` says whether a corridor was used (the leg is then ``derived``).
    """
    straight = LineString([a, b])
    want = _bearing(a, b)
    best: tuple[float, BaseGeometry] | None = None
    for line in corridors:
        if line.distance(a) > CORRIDOR_SNAP_M:
            continue
        da = line.project(a)
        if line.distance(b) <= CORRIDOR_SNAP_M:
            seg = substring(line, da, line.project(b))
            end = b
        else:
            # the target lies beyond the data: the branch that heads towards it
            options = [substring(line, da, 0.0), substring(line, da, line.length)]
            seg = None
            for opt in options:
                if opt.length < 1000:
                    continue
                tip = Point(opt.coords[-1])
                if _turn(_bearing(a, tip), want) <= CORRIDOR_MAX_TURN and tip.distance(
                    b
                ) < a.distance(b):
                    seg = opt if seg is None or opt.length > seg.length else seg
            if seg is None:
                continue
            end = Point(seg.coords[-1])
        if seg.length < 1.0 or seg.length > CORRIDOR_MAX_DETOUR * max(a.distance(end), 1.0):
            continue
        score = line.distance(a) + line.distance(end) + 0.05 * seg.length
        if best is None or score < best[0]:
            best = (score, seg)
    if best is None:
        return straight, False
    return best[1], True


def corridor_axis(
    points: Sequence[tuple[float, float]],
    origin: tuple[float, float],
    jurisdiction: BaseGeometry,
    corridors: Sequence[BaseGeometry],
) -> tuple[BaseGeometry | None, bool, list[int]]:
    """An axis from the plan's core outward through the places it names, in order, along
    their railways and roads where those exist (DESIGN §5 axis, issue 15).

    Parameters
    ----------
    points : sequence of (lon, lat)
        The places the axis names, in text order (each city at its urban centre).
    origin : (lon, lat)
        The plan's core (its main centre): where an axis whose places all lie outside enters.
    jurisdiction : geometry
        The plan's territory (WGS-84); the axis is clipped to it.
    corridors : sequence of LineString
        Railways and roads in the metric CRS.

    Returns
    -------
    (geometry or None, followed, beyond)
        The clipped axis (WGS-84), whether every leg followed a corridor, and the indices of
        the named places that lie outside the territory (the renderer labels its ends →沈阳).
    """
    pts = [Point(p) for p in points]
    inside = [jurisdiction.covers(p) for p in pts]
    beyond = [i for i, ok in enumerate(inside) if not ok]
    if all(inside):
        # an axis inside the territory crosses it: through its places, carried to the edge
        line = axis_line(points, jurisdiction, inside)
        return line, False, beyond
    m_in = [to_metric(p) for p, ok in zip(pts, inside, strict=True) if ok]
    if not m_in:
        m_in = [to_metric(Point(origin))]  # 京沈 in 锦州: both cities outside, through the core
    legs: list[BaseGeometry] = []
    followed = True
    for p, q in itertools.pairwise(m_in):
        leg, ok = corridor_leg(p, q, corridors)
        legs.append(leg)
        followed &= ok
    for i in beyond:
        # from the core outward: each outside place is reached from the nearest inside one
        q = to_metric(pts[i])
        start = min(m_in, key=q.distance)
        leg, ok = corridor_leg(start, q, corridors)
        legs.append(leg)
        followed &= ok
    if not legs:
        return None, False, beyond
    merged = shapely.union_all(legs)
    if merged.geom_type == "MultiLineString":
        merged = linemerge(merged)
    geom = clip(to_wgs84(merged), jurisdiction, "line")
    return geom, followed, beyond
