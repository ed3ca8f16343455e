"""Plan file or upload → :class:`~atlas.model.Extraction`.

bytes (:mod:`atlas.read.text`) → document (:mod:`atlas.read.structure`) → identity
(:mod:`atlas.manifest` when the file is listed there by name or checksum, else
:mod:`atlas.identify` from the text) → extraction stages (:mod:`atlas.extract`).

The gazetteer is loaded once here and passed down; if it fails to load, that is an error. Only
``text_only=True`` runs without it (no jurisdiction detection, anchors from patterns only), and
the extraction records it in ``extra["text_only"]``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from atlas.extract import extract_document
from atlas.identify import detect_jurisdiction
from atlas.limits import safe_plan_id
from atlas.manifest import manifest_entry
from atlas.model import Extraction, PlaceIndex, PlanInfo
from atlas.places.gazetteer import default_gazetteer
from atlas.read.structure import Document, parse
from atlas.read.text import PlanText, read_plan_bytes, read_text

__all__ = ["extract_plan", "extract_text", "read_plan"]


def _places(text_only: bool) -> PlaceIndex | None:
    return None if text_only else default_gazetteer()


def _plan_info(
    pt: PlanText, known: PlanInfo | None, places: PlaceIndex | None
) -> tuple[PlanInfo, Document]:
    if known is not None:
        info = replace(known, path=pt.path)
        return info, parse(pt, info)
    doc = parse(pt, PlanInfo(plan_id=pt.plan_id, path=pt.path))
    info = detect_jurisdiction(doc, places)
    return info, replace(doc, plan=info)


def read_plan(path: Path, plan_id: str | None = None, *, text_only: bool = False) -> Document:
    """Load and parse a plan file, with its :class:`PlanInfo` (manifest or detected)."""
    return _read_plan(Path(path), plan_id, text_only)[0]


def _read_plan(
    path: Path, plan_id: str | None, text_only: bool
) -> tuple[Document, PlaceIndex | None]:
    """The parsed plan and the place index it was identified with.

    The file is read and checked (size, encoding, line count) before the gazetteer is loaded,
    so a refused file costs well under a second.
    """
    known = manifest_entry(path.name) if plan_id is None else None
    data = read_plan_bytes(path)  # size checked before reading (never the whole of a 3 GB file)
    if known is None:
        known = manifest_entry(data=data)
    # a file name may hold anything (plan[1]:a*b?.txt): the id is a slug, safe in paths,
    # URLs and XLSX sheet names
    pid = plan_id or (known.plan_id if known else safe_plan_id(path.stem, default="plan"))
    pt = read_text(data, pid, str(path))
    if known is not None and plan_id is not None:
        known = replace(known, plan_id=plan_id)
    places = _places(text_only)
    return _plan_info(pt, known, places)[1], places


def extract_plan(path: Path, plan_id: str | None = None, *, text_only: bool = False) -> Extraction:
    """Extract layouts, entities, indicators and projects from a plan file.

    Parameters
    ----------
    path : Path
        A plan text file (UTF-8/GBK/UTF-16).
    plan_id : str, optional
        Overrides the id; by default the manifest's id, else the file stem.
    text_only : bool
        Run without the gazetteer (recorded in ``extra["text_only"]``).

    Raises
    ------
    atlas.errors.PlanFormatError
        If the file cannot be read as plan text.
    """
    doc, places = _read_plan(Path(path), plan_id, text_only)
    return extract_document(doc, places)


def extract_text(
    data: bytes | str,
    plan_id: str,
    path: str = "<upload>",
    plan: PlanInfo | None = None,
    *,
    text_only: bool = False,
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
    text_only : bool
        Run without the gazetteer (recorded in ``extra["text_only"]``).
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    known = plan or manifest_entry(data=raw)
    if known is not None:
        known = replace(known, plan_id=plan_id)
    places = _places(text_only)
    pt = read_text(data, plan_id, path)
    _, doc = _plan_info(pt, known, places)
    return extract_document(doc, places)
