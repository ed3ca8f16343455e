"""Extraction: a parsed :class:`~atlas.read.structure.Document` → an ``Extraction``.

The four stages, run in this order by :func:`extract_document`:

- ``layouts`` — structure slogans and their components (:mod:`atlas.extract.layouts`);
- ``entities`` — parks, ports, water works, transport, projects with places;
- ``indicators`` — indicator tables and prose targets;
- ``projects`` — 专栏 project lists split into items.

Extraction never loads reference data: the caller passes the place index (the gazetteer) it
should consult, or ``None`` for text-only mode, which is recorded in ``Extraction.extra``.
"""

from __future__ import annotations

import time

from atlas.extract.anchors import using_places
from atlas.extract.entities import extract_entities
from atlas.extract.indicators import extract_indicators
from atlas.extract.layouts import extract_layouts
from atlas.extract.numbers import number_warnings
from atlas.extract.projects import extract_projects
from atlas.model import Extraction, PlaceIndex
from atlas.read.structure import Document

__all__ = ["extract_document"]


def extract_document(doc: Document, places: PlaceIndex | None) -> Extraction:
    """Run every extraction stage over a parsed document.

    Parameters
    ----------
    doc : Document
        The parsed plan (:func:`atlas.read.structure.parse`).
    places : PlaceIndex or None
        The gazetteer that anchors and project places are looked up in; ``None`` runs in
        text-only mode (place-suffix patterns only), recorded as ``extra["text_only"]``.
    """
    plan = doc.plan
    timings: dict[str, float] = {}
    with using_places(places):
        t0 = time.perf_counter()
        layouts, unresolved = extract_layouts(doc, plan)
        timings["layouts"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        entities = extract_entities(doc, plan)
        timings["entities"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        indicators = extract_indicators(doc)
        timings["indicators"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        projects = extract_projects(doc)
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
            "text_only": places is None,
            # numbers never read as values (1e308, 400 digits): listed in report.json
            "warnings": number_warnings(doc),
            # the original lines, so the build quotes them without reading the file again
            "raw_lines": tuple(doc.text.raw_lines),
        },
    )
