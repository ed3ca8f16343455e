"""Display tables of the monitoring page, deck and XLSX (atlas.monitor.views)."""

from __future__ import annotations

import pandas as pd
import pytest

from atlas.monitor import views
from atlas.monitor.links import ObservationRef, TargetLink
from atlas.monitor.status import Observation, Target


def _link(target: Target, *obs: Observation) -> TargetLink:
    refs = tuple(
        ObservationRef(o, target.key, target.name, "r", 17, "q", "actual") for o in obs
    )  # fmt: skip
    return TargetLink("p", target, 204, "target quote", observations=refs)


def test_growth_chart_is_the_required_rate_and_the_reported_growth():
    t = Target("gdp", "地区生产总值", "亿元", 2020, 1074.0, 2025, 1500.0, growth=6.5)
    measure, f = views.chart_frame(_link(t, Observation(2023, growth=5.4, unit="%")))
    assert measure == "growth"
    path = f[f["系列"] == "要求路径"]
    assert path["年份"].tolist() == [2021, 2022, 2023, 2024, 2025]
    assert set(path["值"]) == {6.5}
    assert f[f["系列"] == "实际"][["年份", "值"]].values.tolist() == [[2023, 5.4]]


def test_level_chart_follows_the_geometric_path_and_converts_units():
    t = Target("pm25", "PM2.5", "微克/立方米", 2020, 46.0, 2025, 35.0)
    measure, f = views.chart_frame(_link(t, Observation(2023, value=38.1, unit="微克/立方米")))
    assert measure == "level"
    path = dict(
        zip(f[f["系列"] == "要求路径"]["年份"], f[f["系列"] == "要求路径"]["值"], strict=True)
    )
    assert (
        path[2020] == 46.0 and path[2025] == 35.0 and path[2023] == pytest.approx(39.04, abs=0.01)
    )
    days = Target("air", "优良天数占比", "%", 2020, 80.1, 2025, 85.0)
    _, f = views.chart_frame(_link(days, Observation(2023, value=285.0, unit="天")))
    assert f[f["系列"] == "实际"]["值"].tolist() == [pytest.approx(78.08, abs=0.01)]
    assert len(f[f["系列"] == "要求路径"]) == 2  # a share: a straight line


def test_no_chart_without_numbers():
    t = Target("x", "定性", "", target_text="不低于沿海六市平均水平")
    measure, f = views.chart_frame(_link(t))
    assert measure == "" and f.empty


def _plans():
    return pd.DataFrame(
        [
            {"plan_id": "city", "adcode": "210700", "kind": "plan", "period": "2021-2025;2035",
             "title": "市规划", "jurisdiction": "辽宁省锦州市"},
            {"plan_id": "rep", "adcode": "210700", "kind": "work-report", "period": "2023-2024",
             "title": "市报告", "jurisdiction": "辽宁省锦州市"},
            {"plan_id": "old", "adcode": "210700", "kind": "plan", "period": "",
             "title": "无期间", "jurisdiction": "辽宁省锦州市"},
            {"plan_id": "county", "adcode": "210781", "kind": "plan", "period": "2021-2025",
             "title": "县规划", "jurisdiction": "辽宁省锦州市凌海市"},
            {"plan_id": "other", "adcode": "210802", "kind": "plan", "period": "2021-2025",
             "title": "营口区", "jurisdiction": "辽宁省营口市站前区"},
        ]
    )  # fmt: skip


def test_timeline_in_period_order_with_no_empty_cells():
    ind = pd.DataFrame({"plan_id": ["city", "city", "rep"], "kind": ["target", "actual", "actual"]})
    tl = views.timeline(_plans(), ind, "rep")
    assert tl["编号"].tolist() == ["city", "rep", "old"]
    assert tl["类型"].tolist() == ["规划纲要", "政府工作报告", "规划纲要"]
    assert tl.loc[2, ["起", "止", "期间"]].tolist() == ["—", "—", "—"]
    assert tl["目标数"].tolist() == [1, 0, 0] and tl["实际值数"].tolist() == [1, 1, 0]


def test_city_county_pair_by_adcode_either_order():
    plans = _plans()
    assert views.city_county(plans, "county", "city") == ("city", "county")
    assert views.city_county(plans, "city", "county") == ("city", "county")
    assert views.city_county(plans, "city", "other") is None
    assert views.city_county(plans, "county", "other") is None


def test_period_end():
    assert views.period_end("2021-2025;2035") == 2025
    assert views.period_end("2024") == 2024
    assert views.period_end("") is None
