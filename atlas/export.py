"""Exports of atlas frames: GeoJSON (RFC 7946), GeoPackage, KML, CSV/XLSX of indicators, and a
Shapefile-safe variant.

Every writer takes frames and a path; every ``*_bytes`` variant returns the file content for a
Streamlit download button. :func:`export_bytes` is the one entry point of the 导出 page and of
``atlas export`` (same selection, same bytes); :func:`export_plan` writes it atomically.

Spreadsheet cells are written as text when they could be read as a formula (OWASP CSV
injection: a string starting with ``= + - @``, a tab or a CR gets a leading ``'``; numbers stay
numbers); KML descriptions are HTML-escaped plain text; XLSX sheet names are made legal.

GeoJSON is written by hand rather than through GDAL so that it is
byte-stable: features sorted by ``id``, coordinates rounded to 6 decimals (~0.1 m), exterior
rings counter-clockwise and holes clockwise (RFC 7946 §3.1.6), no ``crs`` member, one feature
per line.
"""

from __future__ import annotations

import html
import io
import json
import math
import os
import re
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
from atlas.limits import safe_plan_id
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
        os.chmod(tmp, 0o644)
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
    as ``Name``); the ``<description>`` popup shows precision, plan line and quote as escaped
    plain text: every text value is HTML-escaped (``<`` → ``&lt;``) because viewers such as
    Google Earth render names, descriptions and data as HTML; plan text must not become
    markup. Read the raw text from the GeoPackage or GeoJSON. Unresolved
    rows have no geometry and KML has nowhere to put them: they are left out (they are listed
    in report.json and in the other formats).
    """
    path = Path(path)
    located = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty].to_crs(4326).copy()
    for col in located.columns:  # viewers render names, descriptions and data as HTML
        if col != located.geometry.name and _is_text(located[col]):
            located[col] = located[col].map(_kml_text)
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


def _is_text(series: pd.Series) -> bool:
    return series.dtype == object or pd.api.types.is_string_dtype(series.dtype)


def _kml_text(value: Any) -> Any:
    """``&``, ``<`` and ``>`` of a string escaped, so a KML viewer shows it as text."""
    return html.escape(value, quote=False) if isinstance(value, str) else value


def kml_bytes(gdf: gpd.GeoDataFrame) -> bytes:
    """KML content of :func:`write_kml`."""
    return _gdal_bytes(lambda p: write_kml(gdf, p), ".kml")


# --- indicators ------------------------------------------------------------------------------


#: first characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: characters Excel forbids in sheet names, and their length limit
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
SHEET_CHARS = 31


def text_cell(value: Any) -> Any:
    """A string that a spreadsheet would read as a formula, prefixed with ``'``; else as is.

    Only strings are touched: a number (``-3.5``) stays a number.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def text_cells(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every string cell passed through :func:`text_cell`."""
    out = df.copy()
    for col in out.columns:
        if _is_text(out[col]):
            out[col] = out[col].map(text_cell).astype(object)
    return out


def sheet_names(names: list[str], reserved: tuple[str, ...] = ("all",)) -> dict[str, str]:
    """Legal, unique XLSX sheet names (no ``[]:*?/\\``, ≤ 31 characters) for ``names``."""
    used = {r.lower() for r in reserved}
    out: dict[str, str] = {}
    for name in names:
        base = _SHEET_BAD.sub("-", str(name)).strip("'") or "plan"
        base = base[:SHEET_CHARS]
        cand, k = base, 2
        while cand.lower() in used:
            suffix = f"~{k}"
            cand = base[: SHEET_CHARS - len(suffix)] + suffix
            k += 1
        used.add(cand.lower())
        out[name] = cand
    return out


def _check_indicators(df: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in INDICATOR_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(f"not an indicator table (missing {', '.join(missing)})")
    return df[list(INDICATOR_COLUMNS)]


def indicators_csv_bytes(df: pd.DataFrame) -> bytes:
    """Indicators as CSV, UTF-8 with a BOM so that Excel shows the Chinese names; string cells
    that could be read as formulas are written as text (:func:`text_cell`). Rows end in CRLF
    (RFC 4180), so a CR inside a cell is quoted rather than read as a row break."""
    table = text_cells(_check_indicators(df))
    return table.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


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

    Sheet names come from :func:`sheet_names`; string cells that could be read as formulas are
    stored as text cells with Excel's quote prefix (:func:`as_text_cells` on every sheet), so
    they read exactly as written and are never evaluated. ``monitor``
    (monitoring rows of a plan) adds the sheet 实施评估; ``consistency`` (``(city_id,
    county_id, findings)`` triples) adds 一致性 (then 一致性2 …; ``role_names`` puts the roles of
    a role conflict in words).
    """
    df = _check_indicators(df)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        df.to_excel(xw, sheet_name="all", index=False)
        groups = dict(list(df.groupby("plan_id", sort=True)))
        sheets = sheet_names([str(k) for k in groups])
        for pid, part in groups.items():
            part.to_excel(xw, sheet_name=sheets[str(pid)], index=False)
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
            table = text_cells(pd.DataFrame(gdf.loc[empty, cols]))
            table.to_csv(p, index=False, encoding="utf-8", lineterminator="\r\n")
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


# --- one plan, one format (the 导出 page and ``atlas export``) --------------------------------

#: export format → (file suffix, what it holds)
FORMATS: dict[str, tuple[str, str]] = {
    "gpkg": (".gpkg", "GeoPackage, one table per layer"),
    "geojson": (".geojson", "GeoJSON of every selected feature"),
    "kml": (".kml", "KML of the located features"),
    "csv": (".csv", "indicators as CSV"),
    "xlsx": (".xlsx", "indicators as XLSX"),
    "shp": (".zip", "Shapefile-safe layers, zipped"),
}


def export_bytes(
    fmt: str, frames: Mapping[str, gpd.GeoDataFrame], indicators: pd.DataFrame | None = None
) -> bytes:
    """The file content of one export format.

    Parameters
    ----------
    fmt : str
        A key of :data:`FORMATS`.
    frames : mapping of str to GeoDataFrame
        The selected layers (layer → frame); used by gpkg, geojson, kml and shp.
    indicators : DataFrame, optional
        The plan's indicator table; used by csv and xlsx.

    Raises
    ------
    InputError
        An unknown format, or nothing to export.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r} (use {', '.join(FORMATS)})")
    if fmt in ("csv", "xlsx"):
        ind = indicators if indicators is not None else pd.DataFrame(columns=INDICATOR_COLUMNS)
        if ind.empty:
            ind = pd.DataFrame(columns=list(INDICATOR_COLUMNS))
        return indicators_csv_bytes(ind) if fmt == "csv" else indicators_xlsx_bytes(ind)
    sel = {k: v for k, v in frames.items() if isinstance(v, gpd.GeoDataFrame) and len(v)}
    if not sel:
        raise InputError("no features to export (no layer selected or the plan has none)")
    if fmt == "gpkg":
        return gpkg_bytes(sel)
    if fmt == "shp":
        return shapefile_zip_bytes(sel)
    allf = gpd.GeoDataFrame(pd.concat(list(sel.values()), ignore_index=True), crs=4326)
    return geojson_bytes(allf) if fmt == "geojson" else kml_bytes(allf)


def file_name(plan_id: str, fmt: str) -> str:
    """The download name of a plan's export (``<slug>.gpkg``, ``<slug>-indicators.csv``)."""
    stem = safe_plan_id(plan_id, default="plan")
    if fmt in ("csv", "xlsx"):
        stem += "-indicators"
    return stem + FORMATS[fmt][0]


def export_plan(plan_id: str, fmt: str, out: Path | str, build: Path | str = "build") -> Path:
    """``atlas export``: write one plan of a build in one format to ``out`` (atomic rename).

    Raises
    ------
    InputError
        No build, an unknown plan id or format, or nothing to export.
    """
    from atlas.store import list_plans, read_indicators, read_layers

    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r} (use {', '.join(FORMATS)})")
    gpkg = Path(build) / "atlas.gpkg"
    if not gpkg.is_file():
        raise InputError(f"no atlas build at {gpkg} (run 'atlas build --out {build}' first)")
    known = list_plans(gpkg)["plan_id"].astype(str).tolist()
    if plan_id not in known:
        raise InputError(f"unknown plan id {plan_id!r} (known: {', '.join(known)})")
    out = Path(out)
    if out.is_dir():
        raise InputError(f"--out {out} is a folder; give a file name")
    if fmt in ("csv", "xlsx"):
        data = export_bytes(fmt, {}, read_indicators(gpkg, plan_id))
    else:
        data = export_bytes(fmt, read_layers(gpkg, plan_id))
    return _write_bytes(out, data)
