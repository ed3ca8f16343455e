"""The layout, indicator and entity forms of issue 14, each on a short made-up text.

The texts are written for these tests (no plan of the corpus or the seeds); they exercise one
form each so that a regression names the form it broke.
"""

from __future__ import annotations

import pytest

from atlas.extract.prose_targets import clause_targets
from atlas.pipeline import extract_text


def elements(text: str, slogan: str) -> list[tuple[str, str, str]]:
    ex = extract_text(text, "t", text_only=True)
    lay = next(lay for lay in ex.layouts if lay.name == slogan)
    return [(e.component, e.role, e.name) for e in lay.elements if e.resolved]


# --------------------------------------------------------------------------- layouts


def test_definition_after_comma_ji():
    text = (
        "第三章 空间格局\n构建“一城两区”格局。\n一城，即某县县城。\n"
        "两区，即东部甲产业区和西部乙农业区。\n"
    )
    assert elements(text, "一城两区") == [
        ("一城", "core", "某县县城"),
        ("两区", "zone", "东部甲产业区"),
        ("两区", "zone", "西部乙农业区"),
    ]


def test_by_role_and_counted_list():
    text = (
        "第三章 空间格局\n"
        "坚持“双核两翼三区”格局，以甲县城和乙新城为双核，以北翼丙农牧区和南翼丁农业区为两翼，"
        "形成北部戊农业区、中部己工业区及南部庚生态区三区。\n"
    )
    assert elements(text, "双核两翼三区") == [
        ("双核", "core", "甲县城"),
        ("双核", "core", "乙新城"),
        ("两翼", "wing", "北翼丙农牧区"),
        ("两翼", "wing", "南翼丁农业区"),
        ("三区", "zone", "北部戊农业区"),
        ("三区", "zone", "中部己工业区"),
        ("三区", "zone", "南部庚生态区"),
    ]


def test_members_before_wei_label_without_yi():
    text = (
        "第三章 布局\n构建“一核两翼多点”格局。甲县城为一核，乙镇和丙镇为两翼，"
        "子镇、丑镇、寅镇等重点镇为多点。\n"
    )
    assert [n for _c, _r, n in elements(text, "一核两翼多点")] == [
        "甲县城",
        "乙镇",
        "丙镇",
        "子镇",
        "丑镇",
        "寅镇",
    ]


def test_clauses_led_by_names_in_sub_sections():
    text = (
        "第三章 空间格局\n第一节 总体布局\n坚持“一核两带”格局，以县城为核心。\n"
        "第二节 建设两带\n甲河生态带串联子镇、丑镇；乙河生态带串联寅镇、卯镇。\n"
    )
    assert elements(text, "一核两带") == [
        ("一核", "core", "县城"),
        ("两带", "belt", "甲河生态带"),
        ("两带", "belt", "乙河生态带"),
    ]


def test_fenbie_wei_and_names_after_wei():
    text = (
        "第三章 布局\n构建“一核三带”格局。“一核”是指甲市主城区。"
        "“三带”分别为沿甲河生态带、沿乙路产业带和丙山旅游带。\n"
        "构建“两带三区”格局。\n沿甲河布局甲河生态经济带，沿乙河布局乙河生态经济带。\n"
        "东部山区为生态涵养区，中部平原为现代农业区，西部为工业发展区。\n"
    )
    assert [n for _c, _r, n in elements(text, "一核三带")] == [
        "甲市主城区",
        "沿甲河生态带",
        "沿乙路产业带",
        "丙山旅游带",
    ]
    assert [n for _c, _r, n in elements(text, "两带三区")][2:] == [
        "生态涵养区",
        "现代农业区",
        "工业发展区",
    ]


def test_layout_table_with_continuation_rows():
    text = (
        "第三章 空间结构\n全县形成“一城一带两区”的空间结构。\n表2 空间结构\n"
        "| 组成 | 名称 | 范围 |\n|---|---|---|\n| 一城 | 某县县城 | 甲街道 |\n"
        "| 一带 | 某江旅游带 | 乙镇 |\n| 两区 | 丙产业区 | 丙乡 |\n| | 丁涵养区 | 丁乡 |\n"
    )
    assert elements(text, "一城一带两区") == [
        ("一城", "core", "某县县城"),
        ("一带", "belt", "某江旅游带"),
        ("两区", "zone", "丙产业区"),
        ("两区", "zone", "丁涵养区"),
    ]


def test_main_and_sub_centres_with_the_places_they_cover():
    text = (
        "第三章 城镇格局\n构建“一主两副多节点”的城镇格局。“一主”即县城，包括甲街道和乙街道；"
        "“两副”指丙镇和丁镇两个副中心；“多节点”指戊镇、己镇等重点镇。\n"
    )
    assert elements(text, "一主两副多节点") == [
        ("一主", "core", "县城"),
        ("两副", "core", "丙镇"),
        ("两副", "core", "丁镇"),
        ("多节点", "node", "戊镇"),
        ("多节点", "node", "己镇"),
    ]


def test_a_sub_centre_town_keeps_its_name():
    text = (
        "第三章 空间格局\n构建“一主一副”格局。\n“一主”是某县中心城区。\n"
        "“一副”是庚镇，建设全县南部副中心，辐射带动南部山区。\n"
    )
    assert elements(text, "一主一副") == [
        ("一主", "core", "某县中心城区"),
        ("一副", "core", "庚镇"),
    ]


def test_ranks_of_one_component_are_no_layout():
    text = (
        "第三章 空间格局\n构建“一核两轴”格局。\n“一核”是某县中心城区。\n"
        "“两轴”分为一主一副，一主为沿甲公路的城镇发展轴；一副为沿乙河的产业发展轴。\n"
    )
    ex = extract_text(text, "t", text_only=True)
    assert [lay.name for lay in ex.layouts] == ["一核两轴"]
    assert elements(text, "一核两轴")[1:] == [
        ("两轴", "axis", "城镇发展轴"),
        ("两轴", "axis", "产业发展轴"),
    ]


def test_belts_laid_along_rivers_and_zones_led_by_their_names():
    text = (
        "第三章 产业格局\n打造“两带两区”格局。\n"
        "两带：沿甲河布局甲河生态经济带，串联子镇、丑镇，重点发展生态农业和滨河旅游；"
        "沿乙河布局乙河农业带，串联寅镇、卯镇，重点发展水稻。\n"
        "两区：北部农业区以辰镇、巳镇为主体，建设高标准农田和绿色食品基地；"
        "南部湿地区包括午镇、未镇，加强湿地保护。\n"
    )
    assert elements(text, "两带两区") == [
        ("两带", "belt", "甲河生态经济带"),
        ("两带", "belt", "乙河农业带"),
        ("两区", "zone", "北部农业区"),
        ("两区", "zone", "南部湿地区"),
    ]


def test_pian_zones_defined_by_clauses_led_by_their_names():
    text = (
        "一、空间格局\n构建“一心四片”的县域格局。\n"
        "四片是指北部甲片、西部乙片、南部丙片和东部丁片。北部甲片包括子镇、丑镇；"
        "西部乙片包括寅镇；南部丙片包括卯镇；东部丁片包括辰镇、巳镇。\n"
    )
    ex = extract_text(text, "t", text_only=True)
    lay = next(lay for lay in ex.layouts if lay.name == "一心四片")
    zones = [(e.name, e.definition.split(";")[-1]) for e in lay.elements if e.role == "zone"]
    assert [z for z, _ in zones] == ["北部甲片", "西部乙片", "南部丙片", "东部丁片"]
    assert zones[0][1].endswith("包括子镇、丑镇") and zones[3][1].endswith("包括辰镇、巳镇")


def test_members_as_paragraphs_led_by_their_names():
    text = (
        "第四章 市域格局\n构建“一核两带”格局。\n第一节 做强一核\n一核即中心城区。\n"
        "第二节 建设两带\n甲河绿色发展带。沿甲河串联子镇和丑镇，发展生态旅游。\n"
        "乙江生态旅游带。以某县为主体，沿乙江串联寅镇。\n"
    )
    belts = [n for _c, r, n in elements(text, "一核两带") if r == "belt"]
    assert belts == ["甲河绿色发展带", "乙江生态旅游带"]


def test_an_area_named_alone_takes_the_places_of_its_next_sentence():
    text = (
        "第三章 格局\n构建“一城两翼”格局。\n1. 一城：某市中心城区。以甲区为核心，包括子街道、"
        "丑街道，提升综合服务功能。\n2. 两翼：北翼乙镇和南翼丙镇。\n"
    )
    ex = extract_text(text, "t", text_only=True)
    lay = next(lay for lay in ex.layouts if lay.name == "一城两翼")
    core = next(e for e in lay.elements if e.component == "一城")
    assert core.name == "某市中心城区"
    assert "以甲区为核心，包括子街道、丑街道" in core.source.quote


def test_members_defined_in_later_sections_of_the_chapter():
    text = (
        "# 第三章 空间布局\n## 第一节 构建“一主两带”格局\n构建“一主两带”的市域格局。\n"
        "“一主”即中心城区，包括甲街道、乙街道。\n## 第二节 建设两条产业带\n"
        "“两带”即沿海产业带和北部生态农业带。\n"
        "（1）沿海产业带：依托港口岸线，串联子镇、丑镇，发展临港产业。\n"
        "（2）北部生态农业带：依托甲河，串联寅镇、卯镇，发展特色农业。\n"
    )
    ex = extract_text(text, "t", text_only=True)
    lay = next(lay for lay in ex.layouts if lay.name == "一主两带")
    belts = {e.name: e.definition for e in lay.elements if e.role == "belt"}
    assert list(belts) == ["沿海产业带", "北部生态农业带"]
    assert "串联子镇、丑镇" in belts["沿海产业带"] and "串联寅镇、卯镇" in belts["北部生态农业带"]


def test_unquoted_compass_wings_and_a_seat_core_in_one_sentence():
    text = (
        "四、2024年工作安排\n加快构建“一核两翼”县域格局。“一核”即县城（甲镇），推进城市更新；"
        "西翼依托乙镇、丙镇，发展精深加工；东翼依托丁镇、戊镇，发展中药材种植。\n"
    )
    ex = extract_text(text, "t", text_only=True)
    lay = next(lay for lay in ex.layouts if lay.name == "一核两翼")
    got = {e.name: e.definition for e in lay.elements}
    assert list(got) == ["县城", "西翼", "东翼"]
    assert "乙镇" not in got["县城"]  # the core's definition ends at its own clause
    assert "乙镇、丙镇" in got["西翼"] and "丁镇、戊镇" in got["东翼"]


# --------------------------------------------------------------------------- indicators


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("地区生产总值年均增长6%(预期性)", ("地区生产总值", None, None, 6.0, "预期性")),
        ("一般公共预算收入由9.3亿元增加到12亿元", ("一般公共预算收入", 9.3, 12.0, None, "")),
        (
            "万元地区生产总值用水量下降10%(约束性)",
            ("万元地区生产总值用水量下降", None, 10.0, None, "约束性"),
        ),
        (
            "单位地区生产总值能耗降低完成省下达任务(约束性)",
            ("单位地区生产总值能耗降低", None, None, None, "约束性"),
        ),
        (
            "地表水达到或好于Ⅲ类水体比例不低于95%",
            ("地表水达到或好于Ⅲ类水体比例", None, 95.0, None, ""),
        ),
    ],
)
def test_clause_targets(clause, expected):
    (c,) = clause_targets(clause + "。")
    assert (c.name, c.base_value, c.target_value, c.growth, c.attribute) == expected


def test_unit_in_the_name_and_concentration_names():
    table = (
        "第二章 目标\n表1 主要指标\n| 指标（单位） | 2020年 | 2025年 | 属性 |\n|---|---|---|---|\n"
        "| 地区生产总值（亿元） | 100 | 140 | 预期性 |\n"
    )
    (ind,) = extract_text(table, "t", text_only=True).indicators
    assert (ind.name, ind.unit, ind.base_value, ind.target_value) == (
        "地区生产总值",
        "亿元",
        100,
        140,
    )
    (c,) = clause_targets("细颗粒物(PM2.5)年均浓度下降到30微克/立方米(约束性)。")
    assert (c.name, c.target_value, c.attribute) == ("细颗粒物(PM2.5)年均浓度", 30.0, "约束性")


def test_growth_clause_joins_the_level_before_it():
    (c,) = clause_targets("到2025年,地区生产总值达到250亿元左右,年均增长6%左右(预期性)。")
    assert (c.name, c.target_value, c.growth, c.attribute) == ("地区生产总值", 250.0, 6.0, "预期性")


def test_level_clause_completes_the_growth_before_it_and_comparison_years():
    (c,) = clause_targets("地区生产总值年均增长6%左右,到2025年达到200亿元。")
    assert (c.name, c.target_value, c.growth, c.unit) == ("地区生产总值", 200.0, 6.0, "亿元")
    text = "第二章 目标\n到2025年，城镇化率达到60%，比2020年提高5个百分点；万元GDP能耗降低15%。\n"
    got = {i.name: (i.kind, i.key, i.target_value) for i in extract_text(text, "t").indicators}
    assert got["万元GDP能耗降低"] == ("target", "energy_intensity", 15.0)


def test_review_table_gives_review_rows():
    text = (
        "第一章 发展基础\n表1 “十三五”规划主要指标完成情况\n"
        "| 指标 | 单位 | 2020年规划目标 | 2020年完成情况 |\n|---|---|---|---|\n"
        "| 地区生产总值 | 亿元 | 420 | 298 |\n"
    )
    ex = extract_text(text, "t", text_only=True)
    (ind,) = [i for i in ex.indicators if i.name == "地区生产总值"]
    assert (ind.kind, ind.target_value, ind.actual_year, ind.actual_value, ind.base_value) == (
        "review",
        420.0,
        2020,
        298.0,
        None,
    )


# --------------------------------------------------------------------------- entities


def test_entity_kinds_from_the_head_table():
    text = (
        "第四章 产业\n建设甲县现代物流园、甲县职业教育实训基地和甲县服装城，推进乙镇经济区建设。\n"
    )
    got = {e.name: e.role for e in extract_text(text, "t", text_only=True).entities}
    assert got["甲县现代物流园"] == "logistics"
    assert got["甲县职业教育实训基地"] == "education"
    assert got["甲县服装城"] == "market"
    assert got["乙镇经济区"] == "dev_zone"


def test_shared_head_list_gives_one_park_per_item():
    text = "第四章 园区\n依托甲镇、乙园、丙堡等省级飞地园区，承接产业转移。\n"
    names = {e.name for e in extract_text(text, "t", text_only=True).entities}
    assert {"甲镇飞地园区", "乙园飞地园区", "丙堡飞地园区"} <= names


def test_a_work_report_dated_in_its_second_line_reads_its_review_as_actuals():
    text = (
        "某市政府工作报告\n——2023年1月12日在某市人民代表大会上\n一、2022年工作回顾\n"
        "全年地区生产总值完成156.3亿元、增长3.2%；社会消费品零售总额完成58.6亿元、下降1.2%。\n"
        "二、2023年工作安排\n今年全市经济社会发展的主要预期目标是：地区生产总值增长6%左右；"
        "一般公共预算收入达到10.4亿元、增长6.5%。\n"
    )
    ex = extract_text(text, "t", text_only=True)
    got = {(i.name, i.kind): i for i in ex.indicators}
    gdp = got[("地区生产总值", "actual")]
    assert (gdp.base_year, gdp.base_value, gdp.base_growth) == (2022, 156.3, 3.2)
    assert got[("社会消费品零售总额", "actual")].base_growth == -1.2
    assert got[("地区生产总值", "target")].target_year == 2023
    rev = got[("一般公共预算收入", "target")]
    assert (rev.target_year, rev.target_value, rev.growth) == (2023, 10.4, 6.5)
    assert not [i for i in ex.indicators if i.kind == "target" and i.target_year == 2022]


def test_a_name_starting_with_ben_keeps_it_and_a_list_label_gives_way_to_the_full_name():
    text = (
        "第四章 园区\n本溪县经济开发区位于小市镇，发展新型建材。\n"
        "2. 中药材加工园区。甲家店中药材加工园区位于甲家店镇，发展饮片生产。\n"
    )
    parks = {e.name for e in extract_text(text, "t", text_only=True).entities if e.layer == "park"}
    assert "本溪县经济开发区" in parks and "溪县经济开发区" not in parks
    assert "甲家店中药材加工园区" in parks and "中药材加工园区" not in parks


def test_layout_table_one_cell_per_line_with_label_name_cells_and_continuation_rows():
    text = (
        "（二）农业布局\n构建“一区两带”特色农业布局（见表2）。\n表2 某县“一区两带”布局\n"
        "布局要素\n范围\n功能定位\n一区：甲养殖核心区\n子镇、丑镇\n良种繁育和初加工\n"
        "两带：北部乙产业带\n寅镇、卯镇\n放养和加工\n南部丙产业带\n辰镇、巳镇、午镇\n种植和乡村旅游\n"
    )
    assert elements(text, "一区两带") == [
        ("一区", "zone", "甲养殖核心区"),
        ("两带", "belt", "北部乙产业带"),
        ("两带", "belt", "南部丙产业带"),
    ]


def test_parks_located_by_town_de_and_by_their_head_in_the_next_clause():
    text = (
        "第五章 园区\n加快甲家岭镇的某市农产品冷链物流园建设，完善冷藏设施。\n"
        "推进某县经济开发区扩区升级，开发区地处乙口前镇，重点发展新型建材。\n"
        "位于丙额门镇的某县现代中药产业园，发展饮片加工。\n"
    )
    ex = extract_text(text, "t", text_only=True)
    towns = {e.name: dict(e.attrs).get("at", "") for e in ex.entities if e.layer == "park"}
    assert towns.get("某市农产品冷链物流园") == "甲家岭镇"
    assert towns.get("某县经济开发区") == "乙口前镇"
    assert towns.get("某县现代中药产业园") == "丙额门镇"


def test_from_a_dated_base_to_a_target_in_hard_wrapped_prose():
    text = (
        "第一章 发展目标\n到2025年，粮食总产量稳定在30万吨以上（约束性）；森林覆盖率由2019年\n"
        "的45.2%提高到47%（约束性）。\n"
    )
    (ind,) = [i for i in extract_text(text, "t", text_only=True).indicators if "森林" in i.name]
    assert (ind.base_year, ind.base_value, ind.target_year, ind.target_value) == (
        2019,
        45.2,
        2025,
        47.0,
    )
    assert ind.attribute == "约束性"


def test_a_list_count_after_the_last_short_town_name_is_not_part_of_it():
    from atlas.extract.anchors import find_anchors

    got = find_anchors("西翼依托红透山、南口前、北三家三镇，发展铜锌加工")
    assert "北三家" in got and "北三家三镇" not in got
