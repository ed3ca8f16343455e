"""The build report (report.json) and its printed summary.

Per plan: the layouts found with their elements by precision class, entity and indicator
counts, every unresolved item with its reason, and the extracted/curated split; totals over all
plans. :func:`format_report` is what ``atlas build`` prints.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd

from .layers import frame
from .model import LAYERS, PRECISIONS, Extraction

INDICATORS = "indicators"
REPORT_VERSION = 1


def plan_report(
    ex: Extraction,
    frames: dict[str, pd.DataFrame],
    n_extracted: int,
    ops: Counter,
    text_path: str = "",
) -> dict[str, Any]:
    """The report.json entry of a plan (layouts, precision counts, unresolved, provenance)."""
    lay = frames.get("layout")
    layouts = []
    declared = {x.name: x for x in ex.layouts}
    if lay is not None:
        for name, part in lay.groupby("layout", sort=False):
            first = int(part["source_line"].min())
            src = declared.get(name)
            layouts.append(
                {
                    "name": name,
                    "source_line": int(src.source.line) if src and src.source else first,
                    "context": src.context if src else "",
                    # element count the slogan's numerals imply (0: open-ended, e.g. 多点)
                    "expected": int(src.expected) if src else 0,
                    "elements": len(part),
                    "by_precision": _counts(part["precision"]),
                    "by_provenance": _counts(part["provenance"]),
                }
            )
        layouts.sort(key=lambda d: (d["source_line"], d["name"]))
    ents = [f for k, f in frames.items() if k in LAYERS and k not in ("layout", "admin")]
    ent = pd.concat(ents) if ents else frame([])
    unresolved = []
    for k in ("layout", *(x for x in LAYERS if x not in ("layout", "admin"))):
        f = frames.get(k)
        if f is None:
            continue
        for r in f[f["precision"] == "unresolved"].itertuples():
            unresolved.append(
                {
                    "layer": k,
                    "layout": r.layout,
                    "component": r.component,
                    "name": r.name,
                    "source_line": int(r.source_line),
                    "reason": r.note,
                }
            )
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
    prov = Counter()
    for k, f in frames.items():
        if k in LAYERS and k != "admin":
            prov.update(f["provenance"])
    lay_prov = _counts(lay["provenance"]) if lay is not None else {}
    return {
        "plan_id": ex.plan_id,
        "jurisdiction": ex.plan.jurisdiction,
        "adcode": ex.plan.adcode,
        "text_path": text_path or ex.plan.path,
        "layouts": layouts,
        "elements": len(lay) if lay is not None else 0,
        "elements_by_precision": _counts(lay["precision"]) if lay is not None else {},
        "entities": len(ent),
        "entities_by_layer": _counts(ent["layer"]),
        "entities_by_precision": _counts(ent["precision"]),
        "indicators": len(frames[INDICATORS]),
        "projects": {
            "listed": len(ex.projects),
            "without_place": sum(1 for p in ex.projects if not p.places),
        },
        "unresolved": unresolved,
        "provenance": {
            "extracted_specs": n_extracted,
            "features": {k: int(v) for k, v in sorted(prov.items())},
            "layout_elements": lay_prov,
            "curated_changes": {k: int(v) for k, v in sorted(ops.items())},
        },
    }


def _counts(s: pd.Series) -> dict[str, int]:
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
