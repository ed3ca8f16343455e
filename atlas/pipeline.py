"""Extraction pipeline entry point: plan file or upload → :class:`~atlas.model.Extraction`.

text (:mod:`atlas.text`) → structure (:mod:`atlas.structure`) → extraction stages
(layouts, entities, indicators, projects). The plan's identity comes from
``geodata/plans/manifest.csv`` when the file is listed there (by file name or content
checksum); otherwise ``plan_id`` is the file stem and the jurisdiction is read from the text
(title lines, 本市/本区/本县 usage) with the gazetteer.

Stages owned by other modules are imported lazily: while ``atlas.extract.layouts`` or
``atlas.extract.entities`` does not exist, their results are empty (only a missing module is
tolerated; any other error propagates).
"""

from __future__ import annotations

import csv
import hashlib
import importlib
import logging
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from .model import Extraction, PlanInfo
from .paths import PLANS
from .structure import Document, parse
from .text import PlanText, load_plan, read_text

log = logging.getLogger(__name__)

_ADMIN_RE = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:自治县|自治州|省|市|县|区|旗)")
_LEVEL_BY_SUFFIX = (
    ("自治县", "county"),
    ("县", "county"),
    ("旗", "county"),
    ("区", "urban district"),
    ("市", "county-level city"),
)


# --------------------------------------------------------------------------- manifest


@lru_cache(maxsize=4)
def _manifest(plans_dir: str) -> tuple[dict[str, str], ...]:
    path = Path(plans_dir) / "manifest.csv"
    if not path.exists():
        return ()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return tuple(dict(r) for r in csv.DictReader(fh))


@lru_cache(maxsize=64)
def _file_digest(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def manifest_entry(
    name: str | None = None, data: bytes | None = None, plans_dir: Path = PLANS
) -> PlanInfo | None:
    """The manifest's :class:`PlanInfo` for a plan file, matched by name or checksum.

    Parameters
    ----------
    name : str, optional
        File name (``jinzhou-2021.txt``), its stem, the ``original_file`` or the plan id.
    data : bytes, optional
        File content; matched against the SHA-256 of the files listed in the manifest.
    plans_dir : Path
        Folder holding ``manifest.csv`` and the plan files.
    """
    rows = _manifest(str(plans_dir))
    if name:
        base = Path(name).name
        for r in rows:
            if base in (r.get("file"), r.get("original_file")) or Path(base).stem in (
                r.get("plan_id"),
                Path(r.get("file", "")).stem,
            ):
                return _info_from_row(r, plans_dir)
    if data is not None:
        digest = hashlib.sha256(data).hexdigest()
        for r in rows:
            f = plans_dir / r.get("file", "")
            if f.is_file() and _file_digest(str(f), f.stat().st_mtime) == digest:
                return _info_from_row(r, plans_dir)
    return None


def _info_from_row(r: dict[str, str], plans_dir: Path) -> PlanInfo:
    return PlanInfo(
        plan_id=r["plan_id"],
        path=str(plans_dir / r.get("file", "")),
        jurisdiction=r.get("jurisdiction", ""),
        adcode=r.get("adcode", ""),
        level=r.get("level", ""),
        kind=r.get("kind", "plan") or "plan",
        period=r.get("period", ""),
        title=r.get("title", ""),
    )


# --------------------------------------------------------------------------- detection


def _gazetteer() -> Any | None:
    """The shared gazetteer, or None while it is not available."""
    try:
        mod = importlib.import_module("atlas.gazetteer")
    except ModuleNotFoundError as exc:
        if exc.name in ("atlas.gazetteer",):
            return None
        raise
    factory = getattr(mod, "default_gazetteer", None)
    if factory is None:
        return None
    try:
        return factory()
    except Exception as exc:  # reference data broken or mid-rebuild: detect without it
        log.warning("gazetteer unavailable (%s); jurisdiction not detected", exc)
        return None


def _resolve_admin(token: str, gaz: Any, scope: str | None) -> Any | None:
    """Resolve an admin-name token, trimming leading noise (``年锦州市`` → ``锦州市``)."""
    for k in range(0, max(1, len(token) - 1)):
        name = token[k:]
        if len(name) < 2:
            break
        hits = gaz.geocode(name, scope=scope, levels=("province", "city", "county"))
        # without a scope, only 辽宁 units: 中心城区 must not make a plan 山西省阳泉市城区
        if not hits or (scope is None and not hits[0].code.startswith("21")):
            continue
        if hits[0].name.startswith(name[:-1]) and hits[0].confidence >= 0.5:
            return hits[0]
    return None


def detect_jurisdiction(doc: Document) -> PlanInfo:
    """Detect a plan's jurisdiction, level, kind and period from its text.

    The jurisdiction is the deepest admin unit named in the title lines (``锦州市凌海市…`` →
    凌海市); without a title, the unit named most often near the top together with
    本市/全市, 本县/全县 or 本区/全区 usage. Leaves ``adcode`` empty when nothing resolves.
    """
    plan = doc.plan
    title = doc.title
    head = [p.text for p in doc.text.paragraphs[:12]]
    kind = "work-report" if re.search(r"政府工作报告", title) else "plan"
    period = ""
    if "十四五" in title or "第十四个五年" in title:
        period = "2021-2025"
    elif "十五五" in title or "第十五个五年" in title:
        period = "2026-2030"
    if period and re.search(r"2035|二[〇O0]三五", title + "".join(head[:4])):
        period += ";2035"
    if kind == "work-report" and (m := re.search(r"(20\d\d)年", title)):
        period = f"{int(m.group(1)) - 1}-{m.group(1)}"
    gaz = _gazetteer()
    chain: list[Any] = []
    if gaz is not None:
        for line in [title, *head]:
            line = re.split(r"国民经济|政府工作报告|第[一二三四五六七八九十]+个五年|规划", line)[0]
            cur: list[Any] = []
            for m in _ADMIN_RE.finditer(line):
                place = _resolve_admin(m.group(0), gaz, cur[-1].code if cur else None)
                if place is not None:
                    cur.append(place)
            if cur:
                chain = cur
                break
        if not chain:
            chain = _by_usage(doc, gaz)
    if not chain:
        return replace(plan, title=plan.title or title, kind=kind, period=plan.period or period)
    depth = {"province": 0, "city": 1, "county": 2}
    chain.sort(key=lambda p: depth.get(p.level, 3))
    place = chain[-1]
    names = [p.name for p in chain]
    # complete the chain upwards (省 > 市 > 县) from the gazetteer's parent codes
    parent = getattr(chain[0], "parent", "")
    while parent and gaz is not None and parent in gaz and parent not in [p.code for p in chain]:
        up = gaz.get(parent)
        names.insert(0, up.name)
        parent = up.parent
    names = list(dict.fromkeys(names))
    level = {"province": "province", "city": "prefecture city"}.get(place.level, "")
    if not level:
        level = next((lv for suf, lv in _LEVEL_BY_SUFFIX if place.name.endswith(suf)), "county")
    return replace(
        plan,
        jurisdiction="".join(names),
        adcode=place.code,
        level=level,
        kind=kind,
        period=period,
        title=plan.title or title,
    )


def _by_usage(doc: Document, gaz: Any) -> list[Any]:
    """Most frequent admin unit in the first paragraphs, weighted by 本市/本县/本区 usage."""
    text = "".join(p.text for p in doc.text.paragraphs[:60])
    counts = Counter(m.group(0) for m in _ADMIN_RE.finditer(text))
    self_suffix = Counter(m.group(1) for m in re.finditer(r"[本全我]([市县区])", text))
    best: tuple[float, Any] | None = None
    for token, n in counts.most_common(12):
        place = _resolve_admin(token, gaz, None)
        if place is None:
            continue
        score = n * (
            2.0 if self_suffix and place.name[-1] == self_suffix.most_common(1)[0][0] else 1.0
        )
        if best is None or score > best[0]:
            best = (score, place)
    return [best[1]] if best else []


# --------------------------------------------------------------------------- stages


def _optional_stage(module: str, attr: str) -> Callable[..., Any] | None:
    """``module.attr`` if the module exists; None if *that module* is missing."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            log.info("%s not available yet; its results are empty", module)
            return None
        raise
    return getattr(mod, attr, None)


def extract_document(doc: Document) -> Extraction:
    """Run every extraction stage over a parsed document."""
    plan = doc.plan
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    layouts: tuple = ()
    unresolved: tuple = ()
    entities: tuple = ()
    fn = _optional_stage("atlas.extract.layouts", "extract_layouts")
    if fn is not None:
        layouts, unresolved = fn(doc, plan)
    timings["layouts"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    fn = _optional_stage("atlas.extract.entities", "extract_entities")
    if fn is not None:
        entities = fn(doc, plan)
    timings["entities"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    fn = _optional_stage("atlas.extract.indicators", "extract_indicators")
    indicators = fn(doc) if fn is not None else ()
    timings["indicators"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    fn = _optional_stage("atlas.extract.projects", "extract_projects")
    projects = fn(doc) if fn is not None else ()
    timings["projects"] = time.perf_counter() - t0
    return Extraction(
        plan=plan,
        layouts=tuple(layouts),
        entities=tuple(entities),
        indicators=tuple(indicators),
        projects=tuple(projects),
        unresolved=tuple(unresolved),
        extra={
            "timings": timings,
            "encoding": doc.text.encoding,
            "title": doc.title,
            # the original lines, so ``atlas.build`` quotes them without reading the file again
            "raw_lines": tuple(doc.text.raw_lines),
        },
    )


def _plan_info(pt: PlanText, known: PlanInfo | None) -> tuple[PlanInfo, Document]:
    if known is not None:
        info = replace(known, path=pt.path)
        doc = parse(pt, info)
        return info, doc
    doc = parse(pt, PlanInfo(plan_id=pt.plan_id, path=pt.path))
    info = detect_jurisdiction(doc)
    return info, replace(doc, plan=info)


def read_plan(path: Path, plan_id: str | None = None) -> Document:
    """Load and parse a plan file, with its :class:`PlanInfo` (manifest or detected)."""
    path = Path(path)
    known = manifest_entry(path.name) if plan_id is None else None
    if known is None and path.is_file():
        known = manifest_entry(data=path.read_bytes())
    pid = plan_id or (known.plan_id if known else path.stem)
    pt = load_plan(path, pid)
    if known is not None and plan_id is not None:
        known = replace(known, plan_id=plan_id)
    _, doc = _plan_info(pt, known)
    return doc


def extract_plan(path: Path, plan_id: str | None = None) -> Extraction:
    """Extract layouts, entities, indicators and projects from a plan file.

    Parameters
    ----------
    path : Path
        A plan text file (UTF-8/GBK/UTF-16).
    plan_id : str, optional
        Overrides the id; by default the manifest's id, else the file stem.

    Raises
    ------
    atlas.errors.PlanFormatError
        If the file cannot be read as plan text.
    """
    return extract_document(read_plan(path, plan_id))


def extract_text(
    data: bytes | str, plan_id: str, path: str = "<upload>", plan: PlanInfo | None = None
) -> Extraction:
    """Extract from plan text held in memory (an upload).

    Parameters
    ----------
    data : bytes or str
        The plan's content.
    plan_id : str
        Identifier for the plan (e.g. derived from the upload's file name).
    path : str
        Shown in messages and provenance.
    plan : PlanInfo, optional
        Known identity; else the manifest (by checksum) or detection from the text.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    known = plan or manifest_entry(data=raw)
    if known is not None:
        known = replace(known, plan_id=plan_id)
    pt = read_text(data, plan_id, path)
    _, doc = _plan_info(pt, known)
    return extract_document(doc)
