"""Links between the 锦州 plan and the 锦州 2024 work report (same adcode 210700)."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas.errors import InputError
from atlas.monitor.links import best_observation, later_documents, link_plan, stem
from atlas.monitor.report import load_tables


@pytest.fixture(scope="module")
def tables(jinzhou_build: Path):
    return load_tables(jinzhou_build)


def _link(links, key: str, line: int):
    return next(lk for lk in links.links if lk.target.key == key and lk.line == line)


def test_stem_drops_growth_suffix() -> None:
    assert stem("gdp_growth") == "gdp"
    assert stem("gdp") == "gdp"


def test_documents_of_the_same_jurisdiction_only(tables) -> None:
    _ind, plans = tables
    assert later_documents(plans, "jinzhou-2021") == ["jinzhou-2024-report"]
    assert later_documents(plans, "linghai-2021") == []  # 凌海 (210781) is another adcode


def test_gdp_target_links_to_report_growth(tables) -> None:
    ind, plans = tables
    links = link_plan(ind, plans, "jinzhou-2021")
    lk = _link(links, "gdp", 204)  # | 1.地区生产总值 | 亿元 | 1074 | 0.1 | 1500左右 | 6.5左右 |
    assert (lk.target.base_value, lk.target.target_value, lk.target.growth) == (1074, 1500, 6.5)
    ob = best_observation(lk)
    assert ob is not None
    assert (ob.plan_id, ob.line, ob.observation.year) == ("jinzhou-2024-report", 17, 2023)
    assert ob.observation.growth == 5.4  # 初步核算,地区生产总值增长5.4%
    assert ob.field == "observed_growth"


def test_own_review_rows_are_not_observations(tables) -> None:
    ind, plans = tables
    links = link_plan(ind, plans, "jinzhou-2021")
    for lk in links.links:
        assert all(o.plan_id == "jinzhou-2024-report" for o in lk.observations)
        assert all(o.observation.year > 2020 for o in lk.observations)


def test_missing_base_filled_from_the_plans_own_review(tables) -> None:
    ind, plans = tables
    links = link_plan(ind, plans, "jinzhou-2021")
    lk = _link(links, "high_tech_enterprises", 338)  # 总数达到180家以上
    assert lk.target.base_value == 154  # line 23: 国家高新技术企业154家
    assert lk.base_source is not None and lk.base_source.line == 23
    assert best_observation(lk).observation.value == 205  # report line 21: 达到205家


def test_unmatched_keys_are_listed(tables) -> None:
    ind, plans = tables
    links = link_plan(ind, plans, "jinzhou-2021")
    # 工业总产值 (line 210) has no later figure; the report gives 规上工业增加值 instead
    assert "industrial_output" in links.unmatched_targets
    assert "industrial_value_added" in links.unmatched_observations
    assert "retail_sales" in links.unmatched_observations  # 社零增长8.7%, no plan target
    assert "gdp" not in links.unmatched_targets


def test_unknown_plan_is_input_error(tables) -> None:
    ind, plans = tables
    with pytest.raises(InputError, match="unknown plan"):
        link_plan(ind, plans, "jinzhou-2099")


def test_later_plan_base_value_is_an_observation() -> None:
    import pandas as pd

    from atlas.schema import PLAN_COLUMNS, indicator_table

    def row(plan_id: str, line: int, **kw) -> dict:
        base = {
            "plan_id": plan_id,
            "adcode": "210700",
            "name": "地区生产总值",
            "key": "gdp",
            "unit": "亿元",
            "kind": "target",
            "source_line": line,
            "source_quote": "…",
        }
        return {**base, **kw}  # fmt: skip

    ind = indicator_table(
        [
            # as jinzhou-2021 line 204
            row(
                "plan-a",
                204,
                base_year=2020,
                base_value=1074,
                target_year=2025,
                target_value=1500,
                growth=6.5,
            ),
            # a hypothetical next plan whose base column states 2025
            row("plan-b", 30, base_year=2025, base_value=1400, target_year=2030, target_value=1900),
        ]
    )
    plans = pd.DataFrame(
        [
            {"plan_id": "plan-a", "adcode": "210700", "period": "2021-2025;2035"},
            {"plan_id": "plan-b", "adcode": "210700", "period": "2026-2030;2035"},
        ]
    ).reindex(columns=list(PLAN_COLUMNS), fill_value="")
    lk = link_plan(ind, plans, "plan-a").links[0]
    ob = best_observation(lk)
    assert (ob.plan_id, ob.line, ob.kind) == ("plan-b", 30, "base")
    assert (ob.observation.year, ob.observation.value) == (2025, 1400)
