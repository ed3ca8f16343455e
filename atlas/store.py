"""The atlas store: one GeoPackage (the embedded default the app reads).

Layout of ``atlas.gpkg``: one spatial table per feature layer (``layout``, ``park``, ``port``,
``water``, ``transport``, ``project``, ``ecology``, ``admin``) with the DESIGN §4 columns, an
attribute table ``indicators`` and an attribute table ``plans`` (plan metadata and the path of
each plan text). Reads go through pyogrio with Arrow and push the plan filter down to SQLite,
because the app reruns on every click.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from atlas.errors import InputError, SchemaError, WriteError
from atlas.model import LAYERS
from atlas.schema import COLUMNS, INDICATOR_COLUMNS, PLAN_COLUMNS, indicator_table, validate

log = logging.getLogger(__name__)

INDICATORS = "indicators"
PLANS = "plans"
FEATURE_LAYERS = tuple(name for name in LAYERS if name != "indicator")


def _check_store(path: Path) -> None:
    if not Path(path).exists():
        raise InputError(f"no atlas at {path}; run `atlas build` first")


@contextmanager
def _one_sync() -> Iterator[None]:
    """Let SQLite skip its fsync on every commit while the temporary file is written.

    Each table is its own GDAL session and commit, so the default costs about ten fsyncs per
    build (~1 s of the seed build on a busy disk). The finished file is fsynced once before it
    replaces the old atlas, so what gets published is just as durable.
    """
    key = "OGR_SQLITE_SYNCHRONOUS"
    old = pyogrio.get_gdal_config_option(key)
    pyogrio.set_gdal_config_options({key: "OFF"})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({key: old})


def write_atlas(path: Path | str, frames: Mapping[str, pd.DataFrame]) -> Path:
    """Write layer frames, ``indicators`` and ``plans`` into a new GeoPackage, atomically.

    Parameters
    ----------
    path : Path
        Target ``.gpkg``; replaced only once the new file is complete.
    frames : mapping
        Layer name → GeoDataFrame (validated against the feature schema), plus optional
        ``"indicators"`` and ``"plans"`` DataFrames.

    Returns
    -------
    Path
        The written path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".gpkg", prefix=f".{path.stem}-", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # GDAL wants to create the file itself
    try:
        with _one_sync():
            try:
                _write_tables(tmp, frames)
            except (pyogrio.errors.DataLayerError, pyogrio.errors.DataSourceError) as exc:
                raise _write_error(path, exc) from exc
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())  # one sync for the whole file (see _one_sync)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    log.info("wrote %s (%d tables)", path, len(frames))
    return path


#: GDAL/SQLite messages that mean the disk, not the data: a full or read-only disk
_DISK_WORDS = (
    "disk is full",
    "no space",
    "read-only",
    "readonly",
    "permission denied",
    "i/o error",
)


def _write_error(path: Path, exc: Exception) -> Exception:
    """A :class:`WriteError` (exit 2) for a GDAL error caused by the disk; else ``exc``."""
    text = str(exc).lower()
    for word in _DISK_WORDS:
        if word in text:
            reason = "no space left on device" if word in ("disk is full", "no space") else word
            return WriteError(f"cannot write {path.parent}: {reason}")
    return exc


def _write_tables(tmp: str, frames: Mapping[str, pd.DataFrame]) -> None:
    """Write every table of ``frames`` into the GeoPackage ``tmp``."""
    for name, df in frames.items():
        if name in (INDICATORS, PLANS, "indicator"):
            continue
        if name not in FEATURE_LAYERS:
            raise SchemaError(f"unknown layer {name!r}")
        validate(df)
        # the Arrow path writes ~8× faster than the row-by-row one
        pyogrio.write_dataframe(
            df,
            tmp,
            layer=name,
            driver="GPKG",
            geometry_type="Unknown",
            promote_to_multi=False,
            use_arrow=True,
        )
    ind = frames.get(INDICATORS, frames.get("indicator"))
    if ind is not None:
        if tuple(ind.columns) != INDICATOR_COLUMNS:
            raise SchemaError(f"indicator columns {list(ind.columns)} differ from schema")
        pyogrio.write_dataframe(
            pd.DataFrame(ind), tmp, layer=INDICATORS, driver="GPKG", use_arrow=True
        )
    plans = frames.get(PLANS)
    if plans is not None:
        pyogrio.write_dataframe(
            pd.DataFrame(plans)[list(PLAN_COLUMNS)],
            tmp,
            layer=PLANS,
            driver="GPKG",
            use_arrow=True,
        )


def _where(plan_id: str | None) -> str | None:
    if plan_id is None:
        return None
    return "plan_id = '" + plan_id.replace("'", "''") + "'"


def list_tables(path: Path | str) -> list[str]:
    """Names of the tables in an atlas GeoPackage."""
    _check_store(Path(path))
    return [str(n) for n, _ in pyogrio.list_layers(path)]


def read_layer(path: Path | str, layer: str, plan_id: str | None = None) -> gpd.GeoDataFrame:
    """Read one feature layer (optionally one plan's rows) with the schema columns.

    Parameters
    ----------
    path : Path
        The atlas GeoPackage.
    layer : str
        One of ``layout, park, port, water, transport, project, ecology, admin``.
    plan_id : str, optional
        Only this plan's rows (the filter runs in SQLite).

    Returns
    -------
    GeoDataFrame
        EPSG:4326, schema column order; a layer the atlas has no rows for comes back empty.

    Raises
    ------
    InputError
        No atlas at ``path`` or an unknown layer name.
    """
    _check_store(Path(path))
    return _read_layer(path, layer, plan_id, list_tables(path))


def _read_layer(
    path: Path | str, layer: str, plan_id: str | None, tables: Collection[str]
) -> gpd.GeoDataFrame:
    """:func:`read_layer` with the atlas's table names already known."""
    if layer not in FEATURE_LAYERS:
        raise InputError(f"unknown layer {layer!r}; layers are {', '.join(FEATURE_LAYERS)}")
    if layer not in tables:
        return gpd.GeoDataFrame(
            {c: pd.Series(dtype=object) for c in COLUMNS}, geometry=[], crs=4326
        )
    gdf = pyogrio.read_dataframe(path, layer=layer, where=_where(plan_id), use_arrow=True)
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)
    for c in ("source_line",):
        gdf[c] = gdf[c].astype("int64")
    return gdf[[*COLUMNS, "geometry"]]


def read_layers(path: Path | str, plan_id: str | None = None) -> dict[str, gpd.GeoDataFrame]:
    """Read every feature layer present in the atlas (layer name → frame)."""
    _check_store(Path(path))
    tables = set(list_tables(path))  # listed once, not once per layer (each opens the file)
    return {
        name: _read_layer(path, name, plan_id, tables) for name in FEATURE_LAYERS if name in tables
    }


def read_indicators(path: Path | str, plan_id: str | None = None) -> pd.DataFrame:
    """Read the indicator table (optionally one plan's rows), typed as written."""
    _check_store(Path(path))
    if INDICATORS not in list_tables(path):
        return indicator_table([])
    df = pyogrio.read_dataframe(
        path, layer=INDICATORS, where=_where(plan_id), use_arrow=True, read_geometry=False
    )
    return indicator_table(df.to_dict("records"))


def read_indicator_overlay(path: Path | str, plan_id: str | None = None) -> gpd.GeoDataFrame:
    """Indicators joined to their jurisdiction polygon (``admin`` layer) for choropleths.

    One row per indicator with the jurisdiction's geometry; indicators whose jurisdiction has
    no polygon in the atlas keep an empty geometry.
    """
    ind = read_indicators(path, plan_id)
    adm = read_layer(path, "admin", plan_id)
    polys = adm[adm["role"] == "jurisdiction"][["plan_id", "geometry"]]
    out = ind.merge(polys, on="plan_id", how="left")
    return gpd.GeoDataFrame(out, geometry="geometry", crs=4326)


def list_plans(path: Path | str) -> pd.DataFrame:
    """The plans table: plan metadata and the plan text path, one row per plan."""
    _check_store(Path(path))
    if PLANS not in list_tables(path):
        return pd.DataFrame(columns=list(PLAN_COLUMNS))
    df = pyogrio.read_dataframe(path, layer=PLANS, use_arrow=True, read_geometry=False)
    return pd.DataFrame(df)[list(PLAN_COLUMNS)].sort_values("plan_id").reset_index(drop=True)


def integrity_check(path: Path | str) -> str:
    """SQLite ``PRAGMA integrity_check`` of the GeoPackage ("ok" when healthy)."""
    con = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    try:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        con.close()
