"""What the presentation renderers read: a plan's identity, its layers, indicators, basemap.

Everything here reads the atlas build (``<build>/atlas.gpkg`` through :mod:`atlas.store`) or
the bundled reference data (:mod:`atlas.places.geodata`); the renderers themselves take plain
GeoDataFrames, so tests can hand them small fixtures.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from atlas.errors import AtlasError, InputError
from atlas.paths import PLANS
from atlas.schema import COLUMNS

log = logging.getLogger(__name__)

#: the feature schema columns (DESIGN §4) the renderers rely on: those of
#: :data:`atlas.schema.COLUMNS` up to the source quote (not provenance or placement notes)
FEATURE_COLUMNS = COLUMNS[: COLUMNS.index("source_quote") + 1]


@dataclass(frozen=True)
class PlanMeta:
    """What a map title, subtitle and footer say about a plan."""

    plan_id: str
    title: str = ""
    jurisdiction: str = ""  # full name, e.g. 辽宁省锦州市
    adcode: str = ""
    level: str = ""
    kind: str = "plan"
    period: str = ""

    @property
    def place(self) -> str:
        """Short jurisdiction name (锦州市, 凌海市), without the province prefix."""
        name = self.jurisdiction.removeprefix("辽宁省")
        _, sep, rest = name.partition("市")
        if sep and rest.endswith("市"):  # 锦州市凌海市 -> 凌海市; 营口市站前区 stays
            name = rest
        return name or self.plan_id

    @property
    def period_text(self) -> str:
        """Human period, e.g. ``2021—2025年，远景2035年``."""
        if not self.period:
            return ""
        parts = self.period.split(";")
        text = parts[0].replace("-", "—") + "年"
        if len(parts) > 1 and parts[1]:
            text += f"，远景{parts[1]}年"
        return text

    @property
    def is_city(self) -> bool:
        """True for a prefecture-level city plan (its counties make a map series)."""
        return self.adcode.endswith("00") and not self.adcode.endswith("0000")


def _meta_from_row(row: dict) -> PlanMeta:
    def s(key: str) -> str:
        val = row.get(key, "")
        return "" if val is None or (isinstance(val, float) and pd.isna(val)) else str(val)

    return PlanMeta(
        plan_id=s("plan_id"),
        title=s("title"),
        jurisdiction=s("jurisdiction"),
        adcode=s("adcode"),
        level=s("level"),
        kind=s("kind") or "plan",
        period=s("period"),
    )


def gpkg_path(build: str | Path) -> Path:
    """``<build>/atlas.gpkg``; :class:`InputError` when the build is missing."""
    path = Path(build) / "atlas.gpkg"
    if not path.exists():
        raise InputError(f"no atlas build at {path} (run 'atlas build --out {build}' first)")
    return path


def plan_meta(plan_id: str, build: str | Path | None = None) -> PlanMeta:
    """The plan's identity from the build's plan list, else from the bundled plan manifest.

    Raises
    ------
    InputError
        When the plan id is unknown.
    """
    rows: list[dict] = []
    if build is not None and (Path(build) / "atlas.gpkg").exists():
        try:
            from atlas.store import list_plans

            rows = list_plans(Path(build) / "atlas.gpkg").to_dict("records")
        except (ImportError, AtlasError) as exc:  # store not available: fall back
            log.debug("list_plans failed: %s", exc)
    manifest = PLANS / "manifest.csv"
    if manifest.exists():
        rows += pd.read_csv(manifest, dtype=str).fillna("").to_dict("records")
    known = []
    for row in rows:
        if str(row.get("plan_id")) == plan_id:
            meta = _meta_from_row(row)
            if meta.adcode or meta.title:
                return meta
        known.append(str(row.get("plan_id")))
    if plan_id in known:
        return PlanMeta(plan_id=plan_id)
    raise InputError(f"unknown plan id {plan_id!r} (known: {', '.join(sorted(set(known)))})")


def load_frames(plan_id: str, build: str | Path) -> dict[str, gpd.GeoDataFrame]:
    """The plan's layers from the build, one GeoDataFrame per layer (EPSG:4326)."""
    from atlas.store import read_layers

    frames = read_layers(gpkg_path(build), plan_id=plan_id)
    return {k: v for k, v in frames.items() if v is not None and len(v)}


def load_indicators(plan_id: str, build: str | Path) -> pd.DataFrame:
    """The plan's indicators from the build (empty frame when it has none)."""
    from atlas.store import read_indicators

    try:
        return read_indicators(gpkg_path(build), plan_id=plan_id)
    except (AtlasError, ValueError) as exc:
        log.warning("no indicators for %s: %s", plan_id, exc)
        return pd.DataFrame()


def _safe(loader_name: str) -> gpd.GeoDataFrame:
    from atlas.places import geodata

    try:
        gdf = getattr(geodata, loader_name)()
    except (AtlasError, AttributeError, OSError) as exc:
        log.info("basemap %s not available: %s", loader_name, exc)
        return gpd.GeoDataFrame({"name": []}, geometry=[], crs=4326)
    return gdf


@lru_cache(maxsize=1)
def _basemap() -> dict[str, gpd.GeoDataFrame]:
    return {
        name: _safe(name) for name in ("province", "cities", "counties", "sea", "coast", "rivers")
    }


def basemap() -> dict[str, gpd.GeoDataFrame]:
    """Offline basemap frames: province, cities, counties, sea, coast, rivers (EPSG:4326).

    A frame whose bundled file is not there yet comes back empty.
    """
    return dict(_basemap())


def jurisdiction(adcode: str) -> gpd.GeoDataFrame:
    """The jurisdiction polygon of an adcode (a city, county or the province).

    Raises
    ------
    InputError
        When the adcode is not a 辽宁 unit.
    """
    base = _basemap()
    for key in ("counties", "cities", "province"):
        frame = base[key]
        if "adcode" in frame.columns:
            hit = frame[frame["adcode"] == adcode]
            if len(hit):
                return hit
    raise InputError(f"jurisdiction {adcode!r} is not a 辽宁 unit in the bundled boundaries")


def county_units(city_adcode: str) -> gpd.GeoDataFrame:
    """The county-level units of a city (for ``--series counties``)."""
    frame = _basemap()["counties"]
    if "parent" not in frame.columns:
        return frame.iloc[0:0]
    return frame[frame["parent"] == city_adcode].sort_values("adcode")
