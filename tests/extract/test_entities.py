"""Tests of entity extraction (atlas.extract.entities) and anchors (atlas.extract.anchors).

Golden feature tables: tests/golden/entities/<plan_id>.json, regenerated and compared; after
a deliberate change rewrite them with ``python -m tests.regen_goldens entities`` and review the
diff it prints against the plan text (the test itself never writes).
"""

from __future__ import annotations

import time
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from golden_diff import check, json_text
from test_layouts import OWN_PLANS, SEEDS, plan_doc

from atlas.extract.anchors import find_anchors
from atlas.extract.entities import extract_entities
from atlas.extract.passages import passages_from_text
from atlas.model import PlanInfo


@pytest.fixture(autouse=True)
def _bind_places(places):
    """Stages called directly consult the real gazetteer, as :func:`extract_document` does."""
    yield


GOLDEN = Path(__file__).parent.parent / "golden" / "entities"
REGEN = "python -m tests.regen_goldens entities"


@cache
def entities_of(plan_id: str):
    plan, doc = plan_doc(plan_id)
    return extract_entities(doc, plan)


def by_name(plan_id: str) -> dict:
    return {e.name: e for e in entities_of(plan_id)}


def ents(text: str, adcode: str = ""):
    return extract_entities(passages_from_text(text), PlanInfo("t", "t", "", adcode))


# --------------------------------------------------------------------------- anchors


def test_anchors_in_text_order_as_written():
    assert find_anchors("依托大凌河、小凌河、绕阳河,构建联动山海") == ("大凌河", "小凌河", "绕阳河")
    assert find_anchors("在南部大、小凌河入海口等周边乡镇") == ("大凌河", "小凌河")
    assert find_anchors("向北形成锦-阜-盘、锦-朝联动发展轴") == ("锦", "阜", "盘", "朝")
    assert find_anchors("沿国道304线形成的城镇发展轴") == ("国道304线",)
    assert find_anchors("打造宜业宜游的新县城") == ()


# --------------------------------------------------------------------------- on plain text


def test_segment_from_to_and_river():
    (e,) = ents("实施柳河阿尔乡至四合城段综合治理工程,改善水环境。")
    assert (e.layer, e.role, e.name) == ("water", "reach", "柳河阿尔乡至四合城段综合治理工程")
    assert (e.attr("river"), e.attr("from"), e.attr("to")) == ("柳河", "阿尔乡", "四合城")


def test_dedup_counts_mentions_and_keeps_first_source():
    text = (
        "加快大有经济开发区建设。\n推进大有经济开发区精细化工园区建设。\n支持大有经济开发区发展。"
    )
    got = {e.name: e for e in ents(text)}
    assert got["大有经济开发区"].attr("mentions") == "3"
    assert got["大有经济开发区"].source.line == 1
    assert got["大有经济开发区精细化工园区"].layer == "park"


def test_shared_head_and_investment_prefix():
    got = {e.name: e for e in ents("依托京沈、锦赤高铁,投资 3.72 亿元凌海灌区续建配套工程。")}
    assert {"京沈高铁", "锦赤高铁", "凌海灌区"} <= set(got)
    assert got["京沈高铁"].role == "rail"
    assert got["凌海灌区"].role == "irrigation"


def test_generic_and_placeless_names_are_skipped():
    text = "探索园区托管模式,建设农产品基地,实施环境整治工程,完善首末站。全面推行河长制。"
    got = ents(text)
    assert [(e.layer, e.role, e.name) for e in got] == [("water", "governance", "河长制")]


def test_area_and_length():
    got = {
        e.name: e
        for e in ents("加快兴城临海产业园建设,规划面积12.5平方公里。新建滨海公路18.5公里。")
    }
    assert got["兴城临海产业园"].attr("area_km2") == "12.5"
    assert got["滨海公路"].attr("length_km") == "18.5"


# --------------------------------------------------------------------------- seeds


def test_zhanqian_water_works():
    got = by_name("zhanqian-2021")
    seg = got["太子河(含大辽河)营口市城区营口港上游东端至大兴村段防洪治理工程"]
    assert (seg.layer, seg.role, seg.source.line) == ("water", "reach", 737)
    assert (seg.attr("from"), seg.attr("to")) == ("营口港上游东端", "大兴村")
    assert got["营口港东至成福里小区段治理工程"].attr("to") == "成福里小区"
    assert got["河长制"].source.line == 69
    assert got["造纸厂水库"].attr("mentions") == "2"  # 站前区造纸厂水库 is the same reservoir
    assert got["营口市科技创新产业园"].layer == "park"


def test_jinzhou_ports_transport_ecology():
    got = by_name("jinzhou-2021")
    assert got["龙栖湾港"].layer == "port"
    assert got["锦州港龙栖湾港区"].role == "port_area"
    assert got["京沈客专"].role == "rail" and got["京沈客专"].source.line == 33
    assert got["锦州湾机场"].role == "airport"
    assert got["医巫闾山国家级自然保护区"].layer == "ecology"
    reach = got["凌海市小凌河左岸沈山线至G102桥段防洪治理工程"]
    assert (reach.attr("from"), reach.attr("to")) == ("沈山线", "G102桥")
    layers = Counter(e.layer for e in entities_of("jinzhou-2021"))
    assert set(layers) == {"park", "port", "water", "transport", "ecology", "project"}


def test_own_plans():
    xc = by_name("own_xingcheng")
    assert xc["兴城河城区段(宁远大桥至入海口段)防洪治理工程"].attr("from") == "宁远大桥"
    assert xc["六股河入海口断面"].role == "section"
    assert xc["兴城港"].layer == "port" and xc["菊花岛客运码头"].role == "wharf"
    assert xc["首山国家森林公园"].role == "forest_park"
    zw = by_name("own_zhangwu")
    assert zw["闹德海水库"].role == "reservoir"
    assert zw["国道304线彰武段改建工程"].layer == "transport"
    assert zw["养息牧河生态廊道"].attr("mentions") == "2"
    assert zw["章古台国家级自然保护区"].role == "protected_area"
    dg = by_name("own_donggang")
    dyke = dg["大洋河黄土坎至入海口段堤防加固工程"]
    assert (dyke.layer, dyke.attr("river"), dyke.attr("from"), dyke.attr("to")) == (
        "water",
        "大洋河",
        "黄土坎",
        "入海口",
    )
    assert dg["东港经济开发区"].attr("area_km2") == "20.0"
    assert dg["前阳经济开发区"].attr("area_km2") == ""  # the 20 km² belong to 东港
    assert dg["丹东港大东港区"].role == "port_area"


@pytest.mark.timing
def test_fast_enough():
    for plan_id in SEEDS:
        plan_doc(plan_id)
    entities_of(SEEDS[0])  # warm the gazetteer (built once per process)
    entities_of.cache_clear()
    t0 = time.perf_counter()
    for plan_id in SEEDS:
        entities_of(plan_id)
    assert time.perf_counter() - t0 < 0.5


def table(plan_id: str) -> dict:
    return {
        "plan_id": plan_id,
        "entities": [
            {
                "layer": e.layer,
                "role": e.role,
                "name": e.name,
                "anchors": list(e.anchors),
                "source_line": e.source.line,
                "attrs": dict(e.attrs),
            }
            for e in entities_of(plan_id)
        ],
    }


@pytest.mark.parametrize("plan_id", [*SEEDS, *OWN_PLANS])
def test_golden_table(plan_id):
    check(GOLDEN / f"{plan_id}.json", json_text(table(plan_id)), REGEN)


def test_empty_and_markup_input():
    assert ents("") == ()
    assert ents("<b>加快</b>推进<script>x</script>一体化。") == ()


def test_counted_list_gives_one_entity_per_member():
    got = ents(
        "实施李家湾大桥、松岭门2个断面水质改善工程。整体提升黑山庞河、北镇沟帮子两个农产品加工集聚区。"
    )
    names = [e.name for e in got]
    assert names[:2] == ["李家湾大桥断面", "松岭门断面"]
    assert {"黑山庞河农产品加工集聚区", "北镇沟帮子农产品加工集聚区"} <= set(names)
    assert all(e.role == "section" for e in got[:2])
