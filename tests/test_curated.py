"""Curated layer specs: validation (one-line CuratedSpecError) and merge with provenance."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas import curated, paths
from atlas.errors import CuratedSpecError, InputError
from atlas.model import Place, SourceSpan
from atlas.placement.anchoring import FeatureSpec

LINES = (
    "第三章 空间布局",
    "构建“一核两翼”发展格局。",
    "“南翼”即甲镇产业园,总体规划面积5.3平方公里。",
    "“北翼”未定义。",
)


class Gaz:
    def geocode(self, name, scope=None, levels=None):
        known = {"甲镇": Place("甲镇", "t1", "township", 121.1, 41.3)}
        return [known[name]] if name in known else []


def specs() -> list[FeatureSpec]:
    def s(component, name, resolved=True):
        return FeatureSpec(
            "test-2021",
            "layout",
            "wing",
            name,
            SourceSpan(3, name),
            layout="一核两翼",
            component=component,
            resolved=resolved,
        )

    return [s("南翼", "甲镇产业园"), s("北翼", "北翼", resolved=False)]


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "test-2021.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def load(tmp_path: Path, text: str):
    return curated.load_spec("test-2021", write(tmp_path, text))


def merge(doc):
    return curated.apply_spec(specs(), doc, plan_lines=LINES, gazetteer=Gaz(), scope="219901")


GOOD = """
plan_id: test-2021
reviewed: test
changes:
  - op: fix
    match: {layout: 一核两翼, component: 北翼}
    anchors: [甲镇]
    role: wing
    reason: reviewer located it
  - op: add
    layer: park
    role: park
    name: 甲镇产业园
    anchors: [甲镇]
    area_km2: 5.3
    source_line: 3
    source_quote: 总体规划面积5.3平方公里
    reason: missed by extraction
  - op: precision
    match: {component: 南翼}
    precision: schematic
    reason: the park boundary is not published
"""


def test_merge_marks_curated_and_keeps_extracted(tmp_path):
    out = merge(load(tmp_path, GOOD))
    assert len(out) == 3
    south, north, added = out
    assert north.provenance == "curated" and north.resolved and north.anchors == ("甲镇",)
    assert south.provenance == "curated" and south.precision == "schematic"
    assert added.layer == "park" and added.area_km2 == 5.3 and added.source.line == 3
    assert added.provenance == "curated"


def test_drop_removes_matches(tmp_path):
    doc = load(
        tmp_path,
        "plan_id: test-2021\nchanges:\n  - op: drop\n    match: {component: 北翼}\n"
        "    reason: false positive\n",
    )
    out = merge(doc)
    assert [s.component for s in out] == ["南翼"]


def test_no_spec_means_no_change(tmp_path):
    assert curated.load_spec("test-2021", tmp_path) is None
    assert merge(None) == specs()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("plan_id: test-2021\ncolour: red\n", "unknown key(s) colour"),
        ("plan_id: other\nchanges: []\n", "plan_id 'other'"),
        ("plan_id: test-2021\nchanges: [{op: move}]\n", "'op' must be one of"),
        (
            "plan_id: test-2021\nchanges:\n  - {op: drop, match: {name: x}, reason: r, hue: 1}\n",
            "unknown key(s) hue",
        ),
        ("plan_id: test-2021\nchanges:\n  - {op: drop, match: {name: x}}\n", "missing reason"),
        (
            "plan_id: test-2021\nchanges:\n  - {op: drop, match: {colour: x}, reason: r}\n",
            "'match' takes",
        ),
        (
            "plan_id: test-2021\nchanges:\n"
            "  - {op: precision, match: {name: x}, precision: exact, reason: r}\n",
            "precision must be one of",
        ),
        ("plan_id: test-2021\nchanges: [\n", "not valid YAML"),
    ],
)
def test_malformed_specs_fail_with_one_line(tmp_path, text, message):
    with pytest.raises(CuratedSpecError) as err:
        load(tmp_path, text)
    assert message in str(err.value)
    assert "\n" not in str(err.value)
    assert isinstance(err.value, InputError)  # → CLI exit code 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            "  - {op: fix, match: {component: 北翼}, anchors: [火星], reason: r}\n",
            "unknown place '火星'",
        ),
        ("  - {op: drop, match: {component: 东翼}, reason: r}\n", "hits no extracted feature"),
        (
            "  - {op: add, layer: park, role: park, name: x, source_line: 3,"
            " source_quote: 不在原文, reason: r}\n",
            "source_quote not found verbatim at line 3",
        ),
        (
            "  - {op: add, layer: park, role: park, name: x, source_line: 99,"
            " source_quote: 甲镇, reason: r}\n",
            "outside the plan file",
        ),
    ],
)
def test_merge_rejects_unknown_places_stale_matches_and_invented_quotes(tmp_path, change, message):
    doc = load(tmp_path, "plan_id: test-2021\nchanges:\n" + change)
    with pytest.raises(CuratedSpecError, match=message):
        merge(doc)


def test_shipped_specs_are_few_and_valid():
    shipped = sorted(paths.LAYERS.glob("*.yaml"))
    specs_ = [p for p in shipped if p.stem != "style"]
    total = 0
    for p in specs_:
        doc = curated.load_spec(p.stem)
        assert doc is not None and doc["changes"]
        total += len(doc["changes"])
        for ch in doc["changes"]:
            assert ch["reason"].strip()
    assert total <= 15  # corrections stay few: extraction does the work


def test_build_mode_records_stale_changes_instead_of_failing(tmp_path):
    doc = load(
        tmp_path,
        "plan_id: test-2021\nchanges:\n"
        "  - {op: drop, match: {component: 东翼}, reason: r}\n"
        "  - {op: drop, match: {component: 北翼}, reason: r}\n",
    )
    stale: list[str] = []
    out = curated.apply_spec(
        specs(), doc, plan_lines=LINES, gazetteer=Gaz(), scope="219901", stale=stale
    )
    assert [s.component for s in out] == ["南翼"]  # the live change still applies
    assert len(stale) == 1 and "东翼" in stale[0] and "hits no extracted feature" in stale[0]
