"""Every plan's published geometry against its golden (tests/geometry_golden.py says what).

A difference fails with the changed rows (``~ layer id field: before → after``). Rewrite the
goldens only with ``python -m tests.regen_geometry``, which prints the same diff for review.
"""

from __future__ import annotations

import geometry_golden as gg
import pytest
from golden_diff import check

CASES = [(group, pid) for group in gg.GROUPS for pid in gg.plan_ids(group)]


@pytest.fixture(scope="module")
def group_layers(tmp_path_factory):
    built: dict[str, dict] = {}

    def get(group: str) -> dict:
        if group not in built:
            built[group] = gg.build_group(group, tmp_path_factory.mktemp(group) / "build")
        return built[group]

    return get


def test_every_plan_has_a_geometry_golden():
    assert len(gg.plan_ids("seeds")) == 5
    assert len(gg.plan_ids("fixtures")) >= 7 and len(gg.plan_ids("corpus")) >= 16
    missing = [pid for _, pid in CASES if not (gg.GOLDEN / f"{pid}.csv").exists()]
    assert not missing, f"no geometry golden for {missing}: run `{gg.REGEN}`"
    stale = {p.stem for p in gg.GOLDEN.glob("*.csv")} - {pid for _, pid in CASES}
    assert not stale, f"goldens without a plan: {sorted(stale)}"


@pytest.mark.parametrize(("group", "plan_id"), CASES, ids=[pid for _, pid in CASES])
def test_geometry_matches_golden(group_layers, group, plan_id):
    layers = group_layers(group)
    got = gg.table(layers, plan_id)
    assert got.count("\n") > 1, f"{plan_id}: no features at all"
    check(gg.GOLDEN / f"{plan_id}.csv", got, gg.REGEN, gg.KEY)
