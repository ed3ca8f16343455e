"""The build report (report.json) and its printed summary.

Per plan: the layouts found with their elements by precision class, entity and indicator
counts, every unresolved item with its reason, and the extracted/curated split; totals over all
plans. :func:`format_report` is what ``atlas build`` prints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from atlas.model import LAYERS, PRECISIONS, Extraction

INDICATORS = "indicators"
REPORT_VERSION = 1


def plan_report(
    ex: Extraction,
    rows: Sequence[dict[str, Any]],
    n_indicators: int,
    n_extracted: int,
    ops: Counter,
    text_path: str = "",
) -> dict[str, Any]:
    """The report.json entry of a plan from its feature rows (see module docstring)."""
    rows = sorted(rows, key=lambda r: (LAYERS.index(r["layer"]), r["id"]))
    lay = [r for r in rows if r["layer"] == "layout"]
    ent = [r for r in rows if r["layer"] not in ("layout", "admin")]
    declared = {x.name: x for x in ex.layouts}
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in lay:
        groups.setdefault(r["layout"], []).append(r)
    layouts = []
    for name, part in groups.items():
        src = declared.get(name)
        first = min(r["source_line"] for r in part)
        layouts.append(
            {
                "name": name,
                "source_line": int(src.source.line) if src and src.source else first,
                "context": src.context if src else "",
                # element count the slogan's numerals imply (0: open-ended, e.g. 多点)
                "expected": int(src.expected) if src else 0,
                "elements": len(part),
                "by_precision": _counts(r["precision"] for r in part),
                "by_provenance": _counts(r["provenance"] for r in part),
            }
        )
    layouts.sort(key=lambda d: (d["source_line"], d["name"]))
    unresolved = [
        {
            "layer": r["layer"],
            "layout": r["layout"],
            "component": r["component"],
            "name": r["name"],
            "source_line": int(r["source_line"]),
            "reason": r["note"],
        }
        for r in lay + ent
        if r["precision"] == "unresolved"
    ]
    for u in ex.unresolved:
        if u.kind not in ("layout", "element"):
            unresolved.append(
                {
                    "layer": u.kind,
                    "layout": u.layout,
                    "component": u.component,
                    "name": u.name,
                    "source_line": u.source.line if u.source else None,
                    "reason": u.reason,
                }
            )
    prov = Counter(r["provenance"] for r in lay + ent)
    return {
        "plan_id": ex.plan_id,
        "jurisdiction": ex.plan.jurisdiction,
        "adcode": ex.plan.adcode,
        "text_path": text_path or ex.plan.path,
        "layouts": layouts,
        "elements": len(lay),
        "elements_by_precision": _counts(r["precision"] for r in lay),
        "entities": len(ent),
        "entities_by_layer": _counts(r["layer"] for r in ent),
        "entities_by_precision": _counts(r["precision"] for r in ent),
        "indicators": n_indicators,
        "projects": {
            "listed": len(ex.projects),
            "without_place": sum(1 for p in ex.projects if not p.places),
        },
        "unresolved": unresolved,
        "precision_by_layer": _precision_by_layer(rows),
        "stated_areas": _stated_areas(rows),
        # numbers in scientific notation or of absurd size, never read as values (with lines)
        "warnings": list((ex.extra or {}).get("warnings", [])),
        "provenance": {
            "extracted_specs": n_extracted,
            "features": {k: int(v) for k, v in sorted(prov.items())},
            "layout_elements": _counts(r["provenance"] for r in lay),
            "curated_changes": {k: int(v) for k, v in sorted(ops.items())},
        },
    }


def _precision_by_layer(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Per layer: features per precision class, and per class the rules that made them."""
    out: dict[str, Any] = {}
    for layer in LAYERS:
        part = [r for r in rows if r["layer"] == layer]
        if not part:
            continue
        rules: dict[str, dict[str, int]] = {}
        for prec in PRECISIONS:
            used = Counter(r.get("rule", "") for r in part if r["precision"] == prec)
            if used:
                rules[prec] = {k: int(v) for k, v in sorted(used.items())}
        out[layer] = {"by_precision": _counts(r["precision"] for r in part), "rules": rules}
    return out


def _stated_areas(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Features whose text states an area: the stated km² next to the drawn km²."""
    from atlas.placement.geometry import area_km2

    out = []
    for r in rows:
        stated = r.get("area_km2")
        if stated is None or stated != stated:  # None or NaN
            continue
        g = r.get("geometry")
        drawn = area_km2(g) if g is not None and g.geom_type.endswith("Polygon") else None
        out.append(
            {
                "name": r["name"],
                "layer": r["layer"],
                "source_line": int(r["source_line"]),
                "stated_km2": float(stated),
                "drawn_km2": None if drawn is None else round(drawn, 2),
                "ratio": None if not drawn else round(drawn / float(stated), 3),
            }
        )
    return out


def _counts(s: Iterable[str]) -> dict[str, int]:
    c = Counter(s)
    order = [p for p in (*PRECISIONS, *LAYERS, "extracted", "curated", "reference") if p in c]
    order += sorted(k for k in c if k not in order)
    return {k: int(c[k]) for k in order}


def totals(reports: list[dict[str, Any]]) -> dict[str, Any]:
    prec: Counter = Counter()
    prov: Counter = Counter()
    for r in reports:
        prec.update(r["elements_by_precision"])
        prov.update(r["provenance"]["layout_elements"])
    total = sum(prov.values())
    return {
        "plans": len(reports),
        "layouts": sum(len(r["layouts"]) for r in reports),
        "elements": sum(r["elements"] for r in reports),
        "elements_by_precision": {k: int(prec[k]) for k in PRECISIONS if k in prec},
        "entities": sum(r["entities"] for r in reports),
        "indicators": sum(r["indicators"] for r in reports),
        "unresolved": sum(len(r["unresolved"]) for r in reports),
        "layout_elements_extracted": int(prov.get("extracted", 0)),
        "layout_elements_curated": int(prov.get("curated", 0)),
        "extracted_share": round(prov.get("extracted", 0) / total, 3) if total else None,
    }


def format_report(report: dict[str, Any]) -> str:
    """Human-readable summary of a build report (what ``atlas build`` prints)."""
    out = []
    for r in report["plans"]:
        out.append(
            f"{r['plan_id']} ({r['jurisdiction'] or r['adcode']}): {len(r['layouts'])} layouts, "
            f"{r['elements']} elements, {r['entities']} entities, {r['indicators']} indicators"
        )
        for lay in r["layouts"]:
            prec = ", ".join(f"{k} {v}" for k, v in lay["by_precision"].items())
            out.append(f"  {lay['name']} (line {lay['source_line']}): {prec}")
        for msg in r["provenance"].get("curated_stale", []):
            out.append(f"  stale curated change (review it): {msg}")
        lp = r["provenance"]["layout_elements"]
        out.append(
            f"  elements: extracted {lp.get('extracted', 0)}, curated {lp.get('curated', 0)}"
        )
        if r["unresolved"]:
            out.append(f"  unresolved ({len(r['unresolved'])}):")
            for u in r["unresolved"]:
                label = "/".join(x for x in (u["layout"], u["component"], u["name"]) if x)
                out.append(f"    - {label} (line {u['source_line']}): {u['reason']}")
    t = report["totals"]
    share = t["extracted_share"]
    out.append(
        f"total: {t['plans']} plans, {t['layouts']} layouts, {t['elements']} elements "
        f"({', '.join(f'{k} {v}' for k, v in t['elements_by_precision'].items())}), "
        f"{t['entities']} entities, {t['indicators']} indicators, {t['unresolved']} unresolved"
    )
    out.append(
        f"layout elements: extracted {t['layout_elements_extracted']}, curated "
        f"{t['layout_elements_curated']}"
        + (f" ({share:.0%} from extraction alone)" if share is not None else "")
    )
    if "seconds" in report:
        out.append(f"built in {report['seconds']} s")
    return "\n".join(out)
