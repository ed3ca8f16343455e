"""The build report: counts by layout, precision and provenance; unresolved with reasons."""

from __future__ import annotations

from collections import Counter

from atlas.model import Extraction, Layout, PlanInfo, Project, SourceSpan, Unresolved
from atlas.report import format_report, plan_report, totals


def row(layer, name, precision, provenance="extracted", layout="", line=5, note=""):
    return {
        "id": f"p:{layer}:{layout}.{name}",
        "layer": layer,
        "layout": layout,
        "component": name,
        "name": name,
        "precision": precision,
        "provenance": provenance,
        "source_line": line,
        "note": note,
    }


def extraction() -> Extraction:
    lay = Layout("p", "一核两翼", SourceSpan(3, "构建“一核两翼”"), expected=3, context="空间布局")
    projects = (
        Project("p", "甲园", SourceSpan(9, "甲园"), places=("甲镇",)),
        Project("p", "技改", SourceSpan(9, "技改")),
    )
    unres = (Unresolved("p", "place", "火星", "not in the gazetteer", SourceSpan(7, "火星")),)
    return Extraction(PlanInfo("p", "", jurisdiction="测试县", adcode="219901"), (lay,), (),
                      (), projects, unres)  # fmt: skip


ROWS = [
    row("layout", "一核", "admin", layout="一核两翼", line=4),
    row("layout", "南翼", "derived", "curated", layout="一核两翼", line=5),
    row("layout", "北翼", "unresolved", layout="一核两翼", line=6, note="never defined"),
    row("park", "甲园", "derived"),
    row("water", "清河", "unresolved", note="not in the gazetteer: 清河"),
    row("admin", "测试县", "admin", "reference"),
]


def test_plan_report_counts_and_reasons():
    r = plan_report(extraction(), ROWS, 4, 3, Counter({"fix": 1}), "plans/p.txt")
    assert r["layouts"] == [
        {
            "name": "一核两翼",
            "source_line": 3,
            "context": "空间布局",
            "expected": 3,
            "elements": 3,
            "by_precision": {"admin": 1, "derived": 1, "unresolved": 1},
            "by_provenance": {"extracted": 2, "curated": 1},
        }
    ]
    assert r["elements_by_precision"] == {"admin": 1, "derived": 1, "unresolved": 1}
    assert r["entities"] == 2 and r["entities_by_layer"] == {"park": 1, "water": 1}
    assert r["indicators"] == 4
    assert r["projects"] == {"listed": 2, "without_place": 1}
    assert [(u["name"], u["reason"]) for u in r["unresolved"]] == [
        ("北翼", "never defined"),
        ("清河", "not in the gazetteer: 清河"),
        ("火星", "not in the gazetteer"),
    ]
    assert r["provenance"]["layout_elements"] == {"extracted": 2, "curated": 1}
    assert r["provenance"]["curated_changes"] == {"fix": 1}
    assert r["text_path"] == "plans/p.txt"


def test_totals_and_printed_summary():
    r = plan_report(extraction(), ROWS, 4, 3, Counter())
    t = totals([r, r])
    assert t["plans"] == 2 and t["elements"] == 6 and t["unresolved"] == 6
    assert t["layout_elements_extracted"] == 4 and t["layout_elements_curated"] == 2
    assert t["extracted_share"] == round(4 / 6, 3)
    text = format_report({"plans": [r], "totals": t, "seconds": 1.5})
    assert "一核两翼 (line 3): admin 1, derived 1, unresolved 1" in text
    assert "北翼 (line 6): never defined" in text
    assert "extracted 4, curated 2 (67% from extraction alone)" in text
    assert text.endswith("built in 1.5 s")
