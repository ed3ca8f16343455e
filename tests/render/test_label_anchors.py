"""Label anchors (where each feature's label goes) and the Chinese rendering of reasons.

The golden files in tests/golden/labels/ are written only by
``python tests/golden/labels/regenerate.py`` (which prints the diff); this test compares.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from atlas import build, store
from atlas.render.anchors import label_anchors, label_point
from atlas.render.style import clean_quote, reason_part_zh, reason_zh

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "labels"
SEEDS = ["chaoyang-county-2021", "jinzhou-2021", "jinzhou-2024-report", "linghai-2021",
         "zhanqian-2021"]  # fmt: skip


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    out = tmp_path_factory.mktemp("labels") / "build"
    build.build_atlas(None, out)
    return out / "atlas.gpkg"


def test_label_point_of_each_kind():
    assert label_point(Point(121.1, 41.1)) == (121.1, 41.1)
    mid = label_point(LineString([(120, 41), (121, 41), (121, 42)]))
    assert mid == pytest.approx((121.0, 41.0))  # half the length along the line
    # an L-shaped band: the label is inside, unlike the bounding-box centre
    ell = Polygon([(0, 0), (10, 0), (10, 1), (1, 1), (1, 10), (0, 10)])
    x, y = label_point(ell)
    assert ell.contains(Point(x, y))
    assert not ell.contains(ell.envelope.centroid)
    # a multipolygon: inside its largest part
    mp = MultiPolygon([Polygon([(0, 0), (1, 0), (1, 1)]), shapely.box(5, 5, 9, 9)])
    assert shapely.box(5, 5, 9, 9).contains(Point(label_point(mp)))
    assert label_point(None) is None and label_point(Point()) is None


@pytest.mark.parametrize("plan", SEEDS)
def test_label_anchors_match_golden(seed, plan):
    path = GOLDEN / f"{plan}.json"
    assert path.exists(), f"run: PYTHONPATH=. python tests/golden/labels/regenerate.py ({plan})"
    golden = json.loads(path.read_text(encoding="utf-8"))
    got = label_anchors(store.read_layers(seed, plan))
    assert got == golden, "label anchors moved: run tests/golden/labels/regenerate.py --check"


def test_every_reason_of_the_bundled_plans_has_a_chinese_rendering(seed):
    missing = set()
    seen = 0
    for plan in SEEDS:
        for gdf in store.read_layers(seed, plan).values():
            for col in ("note", "reason"):
                if col not in gdf:
                    continue
                for note in gdf[col].dropna().astype(str):
                    for part in note.split("; "):
                        if part.strip():
                            seen += 1
                            if reason_part_zh(part) is None:
                                missing.add(part)
    assert seen > 50
    assert not missing, f"reasons without a Chinese rendering: {sorted(missing)}"


def test_reason_zh_examples():
    n = "no anchor place inside the jurisdiction could be located; not in the gazetteer: 河长制"
    assert reason_zh(n) == "辖区内找不到可定位的锚点地名；地名库中没有：河长制"
    assert reason_zh("京沈高铁 does not cross the jurisdiction") == "京沈高铁不经过辖区"
    assert reason_zh(None) == reason_zh(float("nan")) == reason_zh("None") == ""
    assert reason_zh("something new") == "（未译说明）something new"


def test_clean_quote_drops_markdown():
    q = "> **一核**：以 *锦州* 主城区为核心\n## 二、布局\n- 建设**滨海**发展带"
    assert clean_quote(q) == "一核：以 锦州 主城区为核心\n二、布局\n建设滨海发展带"
    assert clean_quote("3*4=12，a_b") == "3*4=12，a_b"
    assert clean_quote(None) == clean_quote("nan") == ""
