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
