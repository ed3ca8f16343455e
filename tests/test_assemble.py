"""Layer assembly: extraction → specs → placed rows → validated frames (synthetic ground)."""

from __future__ import annotations

import ground_fixture as ground
import pytest

from atlas.assemble import feature_rows, indicator_frame, specs_from_extraction
from atlas.errors import SchemaError
from atlas.model import (
    Entity,
    Extraction,
    Indicator,
    Layout,
    LayoutElement,
    PlanInfo,
    Project,
    SourceSpan,
    Unresolved,
)
from atlas.schema import COLUMNS, frame, slug, split_layers, validate

spec = ground.spec
JURIS, RIVER, COAST, SEA, WEST = ground.JURIS, ground.RIVER, ground.COAST, ground.SEA, ground.WEST


@pytest.fixture(scope="module")
def ctx():
    return ground.make_ctx()


def _extraction() -> Extraction:
    src = SourceSpan(12, "构建“一核两翼三片区”")
    lay = Layout(
        "test-2021",
        "一核两翼三片区",
        src,
        (
            LayoutElement("一核", "core", "甲区", SourceSpan(13, "一核指甲区"), ("甲区",)),
            LayoutElement("北翼", "wing", "北翼", SourceSpan(14, "北翼"), resolved=False),
            LayoutElement("三片区", "zone", "南部滨海区", SourceSpan(15, "南部滨海区")),
        ),
    )
    undefined = Layout("test-2021", "一核双廊", SourceSpan(20, "构建“一核双廊”"))
    ent = Entity("test-2021", "port", "port", "测试港", SourceSpan(30, "测试港"), ("测试港",))
    ind = Indicator(
        "test-2021",
        "地区生产总值",
        "gdp",
        "亿元",
        SourceSpan(40, "地区生产总值"),
        base_year=2020,
        base_value=147.0,
        target_year=2025,
        target_value=200.0,
    )
    unres = Unresolved("test-2021", "layout", "一核双廊", "never defined", SourceSpan(20, "x"))
    plan = PlanInfo("test-2021", "", jurisdiction="测试县", adcode="219901")
    projects = (
        Project(
            "test-2021",
            "甲镇物流园",
            SourceSpan(50, "甲镇物流园"),
            places=("甲镇",),
            investment=12.5,
            box="专栏1",
        ),
        Project("test-2021", "某公司技改", SourceSpan(51, "某公司技改")),  # no place: not mapped
        Project("test-2021", "测试港", SourceSpan(52, "测试港"), places=("测试港",)),  # = entity
    )
    return Extraction(plan, (lay, undefined), (ent,), (ind,), projects, (unres,))


def test_specs_from_extraction_keep_everything_once():
    specs = specs_from_extraction(_extraction())
    names = [(s.layer, s.layout, s.component, s.resolved) for s in specs]
    assert names == [
        ("layout", "一核两翼三片区", "一核", True),
        ("layout", "一核两翼三片区", "北翼", False),
        ("layout", "一核两翼三片区", "三片区", True),
        ("layout", "一核双廊", "一核双廊", False),  # the undefined layout: one row, not two
        ("port", "", "", True),
        ("project", "", "", True),
    ]
    project = specs[-1]
    assert project.name == "甲镇物流园" and project.anchors == ("甲镇",)
    assert project.attr("investment_yi") == "12.5" and project.attr("box") == "专栏1"


def test_rows_and_frames_follow_the_schema(ctx):
    rows = feature_rows(specs_from_extraction(_extraction()), ctx)
    frames = split_layers(rows)
    assert set(frames) == {"layout", "port", "project"}
    assert frames["project"].geometry.iloc[0].equals(ground.Point(121.1, 41.3))
    lay = frames["layout"]
    assert tuple(c for c in lay.columns if c != "geometry") == COLUMNS
    assert list(lay["id"]) == sorted(lay["id"])
    assert "test-2021:layout:一核两翼三片区.一核.甲区" in set(lay["id"])
    unres = lay[lay["precision"] == "unresolved"]
    assert len(unres) == 2 and unres.geometry.isna().all()
    assert set(unres["source_line"]) == {14, 20}
    assert frames["port"]["precision"].iloc[0] == "surveyed"
    # ids are deterministic: a second run gives the same ids in the same order
    again = split_layers(feature_rows(specs_from_extraction(_extraction()), ctx))
    assert list(again["layout"]["id"]) == list(lay["id"])


def test_duplicate_names_get_numbered_ids(ctx):
    s = spec("node", "甲镇", ["甲镇"], "多点")
    rows = feature_rows([s, s], ctx)
    assert [r["id"] for r in rows] == [
        "test-2021:layout:一核两翼三片区.多点.甲镇",
        "test-2021:layout:一核两翼三片区.多点.甲镇-2",
    ]


def test_validate_rejects_broken_frames(ctx):
    rows = feature_rows([spec("core", "甲区", ["甲区"], "一核")], ctx)
    good = frame(rows)
    validate(good)
    with pytest.raises(SchemaError, match="columns"):
        validate(good.drop(columns=["rule"]))
    bad = good.copy()
    bad.loc[0, "precision"] = "approximate"
    with pytest.raises(SchemaError, match="precision"):
        validate(bad)
    bad = good.copy()
    bad.loc[0, "precision"] = "unresolved"
    with pytest.raises(SchemaError, match="empty exactly"):
        validate(bad)
    dup = frame(rows + rows)
    with pytest.raises(SchemaError, match="duplicate"):
        validate(dup)
    with pytest.raises(SchemaError, match="CRS"):
        validate(good.set_crs(3857, allow_override=True))


def test_indicator_frame_is_typed_and_joinable():
    df = indicator_frame(_extraction())
    row = df.iloc[0]
    assert row["adcode"] == "219901" and row["id"] == "test-2021:indicator:地区生产总值"
    assert row["base_value"] == 147.0 and row["target_year"] == 2025
    assert str(df["target_year"].dtype) == "Int64"


def test_slug_is_stable_and_readable():
    assert slug("锦-阜-盘联动发展轴") == "锦-阜-盘联动发展轴"
    assert slug("自然保护地(森林公园、湿地公园)") == "自然保护地-森林公园-湿地公园"
    assert slug("::") == slug("::") and len(slug("::")) == 8
