"""AppTest of the 对比 page: two plans side by side with a difference table."""

from app_fixture import app_test, fixture_atlas


def test_compare_difference_table(monkeypatch):
    at = app_test("compare", fixture_atlas(), monkeypatch, a="fixture-city", b="fixture-county")
    at.run()
    assert not at.exception
    assert [s.value for s in at.selectbox] == ["fixture-city", "fixture-county"]
    diff = at.dataframe[0].value
    where = dict(zip(diff["要素"], diff["出现于"], strict=True))
    assert where["锦州港"] == "仅左侧" and where["沿海经济带"] == "仅右侧"
    assert where["北部丘陵农业发展片区"] == "仅右侧"
    counts = at.dataframe[1].value
    assert counts.loc["空间布局"].tolist() == [4, 2]


def test_ghost_left_layout_over_the_right_map(monkeypatch):
    import json

    at = app_test("compare", fixture_atlas(), monkeypatch, a="fixture-city", b="fixture-county")
    at.run()
    assert at.multiselect(key="cmp_ghost").options == ["空间布局 · 一核两翼一轴"]
    at.multiselect(key="cmp_ghost").set_value(["layout:一核两翼一轴"]).run()
    assert not at.exception
    comp = [c for c in at.get("component_instance") if "folium" in c.proto.component_name]
    script = json.loads(comp[0].proto.json_args)["script"]
    right = script[script.index("map_div2 = L.map") :]  # the right map's part of the page
    assert "createPane('ghost')" in right and "锦州中心城区" in right


def _no_empty_cells(frame) -> None:
    cells = frame.astype(str).to_numpy().ravel().tolist()
    assert not [c for c in cells if c in ("None", "nan", "NaN", "<NA>", "")]


def test_city_county_consistency_tab_on_the_fixture(monkeypatch):
    # the county on the left: the pair is found in either order
    at = app_test("compare", fixture_atlas(), monkeypatch, a="fixture-county", b="fixture-city")
    at.run()
    assert not at.exception
    assert [t.label for t in at.tabs] == ["地图与差异", "市县一致性"]
    city, county = at.text[0].value.split("\n")
    assert city == "市级：锦州示例市十四五规划纲要（fixture-city）"
    assert county == "县级：凌海示例市十四五规划纲要（fixture-county）"
    # the fixture city plan assigns nothing to 凌海 (no admin layer, no anchor, no mention)
    assert {m.label: int(m.value) for m in at.metric} == {"一致": 0, "缺漏": 0, "冲突": 0}
    assert [s.value for s in at.subheader][-3:] == ["一致（0）", "缺漏（0）", "冲突（0）"]
    assert len(at.dataframe) == 2  # no empty findings tables, only the map tab's two


def test_consistency_tab_on_the_real_pair(monkeypatch):
    import pytest
    from app_fixture import real_atlas

    gpkg = real_atlas()
    if gpkg is None:
        pytest.skip("atlas.build is not available yet")
    at = app_test("compare", gpkg, monkeypatch, a="jinzhou-2021", b="linghai-2021")
    at.run()
    assert not at.exception
    metrics = {m.label: int(m.value) for m in at.metric}
    assert metrics["一致"] > 0 and metrics["缺漏"] > 0
    rows = {}
    for d in at.dataframe[2:]:
        _no_empty_cells(d.value)
        rows.update({r["事项"]: r for r in d.value.to_dict("records")})
    river = rows["大凌河"]  # named by both plans: both quotes side by side
    assert (
        river["市级规划原文"].startswith("jinzhou-2021:1086「")
        and "大凌河" in river["市级规划原文"]
    )
    assert river["县级规划原文"].startswith("linghai-2021:")
    conflicts = [r for r in rows.values() if r["说明"].startswith("角色不同")]
    assert all(not any(ch.isascii() and ch.isalpha() for ch in r["说明"]) for r in conflicts)


def test_no_consistency_for_two_counties(monkeypatch):
    import pytest
    from app_fixture import real_atlas

    gpkg = real_atlas()
    if gpkg is None:
        pytest.skip("atlas.build is not available yet")
    at = app_test("compare", gpkg, monkeypatch, a="linghai-2021", b="zhanqian-2021")
    at.run()
    assert not at.exception
    assert "一致性检查需要一份市级规划" in at.info[0].value
