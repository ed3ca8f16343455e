"""Every status rule, with figures taken from the plan texts (line numbers in comments)."""

from __future__ import annotations

import pytest

from atlas.monitor.status import (
    Observation,
    Target,
    assess,
    convert_unit,
    days_share,
    geometric_path,
    linear_path,
    lower_is_better,
    required_growth,
    status_colour,
)

# jinzhou-2021.txt line 204: 地区生产总值 | 亿元 | 1074 | 0.1 | 1500左右 | 6.5左右
GDP = Target("gdp", "地区生产总值", "亿元", 2020, 1074.0, 2025, 1500.0, 6.5, "左右", "1500左右")
# line 206: 固定资产投资 | 亿元 | 360.3 | 1.2 | 2440(累计) | 10
FAI = Target("fixed_investment", "固定资产投资", "亿元", 2020, 360.3, 2025, 2440.0, 10.0, "累计",
             "2440(累计)")  # fmt: skip
# line 217: 城镇居民人均可支配收入 | 元 | 35566 | 2.5 | 48700 | 6.5 左右 (growth dropped here)
URBAN = Target("urban_income", "城镇居民人均可支配收入", "元", 2020, 35566.0, 2025, 48700.0)
# line 225: 空气质量优良天数占比 | % | 80.1 | -- | 85
AIR = Target("good_air_days", "空气质量优良天数占比", "%", 2020, 80.1, 2025, 85.0)
# line 227: 城市空气指数 (PM2.5) | μg/m3 | 46 | -- | 35
PM25 = Target("pm25", "城市空气指数(PM2.5)", "微克/立方米", 2020, 46.0, 2025, 35.0)
# line 219: 城镇登记失业率 | % | 4.8 | -- | 6 以内
JOBLESS = Target("unemployment_rate", "城镇登记失业率", "%", 2020, 4.8, 2025, 6.0, None, "以内",
                 "6以内")  # fmt: skip
# own_city_chaoyang.txt line 54: 城镇登记失业率 | % | 4.2 | 4.5以内
JOBLESS_CY = Target("unemployment_rate", "城镇登记失业率", "%", 2020, 4.2, 2025, 4.5, None,
                    "以内", "4.5以内")  # fmt: skip
# line 205: 一般公共预算收入 | 亿元 | 104.1 | 2.1 | 不低于沿海六市平均水平
BUDGET = Target("budget_revenue", "一般公共预算收入", "亿元", 2020, 104.1, 2025, None, None,
                "不低于", "不低于沿海六市平均水平")  # fmt: skip
# line 229: 粮食综合生产能力 | 亿斤 | 46 | | 40
GRAIN = Target("grain_capacity", "粮食综合生产能力", "亿斤", 2020, 46.0, 2025, 40.0)
# line 652 (prose): 港口吞吐量 2025 年突破 2 亿吨 — no base in the sentence
PORT = Target("port_throughput", "港口吞吐量", "亿吨", None, None, 2025, 2.0, None, "突破",
              "突破2亿吨")  # fmt: skip
# line 223: 万元地区生产总值能源消耗下降率 | % | 12 | -- | 8
ENERGY_DECLINE = Target("energy_intensity", "万元地区生产总值能源消耗下降率", "%", 2020, 12.0,
                        2025, 8.0)  # fmt: skip
# jinzhou-2024-report.txt line 93: 单位地区生产总值能耗下降3%以上
ENERGY_2024 = Target("energy_intensity_growth", "单位地区生产总值能耗", "%", None, None, 2024,
                     -3.0, -3.0, "以上", "下降3%以上")  # fmt: skip


def test_growth_behind_gdp_2023() -> None:
    # report line 17: 地区生产总值增长5.4%
    v = assess(GDP, Observation(2023, growth=5.4, unit="%"))
    assert v.status == "behind"
    assert "6.5" in v.rule and "5.4" in v.rule


def test_growth_behind_fixed_investment_2023() -> None:
    # report line 17: 固定资产投资增长7.5%
    assert assess(FAI, Observation(2023, growth=7.5, unit="%")).status == "behind"


def test_growth_on_track_within_half_a_point() -> None:
    assert assess(GDP, Observation(2023, growth=6.1, unit="%")).status == "on_track"
    assert assess(GDP, Observation(2023, growth=6.9, unit="%")).status == "on_track"


def test_growth_ahead() -> None:
    # report line 17: 农村常住居民人均可支配收入增长8% against 6.5 (line 218)
    rural = Target(
        "rural_income", "农村居民人均可支配收入", "元", 2020, 18246.0, 2025, 25000.0, 6.5
    )
    assert assess(rural, Observation(2023, growth=8.0, unit="%")).status == "ahead"


def test_growth_required_rate_derived_from_base_and_target() -> None:
    assert required_growth(2020, 35566.0, 2025, 48700.0) == pytest.approx(6.49, abs=0.01)
    # report line 17: 城镇常住居民人均可支配收入增长5.1%
    v = assess(URBAN, Observation(2023, growth=5.1, unit="%"))
    assert v.status == "behind" and "推算" in v.rule


def test_growth_decline_target_flips_direction() -> None:
    # a 4 % fall beats the required 3 % fall
    assert assess(ENERGY_2024, Observation(2024, growth=-4.0, unit="%")).status == "ahead"
    assert assess(ENERGY_2024, Observation(2024, growth=-1.0, unit="%")).status == "behind"


def test_level_geometric_path() -> None:
    path = geometric_path(2020, 1074.0, 2025, 1500.0, 2023)
    assert path == pytest.approx(1074 * (1500 / 1074) ** 0.6)
    level_only = Target("gdp", "地区生产总值", "亿元", 2020, 1074.0, 2025, 1500.0)
    assert assess(level_only, Observation(2023, value=path * 1.015, unit="亿元")).status == (
        "on_track"
    )
    assert assess(level_only, Observation(2023, value=path * 0.97, unit="亿元")).status == "behind"
    assert assess(level_only, Observation(2023, value=path * 1.03, unit="亿元")).status == "ahead"


def test_level_lower_is_better_pm25() -> None:
    # report line 61: 全年PM2.5平均浓度38.1微克/立方米; path at 2023 is 39.04
    assert geometric_path(2020, 46.0, 2025, 35.0, 2023) == pytest.approx(39.04, abs=0.01)
    v = assess(PM25, Observation(2023, value=38.1, unit="微克/立方米"))
    assert v.status == "ahead"
    assert assess(PM25, Observation(2023, value=40.5, unit="微克/立方米")).status == "behind"


def test_share_linear_path_half_a_point() -> None:
    assert linear_path(2020, 80.1, 2025, 85.0, 2023) == pytest.approx(83.04)
    assert assess(AIR, Observation(2023, value=83.3, unit="%")).status == "on_track"
    assert assess(AIR, Observation(2023, value=82.4, unit="%")).status == "behind"
    assert assess(AIR, Observation(2023, value=83.7, unit="%")).status == "ahead"


def test_limit_within_is_on_track_then_met() -> None:
    assert assess(JOBLESS_CY, Observation(2023, value=4.3, unit="%")).status == "on_track"
    assert assess(JOBLESS_CY, Observation(2025, value=4.4, unit="%")).status == "met"
    assert assess(JOBLESS_CY, Observation(2023, value=4.8, unit="%")).status == "behind"
    assert assess(JOBLESS, Observation(2023, value=5.2, unit="%")).status == "on_track"
    assert lower_is_better(JOBLESS)


def test_decline_named_target_is_better_when_higher() -> None:
    assert not lower_is_better(ENERGY_DECLINE)
    assert lower_is_better(PM25)


def test_met_when_target_already_reached() -> None:
    # report line 49: 粮食产量52.5亿斤 against 40 (line 229)
    v = assess(GRAIN, Observation(2023, value=52.5, unit="亿斤"))
    assert v.status == "met"
    # report line 17: 城镇新增就业1.7万人 against 1.5 (line 220)
    jobs = Target("new_jobs", "城镇新增就业人数", "万人", 2020, 1.76, 2025, 1.5)
    assert assess(jobs, Observation(2023, value=1.7, unit="万人")).status == "met"


def test_qualitative_target_is_unknown_with_quote() -> None:
    v = assess(BUDGET, Observation(2023, growth=10.0, unit="%"))
    assert v.status == "unknown"
    assert "不低于沿海六市平均水平" in v.rule
    ratio = Target("industry_structure", "三次产业结构", "%", target_year=2025,
                   target_text="14:39:47")  # fmt: skip
    assert "14:39:47" in assess(ratio, None).rule


def test_missing_base_uses_only_the_target() -> None:
    # report line 35: 港口货物吞吐量1.03亿吨
    v = assess(PORT, Observation(2023, value=1.03, unit="亿吨"))
    assert v.status == "unknown" and "缺基期值" in v.rule
    assert assess(PORT, Observation(2025, value=1.5, unit="亿吨")).status == "behind"
    assert assess(PORT, Observation(2025, value=2.1, unit="亿吨")).status == "met"


def test_cumulative_target_and_flow_observation_are_unknown() -> None:
    assert assess(FAI, Observation(2023, value=450.0, unit="亿元")).status == "unknown"
    # report line 21: 新增科技型中小企业663家 vs line 338 注册达到300家
    smes = Target("tech_smes", "科技型中小企业", "家", None, None, 2025, 300.0, None, "",
                  "注册达到300家")  # fmt: skip
    v = assess(smes, Observation(2023, value=663.0, unit="家", qualifier="新增"))
    assert v.status == "unknown" and "口径" in v.rule


def test_no_observation_is_unknown() -> None:
    assert assess(AIR, None).status == "unknown"


def test_units_convert_wan_yi() -> None:
    # report line 43: 实际利用外资3948万美元; plan line 31 uses 亿美元
    assert convert_unit(3948.0, "万美元", "亿美元") == pytest.approx(0.3948)
    assert convert_unit(1.0, "亿元", "亿斤") is None


def test_status_colour_known_and_fallback() -> None:
    assert status_colour("behind") != status_colour("on_track")
    assert status_colour("nonsense") == status_colour("unknown")


def test_days_convert_to_a_share_of_the_year() -> None:
    # report line 61: 优良天数285天 (2023, 365 days) against line 225's 80.1 → 85 % share
    assert days_share(285, 2023) == pytest.approx(78.08, abs=0.01)
    v = assess(AIR, Observation(2023, value=285.0, unit="天"))
    assert v.status == "behind" and "78.08" in v.rule
