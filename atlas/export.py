"""Exports of atlas frames: GeoJSON (RFC 7946), GeoPackage, KML, CSV/XLSX of indicators, and a
Shapefile-safe variant.

Every writer takes frames and a path; every ``*_bytes`` variant returns the file content for a
Streamlit download button. GeoJSON is written by hand rather than through GDAL so that it is
byte-stable: features sorted by ``id``, coordinates rounded to 6 decimals (~0.1 m), exterior
rings counter-clockwise and holes clockwise (RFC 7946 §3.1.6), no ``crs`` member, one feature
per line.
"""

from __future__ import annotations

import io
import json
import math
import os
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import mapping

from atlas.errors import InputError
from atlas.schema import INDICATOR_COLUMNS

PRECISION = 6

#: Shapefile field names (≤ 10 bytes) for the schema columns; others are truncated + numbered
SHP_FIELDS: dict[str, str] = {
    "source_line": "src_line",
    "source_quote": "src_quote",
    "confidence": "confidence",
    "provenance": "provenance",
    "component": "component",
    "area_km2": "area_km2",
}
#: a DBF text field holds at most 254 bytes
DBF_TEXT_BYTES = 254


# --- GeoJSON ---------------------------------------------------------------------------------


def _round_geom(geom):
    geom = shapely.orient_polygons(geom, exterior_cw=False)
    return shapely.transform(geom, lambda xy: np.round(xy, PRECISION))


def _json_value(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float | np.floating):
        return None if math.isnan(v) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    if v is pd.NA or v is pd.NaT:
        return None
    return v


def geojson_bytes(gdf: gpd.GeoDataFrame) -> bytes:
    """RFC 7946 GeoJSON of a frame: sorted by ``id``, 6 decimals, CCW exteriors, UTF-8."""
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    if "id" in gdf.columns:
        gdf = gdf.sort_values("id", kind="stable")
    props = [c for c in gdf.columns if c != gdf.geometry.name]
    lines = []
    for values, geom in zip(
        gdf[props].itertuples(index=False, name=None), gdf.geometry, strict=True
    ):
        g = None
        if geom is not None and not geom.is_empty:
            g = mapping(_round_geom(geom))
        feat = {
            "type": "Feature",
            "id": _json_value(values[props.index("id")]) if "id" in props else None,
            "properties": {k: _json_value(v) for k, v in zip(props, values, strict=True)},
            "geometry": g,
        }
        if feat["id"] is None:
            del feat["id"]
        lines.append(json.dumps(feat, ensure_ascii=False, separators=(",", ":")))
    body = ",\n".join(lines)
    text = '{"type":"FeatureCollection","features":[\n' + body + ("\n" if lines else "") + "]}\n"
    return text.encode("utf-8")


def write_geojson(gdf: gpd.GeoDataFrame, path: Path | str) -> Path:
    """Write :func:`geojson_bytes` to ``path`` (atomic rename)."""
    return _write_bytes(Path(path), geojson_bytes(gdf))


def _write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


# --- GeoPackage / KML via GDAL ---------------------------------------------------------------


def write_gpkg(frames: Mapping[str, pd.DataFrame], path: Path | str) -> Path:
    """GeoPackage with one table per frame (the atlas store format, see :mod:`atlas.store`)."""
    from atlas.store import write_atlas

    return write_atlas(path, frames)


def _gdal_bytes(write, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / f"out{suffix}"
        write(p)
        return p.read_bytes()


def gpkg_bytes(frames: Mapping[str, pd.DataFrame]) -> bytes:
    """GeoPackage content of :func:`write_gpkg`."""
    return _gdal_bytes(lambda p: write_gpkg(frames, p), ".gpkg")


def write_kml(gdf: gpd.GeoDataFrame, path: Path | str) -> Path:
    """KML 2.2 (LIBKML) of the located features, with every schema column as ExtendedData.

    The feature ``id`` becomes the Placemark id and ``name`` its ``<name>`` (GDAL reads it back
    as ``Name``); the ``<description>`` popup shows precision, plan line and quote. Unresolved
    rows have no geometry and KML has nowhere to put them: they are left out (they are listed
    in report.json and in the other formats).
    """
    path = Path(path)
    located = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty].to_crs(4326).copy()
    located["description"] = [
        f"{p} · L{n}: {q}"
        for p, n, q in zip(
            located["precision"], located["source_line"], located["source_quote"], strict=True
        )
    ]
    if path.exists():
        path.unlink()
    pyogrio.write_dataframe(located, path, driver="LIBKML")
    return path


def kml_bytes(gdf: gpd.GeoDataFrame) -> bytes:
    """KML content of :func:`write_kml`."""
    return _gdal_bytes(lambda p: write_kml(gdf, p), ".kml")


# --- indicators ------------------------------------------------------------------------------


def _check_indicators(df: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in INDICATOR_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(f"not an indicator table (missing {', '.join(missing)})")
    return df[list(INDICATOR_COLUMNS)]


def indicators_csv_bytes(df: pd.DataFrame) -> bytes:
    """Indicators as CSV, UTF-8 with a BOM so that Excel shows the Chinese names."""
    return _check_indicators(df).to_csv(index=False).encode("utf-8-sig")


def write_indicators_csv(df: pd.DataFrame, path: Path | str) -> Path:
    """Write :func:`indicators_csv_bytes` to ``path``."""
    return _write_bytes(Path(path), indicators_csv_bytes(df))


#: first characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_text_cells(ws) -> int:
    """Force every string cell of an openpyxl worksheet that starts like a formula to text.

    The cell is stored as an inline string with Excel's quote prefix, so ``=HYPERLINK(…)`` in a
    plan quote shows as those characters and is never evaluated. Returns the cells changed.
    """
    n = 0
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                cell.data_type = "s"
                cell.quotePrefix = True
                n += 1
    return n


def _fill(hex_colour: str):
    from openpyxl.styles import PatternFill

    rgb = "FF" + hex_colour.lstrip("#").upper()
    return PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)


def monitor_sheet(xw: pd.ExcelWriter, rows: list, name: str = "实施评估") -> None:
    """Sheet 实施评估: :func:`atlas.monitor.report.rows_frame` (sources as ``plan:line``), the
    状态 cells filled with :func:`atlas.monitor.status.status_colour`."""
    from openpyxl.styles import Font

    from atlas.monitor.report import rows_frame
    from atlas.monitor.status import status_colour

    frame = rows_frame(rows)
    frame.to_excel(xw, sheet_name=name, index=False)
    ws = xw.sheets[name]
    col = list(frame.columns).index("状态") + 1
    white = Font(color="FFFFFFFF", bold=True)
    for i, r in enumerate(rows, start=2):
        cell = ws.cell(row=i, column=col)
        cell.fill = _fill(status_colour(r.status))
        cell.font = white


def consistency_sheet(
    xw: pd.ExcelWriter, findings: list, name: str = "一致性", role_names=None
) -> None:
    """Sheet 一致性: one row per city ↔ county finding, both quotes side by side."""
    from atlas.monitor.views import findings_frame

    findings_frame(findings, role_names).to_excel(xw, sheet_name=name[:31], index=False)


def indicators_xlsx_bytes(
    df: pd.DataFrame,
    *,
    monitor: list | None = None,
    consistency: list[tuple[str, str, list]] | None = None,
    role_names: Mapping[str, str] | None = None,
) -> bytes:
    """Indicators as an XLSX workbook (one sheet per plan, plus ``all``).

    ``monitor`` (monitoring rows of a plan) adds the sheet 实施评估; ``consistency``
    (``(city_id, county_id, findings)`` triples) adds 一致性 (then 一致性2 …; ``role_names`` puts
    the roles of a role conflict in words). Text cells that
    start with ``= + - @`` are stored as text (:func:`as_text_cells`).
    """
    df = _check_indicators(df)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        df.to_excel(xw, sheet_name="all", index=False)
        for pid, part in df.groupby("plan_id", sort=True):
            part.to_excel(xw, sheet_name=str(pid)[:31], index=False)
        if monitor is not None:
            monitor_sheet(xw, monitor)
        for i, (_city, _county, findings) in enumerate(consistency or [], start=1):
            sheet = "一致性" if i == 1 else f"一致性{i}"
            consistency_sheet(xw, findings, sheet, role_names)
        for ws in xw.book.worksheets:
            as_text_cells(ws)
    return buf.getvalue()


def write_indicators_xlsx(df: pd.DataFrame, path: Path | str) -> Path:
    """Write :func:`indicators_xlsx_bytes` to ``path``."""
    return _write_bytes(Path(path), indicators_xlsx_bytes(df))


# --- Shapefile-safe --------------------------------------------------------------------------


def shapefile_names(columns: list[str]) -> dict[str, str]:
    """Map column names to unique DBF field names of at most 10 bytes (UTF-8)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for col in columns:
        short = SHP_FIELDS.get(col, col)
        short = short.encode("utf-8")[:10].decode("utf-8", "ignore")
        k = 1
        base = short
        while short in used:
            suffix = str(k)
            short = base.encode("utf-8")[: 10 - len(suffix)].decode("utf-8", "ignore") + suffix
            k += 1
        used.add(short)
        out[col] = short
    return out


def _clip_bytes(s: Any) -> Any:
    if not isinstance(s, str):
        return s
    b = s.encode("utf-8")
    return s if len(b) <= DBF_TEXT_BYTES else b[:DBF_TEXT_BYTES].decode("utf-8", "ignore")


_SHP_KINDS = {
    "pt": ("Point", "MultiPoint"),
    "ln": ("LineString", "MultiLineString"),
    "pg": ("Polygon", "MultiPolygon"),
}


def write_shapefiles(frames: Mapping[str, gpd.GeoDataFrame], folder: Path | str) -> list[Path]:
    """Shapefile-safe export: one .shp per layer and geometry kind, DBF names ≤ 10 bytes.

    For each layer ``<layer>_<pt|ln|pg>.shp`` (+ .dbf/.shx/.prj and a ``.cpg`` saying UTF-8),
    ``<layer>_unresolved.csv`` for rows without geometry, and one ``fields.csv`` mapping every
    short field name to its schema column (and noting text cut to the DBF's 254 bytes).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    mapping_rows = []
    for layer, gdf in sorted(frames.items()):
        if not isinstance(gdf, gpd.GeoDataFrame):
            continue
        cols = [c for c in gdf.columns if c != gdf.geometry.name]
        names = shapefile_names(cols)
        for col, short in names.items():
            mapping_rows.append({"layer": layer, "field": short, "column": col})
        empty = gdf.geometry.isna() | gdf.geometry.is_empty
        if empty.any():
            p = folder / f"{layer}_unresolved.csv"
            pd.DataFrame(gdf.loc[empty, cols]).to_csv(p, index=False, encoding="utf-8")
            written.append(p)
        located = gdf[~empty]
        for kind, types in _SHP_KINDS.items():
            part = located[located.geom_type.isin(types)]
            if part.empty:
                continue
            out = pd.DataFrame(part[cols]).rename(columns=names)
            for c in out.columns:
                if out[c].dtype == object or str(out[c].dtype).startswith("str"):
                    out[c] = out[c].map(_clip_bytes)
            shp = gpd.GeoDataFrame(out, geometry=part.geometry.values, crs=part.crs)
            p = folder / f"{layer}_{kind}.shp"
            pyogrio.write_dataframe(
                shp, p, driver="ESRI Shapefile", encoding="UTF-8", promote_to_multi=True
            )
            p.with_suffix(".cpg").write_text("UTF-8")
            written.append(p)
    fields = folder / "fields.csv"
    table = pd.DataFrame(mapping_rows, columns=["layer", "field", "column"])
    table["note"] = ""
    table.loc[table["column"] == "source_quote", "note"] = (
        f"cut to {DBF_TEXT_BYTES} bytes; the full quote is in the GeoPackage"
    )
    table.to_csv(fields, index=False, encoding="utf-8")
    written.append(fields)
    return written


def shapefile_zip_bytes(frames: Mapping[str, gpd.GeoDataFrame]) -> bytes:
    """A zip of :func:`write_shapefiles` output (for one download button)."""
    with tempfile.TemporaryDirectory() as d:
        files = write_shapefiles(frames, d)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(Path(d).iterdir()):
                zf.write(f, f.name)
        del files
        return buf.getvalue()
