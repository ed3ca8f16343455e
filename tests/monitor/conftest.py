"""Builds shared by the monitoring tests: each built once per module into a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas.build import build_atlas
from atlas.paths import ROOT

PLANS = ROOT / "geodata" / "plans"
FIXTURES = ROOT / "tests" / "fixtures" / "plans"
JINZHOU = PLANS / "jinzhou-2021.txt"
REPORT = PLANS / "jinzhou-2024-report.txt"
LINGHAI = PLANS / "linghai-2021.txt"
OWN_CITY = FIXTURES / "own_city_chaoyang.txt"
OWN_COUNTY = FIXTURES / "own_county_chaoyangxian.txt"


def plan_lines(path: Path) -> list[str]:
    """The plan file's lines (1-based line n is ``lines[n - 1]``)."""
    return path.read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="module")
def jinzhou_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """锦州 plan, 锦州 2024 work report and the 凌海 plan."""
    out = tmp_path_factory.mktemp("jinzhou-build")
    build_atlas([JINZHOU, REPORT, LINGHAI], out=out)
    return out


@pytest.fixture(scope="module")
def own_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The planted pair: 朝阳市 (city) and 朝阳县 (county) written for these tests."""
    out = tmp_path_factory.mktemp("own-build")
    build_atlas([OWN_CITY, OWN_COUNTY], out=out)
    return out
