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
