"""A hostile atlas: every feature kind carries a name that is executable markup.

The plan text of :mod:`test_escaping` (hostile layout names read from the text) plus a curated
spec (YAML) that adds a park, a port, a water body, a project, a station and a mountain, each
named with a different payload, and renames a layout and a layout element. Used by
``tests/test_escaping_browser.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas import paths, store
from atlas.build import build_atlas

PLAN_ID = "hostile-2021"
PLAN = [
    "凌海市国民经济和社会发展第十四个五年规划纲要",  # 1
    "第一章 空间布局",  # 2
    "构建“一核两翼”的空间发展格局。",  # 3
    "一核：以＜svg onload=alert(11)＞新城为核心，建设金城街道中心城区。",  # 4
    "两翼：南翼为＜img src=x onerror=alert(12)＞滨海新区，北翼为北部生态区。",  # 5
    "第二章 产业园区",  # 6
    "建设测试园<img src=x onerror=alert(13)>，打造示范基地。",  # 7
    "推进大有港扩能改造，建设区域性港口。",  # 8
    "建设{{ 7*7 }}模板园{% if x %}。",  # 9
    "javascript:alert(14) 水库除险加固。",  # 10
]
#: (layer, role, name): one hostile name per feature kind, each with its own alert number
ADDED = [
    ("park", "park", "<img src=x onerror=alert(21)>公园"),
    ("port", "port", "<svg onload=alert(22)>港"),
    ("water", "reservoir", "javascript:alert(23)<img src=x onerror=alert(23)>水库"),
    ("project", "project", "{{ 7*7 }}<svg onload=alert(24)>项目"),
    ("transport", "station", "<img src=x onerror=alert(25)>站"),
    ("ecology", "mountain", "<svg/onload=alert(26)>山"),
]
LAYOUT_NAME = "<img src=x onerror=alert(27)>一核两翼"
ELEMENT_NAME = "<svg onload=alert(28)>北部生态区"
PAYLOADS = ("<img src=x onerror=", "<svg onload=", "<svg/onload=", "javascript:", "{{ 7*7 }}")


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def spec() -> str:
    out = [f"plan_id: {PLAN_ID}", "changes:"]
    for layer, role, name in ADDED:
        out += [
            "  - op: add",
            f"    layer: {layer}",
            f"    role: {role}",
            f"    name: {_q(name)}",
            "    anchors: [金城街道]",
            "    source_line: 7",
            f"    source_quote: {_q(PLAN[6])}",
            f"    reason: {_q('<img src=x onerror=alert(29)> hostile ' + layer)}",
        ]
    out += [
        "  - op: fix",
        "    match: {layout: 一核两翼, component: 北翼}",
        f"    name: {_q(ELEMENT_NAME)}",
        "    reason: a hostile element name from YAML",
        "  - op: fix",
        "    match: {layout: 一核两翼}",
        f"    layout: {_q(LAYOUT_NAME)}",
        "    reason: a hostile layout name from YAML",
    ]
    return "\n".join(out) + "\n"


def build(root: Path) -> Path:
    """Build the hostile plan into ``root / "build"``; the GeoPackage path."""
    plan = root / f"{PLAN_ID}.txt"
    plan.write_text("\n".join(PLAN) + "\n", encoding="utf-8")
    layers = root / "layers"
    layers.mkdir(exist_ok=True)
    (layers / f"{PLAN_ID}.yaml").write_text(spec(), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(paths, "LAYERS", layers)
        build_atlas([plan], root / "build")
    return root / "build" / "atlas.gpkg"


def frames(gpkg: Path) -> dict:
    return store.read_layers(gpkg, PLAN_ID)
