"""``atlas monitor`` end to end: the two 锦州 acceptance facts through ``--json``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from atlas.cli import main


@pytest.fixture(scope="module")
def doc(jinzhou_build: Path) -> dict:
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert (
            main(["monitor", "--plan", "jinzhou-2021", "--build", str(jinzhou_build), "--json"])
            == 0
        )
    return json.loads(buf.getvalue())


def _row(doc: dict, key: str) -> dict:
    return next(r for r in doc["rows"] if r["key"] == key)


def _sources(row: dict) -> set[tuple[str, int]]:
    return {(s["plan_id"], s["line"]) for s in row["sources"]}


def test_gdp_growth_behind(doc: dict) -> None:
    row = _row(doc, "gdp")
    assert row["status"] == "behind"
    assert row["target_growth"] == 6.5  # line 204: 6.5左右
    assert (row["observed_year"], row["observed_growth"]) == (2023, 5.4)  # report line 17
    assert {("jinzhou-2021", 204), ("jinzhou-2024-report", 17)} <= _sources(row)


def test_fixed_investment_growth_behind(doc: dict) -> None:
    row = _row(doc, "fixed_investment")
    assert row["status"] == "behind"
    assert row["target_growth"] == 10  # line 206: 2440(累计) | 10
    assert row["observed_growth"] == 7.5  # report line 17: 固定资产投资增长7.5%
    assert {("jinzhou-2021", 206), ("jinzhou-2024-report", 17)} <= _sources(row)


def test_every_target_row_has_a_status_and_counts_add_up(doc: dict) -> None:
    assert doc["documents"] == ["jinzhou-2024-report"]
    assert all(r["status"] in doc["counts"] for r in doc["rows"])
    assert sum(doc["counts"].values()) == len(doc["rows"])
    qual = _row(doc, "budget_revenue")  # line 205: 不低于沿海六市平均水平
    assert qual["status"] == "unknown" and "不低于沿海六市平均水平" in qual["rule"]


def test_text_table(jinzhou_build: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["monitor", "--plan", "jinzhou-2021", "--build", str(jinzhou_build)]) == 0
    out = capsys.readouterr().out
    assert "地区生产总值" in out and "滞后" in out and "jinzhou-2024-report:17" in out


def test_unknown_plan_exits_2(jinzhou_build: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["monitor", "--plan", "nowhere-2021", "--build", str(jinzhou_build)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nowhere-2021" in err
