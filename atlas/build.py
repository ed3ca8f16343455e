"""``atlas build``: plans → extraction → curated merge → geometry → validated layers → store,
GeoJSON and report.json (DESIGN §3).

Nothing is written until every plan has been built; outputs are written into a staging folder
next to ``out`` and moved into place file by file, so a failed build never destroys the previous
good atlas.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import logging
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from . import curated, geometry, layers, paths
from .errors import InputError
from .layers import (
    PLAN_COLUMNS,
    Context,
    FeatureSpec,
    feature_rows,
    indicator_rows,
    indicator_table,
    specs_from_extraction,
    split_layers,
)
from .model import (
    PRECISIONS,
    Entity,
    Extraction,
    Indicator,
    Layout,
    LayoutElement,
    PlanInfo,
    SourceSpan,
    Unresolved,
)
from .report import REPORT_VERSION, format_report, plan_report, totals  # noqa: F401

log = logging.getLogger(__name__)

INDICATORS = "indicators"
PLANS = "plans"


# --- inputs ----------------------------------------------------------------------------------


def manifest_rows() -> list[dict[str, str]]:
    """Rows of geodata/plans/manifest.csv (empty when there is no manifest)."""
    path = paths.PLANS / "manifest.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def default_plans() -> list[Path]:
    """Every plan listed in the manifest, in manifest order."""
    return [paths.PLANS / row["file"] for row in manifest_rows()]


@lru_cache(maxsize=1)
def _gazetteer() -> Any:
    from .gazetteer import default_gazetteer

    return default_gazetteer()


@lru_cache(maxsize=1)
def _coast_sea() -> tuple[BaseGeometry | None, BaseGeometry | None]:
    from . import geodata

    def union(loader) -> BaseGeometry | None:
        try:
            gdf = loader()
        except Exception as exc:  # a missing optional reference layer degrades, not fails
            log.warning("reference layer unavailable: %s", exc)
            return None
        geoms = [g for g in gdf.geometry if g is not None and not g.is_empty]
        return shapely.union_all(geoms) if geoms else None

    return union(geodata.coast), union(geodata.sea)


def _seats(adcode: str) -> list[Point]:
    """Seats of the sub-units: counties of a city, townships of a county-level unit."""
    from . import geodata

    if adcode.endswith("00"):
        u = geodata.units()
        u = u[u["parent"] == adcode]
        return [Point(x, y) for x, y in zip(u["lon"], u["lat"], strict=True)]
    t = geodata.townships()
    return list(t.loc[t["county"] == adcode, "geometry"])


#: adcode → (gazetteer it came from, jurisdiction, marine region, near band, main centre)
_GROUNDS: dict[str, tuple[Any, BaseGeometry, BaseGeometry, BaseGeometry, Point]] = {}


def _ground(gazetteer: Any, plan: PlanInfo) -> tuple[BaseGeometry, ...]:
    """Jurisdiction, marine region, near band and main centre of an adcode (computed once:
    a city's plan and its work report share them)."""
    key = plan.adcode
    if key not in _GROUNDS or _GROUNDS[key][0] is not gazetteer:
        juris = gazetteer.polygon(plan.adcode)
        if juris is None:
            raise InputError(f"{plan.plan_id}: no boundary for jurisdiction {plan.adcode}")
        juris = geometry.clean(juris, "polygon")
        coast, sea = _coast_sea()
        marine = juris
        if coast is not None and geometry.distance_m(juris, coast) < geometry.SEA_BUFFER_M:
            marine = geometry.clip_region(juris, marine=True, sea=sea)
        near = geometry.clean(juris.simplify(0.002).buffer(layers.NEAR_DEG, quad_segs=2), "polygon")
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
    juris, marine, near, centre = _ground(gazetteer, plan)
    coast, sea = _coast_sea()
    siblings: dict[str, list[str]] = {}
    from .placement import _compass_word  # the same reading of compass words as placement

    for s in specs:
        if s.layer == "layout" and s.resolved:
            w = _compass_word(s)
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
    )


def _plan_lines(ex: Extraction, lines: Sequence[str] | None) -> tuple[str, ...]:
    if lines is not None:
        return tuple(lines)
    raw = ex.extra.get("raw_lines") if ex.extra else None
    if raw:
        return tuple(raw)
    path = Path(ex.plan.path) if ex.plan.path else None
    if path is not None and path.is_file():
        # the original lines only (as the reader numbers them); no need to re-normalise
        from .text import decode, split_lines

        return tuple(split_lines(decode(path.read_bytes())[0].lstrip("\ufeff")))
    return ()


def plan_info(plan_id: str, **fields: str) -> PlanInfo:
    """The PlanInfo of a manifest plan (path = its text file), or one built from ``fields``."""
    for row in manifest_rows():
        if row["plan_id"] == plan_id:
            return PlanInfo(
                plan_id=plan_id,
                path=str(paths.PLANS / row["file"]),
                jurisdiction=row["jurisdiction"],
                adcode=row["adcode"],
                level=row["level"],
                kind=row["kind"],
                period=row["period"],
                title=row["title"],
            )
    return PlanInfo(plan_id=plan_id, **fields)


def extraction_from_json(doc: dict[str, Any], plan: PlanInfo | None = None) -> Extraction:
    """Rebuild an :class:`Extraction` from its ``atlas extract --json`` document.

    Used for cached or hand-reviewed extractions (test fixtures, the app's upload cache).
    """

    def span(d: dict[str, Any]) -> SourceSpan | None:
        if d.get("source_line") is None:
            return None
        return SourceSpan(int(d["source_line"]), d.get("source_quote") or "")

    plan = plan or plan_info(
        doc["plan_id"], jurisdiction=doc.get("jurisdiction", ""), adcode=doc.get("adcode", "")
    )
    layouts = tuple(
        Layout(
            plan.plan_id,
            lay["name"],
            span(lay),
            tuple(
                LayoutElement(
                    e["component"],
                    e["role"],
                    e["name"],
                    span(e),
                    tuple(e.get("anchors") or ()),
                    e.get("definition", ""),
                    e.get("resolved", True),
                    e.get("area_km2"),
                )
                for e in lay.get("elements", [])
            ),
            lay.get("expected", 0),
            lay.get("context", ""),
        )
        for lay in doc.get("layouts", [])
    )
    entities = tuple(
        Entity(
            plan.plan_id,
            e["layer"],
            e["role"],
            e["name"],
            span(e),
            tuple(e.get("anchors") or ()),
            tuple((str(k), str(v)) for k, v in (e.get("attrs") or {}).items()),
        )
        for e in doc.get("entities", [])
    )
    known = {f.name for f in dataclasses.fields(Indicator)} - {"plan_id", "source"}
    indicators = tuple(
        Indicator(
            plan_id=plan.plan_id, source=span(i), **{k: v for k, v in i.items() if k in known}
        )
        for i in doc.get("indicators", [])
    )
    unresolved = tuple(
        Unresolved(
            plan.plan_id,
            u["kind"],
            u["name"],
            u.get("reason", ""),
            span(u),
            u.get("layout", ""),
            u.get("component", ""),
        )
        for u in doc.get("unresolved", [])
    )
    return Extraction(plan, layouts, entities, indicators, (), unresolved)


# --- admin layer -----------------------------------------------------------------------------

_SUFFIXES = ("街道", "自治县", "市", "县", "区", "镇", "乡")


def _short(name: str) -> str:
    for suf in _SUFFIXES:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            return name[: -len(suf)]
    return name


def _first_mention(name: str, lines: Sequence[str]) -> tuple[int, str]:
    for key in (name, _short(name)):
        for i, text in enumerate(lines, 1):
            if key and key in text:
                return i, text.strip()
    return 0, ""


def admin_rows(plan: PlanInfo, ctx: Context, lines: Sequence[str]) -> list[dict[str, Any]]:
    """The jurisdiction polygon and its sub-units (counties of a city, townships of a county).

    Each row cites the first line that names the unit; sub-units the plan never names cite the
    line naming the jurisdiction, with a note saying so.
    """
    from . import geodata

    try:
        unit = ctx.gazetteer.get(plan.adcode).name
    except (KeyError, AttributeError):
        unit = plan.jurisdiction or plan.adcode
    jline, jquote = _first_mention(unit, lines)
    rows = [
        _admin_row(
            plan, plan.adcode, unit, "jurisdiction", ctx.jurisdiction, "admin", jline, jquote, ""
        )
    ]
    if plan.adcode.endswith("0000"):  # a province: its cities
        subs = geodata.cities()
        subs = subs[subs["parent"] == plan.adcode]
        items = [(r.adcode, r.name, "city", r.geometry, "admin") for r in subs.itertuples()]
    elif plan.adcode.endswith("00"):
        subs = geodata.counties()
        subs = subs[subs["parent"] == plan.adcode]
        items = [(r.adcode, r.name, "county", r.geometry, "admin") for r in subs.itertuples()]
    else:
        subs = geodata.townships()
        subs = subs[subs["county"] == plan.adcode]
        items = [(r.code, r.name, "township", r.geometry, r.precision) for r in subs.itertuples()]
    for code, sub, role, geom, prec in sorted(items):
        line, quote = _first_mention(sub, lines)
        note = ""
        if not line:
            line, quote, note = jline, jquote, "not named in the plan; a sub-unit of it"
        prec = prec if prec in PRECISIONS[:-1] else "derived"
        g = geometry.clean(geom, "point" if geom.geom_type == "Point" else "polygon")
        rows.append(_admin_row(plan, code, sub, role, g, prec, line, quote, note))
    return rows


def _admin_row(plan, code, name, role, geom, prec, line, quote, note) -> dict[str, Any]:
    return {
        "id": f"{plan.plan_id}:admin:{code}",
        "plan_id": plan.plan_id,
        "layer": "admin",
        "layout": "",
        "component": "",
        "role": role,
        "name": name,
        "precision": prec,
        "confidence": 1.0 if prec == "admin" else 0.5,
        "anchors": code,
        "source_line": line,
        "source_quote": quote,
        "provenance": "reference",
        "rule": "admin_boundary" if prec == "admin" else "point",
        "note": note,
        "area_km2": None,
        "geometry": geom,
    }


# --- one plan --------------------------------------------------------------------------------


def _plan_rows(
    ex: Extraction,
    gazetteer: Any = None,
    lines: Sequence[str] | None = None,
    use_curated: bool = True,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Feature rows, indicator rows and report entry of one extracted plan."""
    gaz = gazetteer if gazetteer is not None else _gazetteer()
    plan_lines = _plan_lines(ex, lines)
    specs = specs_from_extraction(ex)
    n_extracted = len(specs)
    doc = curated.load_spec(ex.plan_id) if use_curated else None
    stale: list[str] = []
    specs = curated.apply_spec(
        specs, doc, plan_lines=plan_lines, gazetteer=gaz, scope=ex.plan.adcode, stale=stale
    )
    ctx = plan_context(ex.plan, gaz, specs)
    rows = feature_rows(specs, ctx)
    rows += admin_rows(ex.plan, ctx, plan_lines)
    ind = indicator_rows(ex)
    ops = Counter(ch["op"] for ch in (doc or {}).get("changes") or [])
    report = plan_report(ex, rows, len(ind), n_extracted, ops, _rel(ex.plan.path))
    report["provenance"]["curated_stale"] = stale
    return rows, ind, report


def build_plan(
    ex: Extraction,
    *,
    gazetteer: Any = None,
    lines: Sequence[str] | None = None,
    use_curated: bool = True,
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Frames and the report entry of one extracted plan (no files written).

    Parameters
    ----------
    ex : Extraction
        The plan's extraction (:func:`atlas.pipeline.extract_plan` or ``extract_text``).
    gazetteer : Gazetteer, optional
        Defaults to :func:`atlas.gazetteer.default_gazetteer`.
    lines : sequence of str, optional
        The original plan lines (read from ``ex.plan.path`` when omitted).
    use_curated : bool
        Merge layers/<plan_id>.yaml when it exists.

    Returns
    -------
    frames : dict
        Layer name → validated GeoDataFrame (layers with rows only), plus ``"indicators"``
        and ``"plans"`` DataFrames.
    report : dict
        The plan's report.json entry.
    """
    rows, ind, report = _plan_rows(ex, gazetteer, lines, use_curated)
    frames: dict[str, pd.DataFrame] = dict(split_layers(rows))
    frames[INDICATORS] = indicator_table(ind)
    frames[PLANS] = pd.DataFrame([_plan_row(ex.plan)], columns=list(PLAN_COLUMNS))
    return frames, report


def build_extraction(extraction: Extraction, **kwargs: Any) -> dict[str, pd.DataFrame]:
    """In-memory frames for one plan (for the app's upload page); no files are written.

    Returns layer name → GeoDataFrame for every feature layer with rows, plus ``"indicators"``
    and ``"plans"`` DataFrames. Keyword arguments go to :func:`build_plan`; an upload should
    pass ``lines=`` (the uploaded text's lines) so admin rows can cite where the plan names
    its units. The unresolved features are the rows with ``precision == "unresolved"``.
    """
    return build_plan(extraction, **kwargs)[0]


def _plan_row(plan: PlanInfo) -> dict[str, str]:
    return {
        "plan_id": plan.plan_id,
        "jurisdiction": plan.jurisdiction,
        "adcode": plan.adcode,
        "level": plan.level,
        "kind": plan.kind,
        "period": plan.period,
        "title": plan.title,
        "text_path": _rel(plan.path),
    }


def _rel(path: str) -> str:
    try:
        return Path(path).resolve().relative_to(paths.ROOT).as_posix()
    except (ValueError, OSError):
        return str(path)


# --- the whole atlas -------------------------------------------------------------------------


def _extract(path: Path) -> Extraction:
    from .pipeline import extract_plan

    return extract_plan(path)


def build_atlas(plans: list[Path] | None, out: Path) -> dict[str, Any]:
    """Build the atlas of ``plans`` into ``out`` (DESIGN §3).

    Parameters
    ----------
    plans : list of Path or None
        Plan text files; ``None`` or empty means every plan in geodata/plans/manifest.csv.
    out : Path
        Output folder; gets ``atlas.gpkg``, ``geojson/<layer>.geojson`` and ``report.json``.
        Nothing in it changes until every plan has been built.

    Returns
    -------
    dict
        The report (also written to ``report.json``); :func:`format_report` prints it.

    Raises
    ------
    InputError
        A plan that cannot be read, has no recognisable jurisdiction, is given twice, or a
        malformed curated spec (then nothing is written).
    """
    from .export import geojson_bytes
    from .store import write_atlas

    t0 = time.perf_counter()
    if Path(out).exists() and not Path(out).is_dir():
        raise InputError(f"--out {out} is a file, not a folder")
    plans = list(plans) if plans else default_plans()
    if not plans:
        raise InputError("no plans to build (the plan manifest is empty)")
    seen: set[str] = set()
    rows: list[dict[str, Any]] = []
    inds, plan_rows, reports = [], [], []
    for i, path in enumerate(plans, 1):
        ex = _extract(Path(path))
        if ex.plan_id in seen:
            raise InputError(f"plan {ex.plan_id} given twice")
        seen.add(ex.plan_id)
        log.info("[%d/%d] %s: building layers", i, len(plans), ex.plan_id)
        plan_feats, ind, rep = _plan_rows(ex)
        rows += plan_feats
        inds.append(ind)
        plan_rows.append(_plan_row(ex.plan))
        reports.append(rep)
    # one frame per layer for all plans (split_layers sorts by id and validates)
    layers_out = split_layers(rows)
    merged: dict[str, pd.DataFrame] = dict(layers_out)
    # one typed table for all plans, sorted by id
    merged[INDICATORS] = indicator_table(
        sorted((r for part in inds for r in part), key=lambda r: r["id"])
    )
    merged[PLANS] = pd.DataFrame(plan_rows, columns=list(PLAN_COLUMNS)).sort_values(
        "plan_id", ignore_index=True
    )
    report = {
        "version": REPORT_VERSION,
        "plans": reports,
        "totals": totals(reports),
        "layers": {k: len(v) for k, v in sorted(layers_out.items())},
    }
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)  # stage beside ``out``: renames stay on one disk
    stage = Path(
        tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent if out.parent.exists() else None)
    )
    try:
        write_atlas(stage / "atlas.gpkg", merged)
        (stage / "geojson").mkdir()
        for k, gdf in layers_out.items():
            (stage / "geojson" / f"{k}.geojson").write_bytes(geojson_bytes(gdf))
        report["seconds"] = round(time.perf_counter() - t0, 2)
        text = json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"
        (stage / "report.json").write_text(text, encoding="utf-8")
        _publish(stage, out)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    log.info("atlas written to %s in %.1f s", out, report["seconds"])
    return report


def _publish(stage: Path, out: Path) -> None:
    """Move the staged outputs into ``out``: files by rename, the geojson folder by swap."""
    out.mkdir(parents=True, exist_ok=True)
    old = out / ".geojson-old"
    if old.exists():
        shutil.rmtree(old)
    if (out / "geojson").exists():
        os.replace(out / "geojson", old)
    os.replace(stage / "geojson", out / "geojson")
    shutil.rmtree(old, ignore_errors=True)
    os.replace(stage / "atlas.gpkg", out / "atlas.gpkg")
    os.replace(stage / "report.json", out / "report.json")
