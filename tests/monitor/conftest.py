"""Builds shared by the monitoring tests: each built once per module into a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from monitor_paths import JINZHOU, LINGHAI, OWN_CITY, OWN_COUNTY, REPORT

from atlas.build import build_atlas


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
