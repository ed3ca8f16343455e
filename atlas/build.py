"""``atlas build``: plans → extraction → curated merge → placement → validated layers → store,
GeoJSON and report.json (DESIGN §3). Orchestration only: each step lives in its own module.

Nothing is written until every plan has been built; outputs are written into a staging folder
next to ``out`` and moved into place file by file, so a failed build never destroys the previous
good atlas.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from atlas import curated, paths
from atlas.assemble import admin_rows, feature_rows, indicator_rows, specs_from_extraction
from atlas.errors import InputError, WriteError
from atlas.export import geojson_bytes
from atlas.lock import out_lock
from atlas.manifest import default_plans, plan_info
from atlas.model import Extraction, PlanInfo
from atlas.pipeline import extract_plan, extract_text
from atlas.placement.context import plan_context
from atlas.places.gazetteer import default_gazetteer
from atlas.read.text import decode, read_plan_bytes, read_text, split_lines
from atlas.report import REPORT_VERSION, plan_report, totals
from atlas.schema import PLAN_COLUMNS, indicator_table, split_layers
from atlas.store import write_atlas

log = logging.getLogger(__name__)

INDICATORS = "indicators"
PLANS = "plans"


def extraction_from_json(doc: dict[str, Any], plan: PlanInfo | None = None) -> Extraction:
    """Rebuild an :class:`Extraction` from its ``atlas extract --json`` document; the plan's
    identity comes from the manifest when ``plan`` is not given."""
    plan = plan or plan_info(
        doc["plan_id"], jurisdiction=doc.get("jurisdiction", ""), adcode=doc.get("adcode", "")
    )
    return Extraction.from_json(doc, plan)


def _plan_lines(ex: Extraction, lines: Sequence[str] | None) -> tuple[str, ...]:
    if lines is not None:
        return tuple(lines)
    raw = ex.extra.get("raw_lines") if ex.extra else None
    if raw:
        return tuple(raw)
    path = Path(ex.plan.path) if ex.plan.path else None
    if path is not None and path.is_file():
        # the original lines only (as the reader numbers them); no need to re-normalise
        return tuple(split_lines(decode(read_plan_bytes(path))[0].lstrip("\ufeff")))
    return ()


# --- one plan ---------------------------------------------------------------------------------


def _plan_rows(
    ex: Extraction,
    gazetteer: Any = None,
    lines: Sequence[str] | None = None,
    use_curated: bool = True,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Feature rows, indicator rows and report entry of one extracted plan."""
    gaz = gazetteer if gazetteer is not None else default_gazetteer()
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
        Defaults to :func:`atlas.places.gazetteer.default_gazetteer`.
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
    t0 = time.perf_counter()
    if Path(out).exists() and not Path(out).is_dir():
        raise InputError(f"--out {out} is a file, not a folder")
    plans = list(plans) if plans else default_plans()
    if not plans:
        raise InputError("no plans to build (the plan manifest is empty)")
    seen: dict[str, Path] = {}
    rows: list[dict[str, Any]] = []
    inds, plan_rows, reports = [], [], []
    for i, path in enumerate(plans, 1):
        ex = _extract_unique(Path(path), seen)
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
    reports.sort(key=lambda r: r["plan_id"])  # not the command line's order
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
        try:
            _stage(stage, merged, layers_out, report, t0)
        except (OSError, WriteError) as exc:  # a full or read-only disk: exit 2, old atlas kept
            reason = getattr(exc, "strerror", None) or str(exc).rsplit(": ", 1)[-1]
            raise WriteError(f"cannot write the atlas into {out}: {reason}") from exc
        with out_lock(out):  # one publisher at a time per --out (see atlas/lock.py)
            _publish(stage, out)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    log.info("atlas written to %s in %.1f s", out, report["seconds"])
    return report


def _stage(
    stage: Path,
    merged: dict[str, pd.DataFrame],
    layers_out: dict[str, Any],
    report: dict[str, Any],
    t0: float,
) -> None:
    """Write ``atlas.gpkg``, ``geojson/`` and ``report.json`` into the staging folder."""
    write_atlas(stage / "atlas.gpkg", merged)
    (stage / "geojson").mkdir()
    for k, gdf in layers_out.items():
        (stage / "geojson" / f"{k}.geojson").write_bytes(geojson_bytes(gdf))
    report["seconds"] = round(time.perf_counter() - t0, 2)
    text = json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"
    (stage / "report.json").write_text(text, encoding="utf-8")


def _extract_unique(path: Path, seen: dict[str, Path]) -> Extraction:
    """Extract ``path``; a different file whose slug is already taken (``plan[1].txt`` and
    ``plan(1).txt`` are both ``plan-1``) gets ``-2``, ``-3`` …; the same file twice is an error.
    """
    ex = extract_plan(path)
    if ex.plan_id in seen:
        if seen[ex.plan_id].resolve() == path.resolve():
            raise InputError(f"plan {ex.plan_id} given twice")
        k = 2
        while f"{ex.plan_id}-{k}" in seen:
            k += 1
        ex = extract_plan(path, plan_id=f"{ex.plan_id}-{k}")
    seen[ex.plan_id] = path
    return ex


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


def build_upload(data: bytes | str, plan_id: str) -> dict[str, Any]:
    """Extract and place an uploaded plan text in memory (the app's upload page).

    Returns the session entry: ``plan`` (plans-table row), ``frames`` (layer → GeoDataFrame),
    ``indicators``, ``lines`` (the original lines), ``unresolved`` and ``seconds``.

    Raises
    ------
    atlas.errors.InputError
        For text that cannot be read as a plan (empty, binary, wrong encoding, too big).
    """
    t0 = time.perf_counter()
    ex = extract_text(data, plan_id)
    lines = list(read_text(data, plan_id, "<upload>").raw_lines)
    frames = build_extraction(ex, lines=lines)
    ind = frames.pop(INDICATORS, pd.DataFrame())
    plan_df = frames.pop(PLANS, pd.DataFrame())
    plan_row = plan_df.iloc[0].to_dict() if len(plan_df) else {"plan_id": plan_id}
    plan_row["plan_id"] = plan_id
    plan_row["title"] = plan_row.get("title") or f"上传：{plan_id}"
    return {
        "plan": plan_row,
        "frames": dict(frames),  # layer → GeoDataFrame (the two tables are popped above)
        "indicators": ind,
        "lines": lines,
        "unresolved": list(ex.to_json()["unresolved"]),
        "seconds": time.perf_counter() - t0,
    }
