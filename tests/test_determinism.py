"""Determinism (issue 7): the same inputs give the same atlas.

The seed atlas is built in this process and again in a fresh process with a different
``PYTHONHASHSEED`` (set and dict iteration orders of strings change with it), and with the
plans given in reverse order. GeoJSON files and ``extract --json`` output must be
byte-identical; GeoPackage files carry write timestamps, so their *tables* are compared row by
row (every column, geometry blobs included); report.json is identical except for its timing.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from atlas.build import build_atlas
from atlas.manifest import default_plans
from atlas.paths import PLANS, ROOT

#: GeoPackage bookkeeping tables whose rows hold write timestamps
GPKG_META = {"gpkg_contents", "gpkg_ogr_contents"}


def gpkg_tables(path: Path) -> dict[str, list[tuple]]:
    """Rows of every table of a GeoPackage (timestamps columns of its metadata dropped)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE 'rtree_%' ORDER BY name"
            )
        ]
        out = {}
        for n in names:
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{n}")')]
            keep = [c for c in cols if not (n in GPKG_META and c == "last_change")]
            sel = ", ".join(f'"{c}"' for c in keep)
            out[n] = sorted(con.execute(f'SELECT {sel} FROM "{n}"').fetchall(), key=repr)
        return out
    finally:
        con.close()


def feature_tables(path: Path) -> dict[str, list[tuple]]:
    """Only the atlas' own tables (layers, indicators, plans)."""
    return {k: v for k, v in gpkg_tables(path).items() if not k.startswith("gpkg_")}


def outputs(out: Path) -> dict[str, bytes]:
    """GeoJSON bytes and report.json without its timing, by relative name."""
    files = {f"geojson/{p.name}": p.read_bytes() for p in sorted((out / "geojson").iterdir())}
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    report.pop("seconds", None)
    files["report.json"] = json.dumps(report, ensure_ascii=False, sort_keys=True).encode()
    return files


def build_in_subprocess(out: Path, plans: list[Path], hashseed: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    return subprocess.Popen(
        [sys.executable, "-m", "atlas.cli", "build", *map(str, plans), "--out", str(out)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def first(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("det") / "first"
    build_atlas(None, out)
    return out


@pytest.mark.slow
def test_rebuild_in_another_process_is_identical(first, tmp_path):
    proc = build_in_subprocess(tmp_path / "second", default_plans(), hashseed="4242")
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    a, b = outputs(first), outputs(tmp_path / "second")
    assert sorted(a) == sorted(b) and len(a) >= 6
    for name in a:
        assert a[name] == b[name], name
    ta, tb = gpkg_tables(first / "atlas.gpkg"), gpkg_tables(tmp_path / "second" / "atlas.gpkg")
    assert sorted(ta) == sorted(tb)
    for name in ta:
        assert ta[name] == tb[name], name
    assert sum(len(v) for k, v in ta.items() if not k.startswith("gpkg_")) > 500


def test_plan_order_does_not_change_the_layers(first, tmp_path):
    rev = list(reversed(default_plans()))
    build_atlas(rev, tmp_path / "rev")
    a, b = outputs(first), outputs(tmp_path / "rev")
    for name in a:
        if name.startswith("geojson/"):
            assert a[name] == b[name], name
    assert feature_tables(first / "atlas.gpkg") == feature_tables(tmp_path / "rev" / "atlas.gpkg")


@pytest.mark.slow
@pytest.mark.parametrize("plan", ["jinzhou-2021"])
def test_extract_json_is_byte_identical_across_processes(plan):
    runs = []
    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-m", "atlas.cli", "extract", str(PLANS / f"{plan}.txt"), "--json"],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr
        runs.append(out.stdout)
    assert runs[0] == runs[1]
    assert len(json.loads(runs[0])["layouts"]) >= 1


# --------------------------------------------------------------------------- issue 17

FIXTURE_PLANS = ROOT / "tests" / "fixtures" / "plans"
SMALL = [FIXTURE_PLANS / f"{n}.txt" for n in ("own_zhangwu", "changtu-2021")]

_MAP_PAGE_HTML = """
import hashlib, sys
from atlas import store
from atlas.render.web import webmap
frames = store.read_layers(sys.argv[1], sys.argv[2])
m = webmap.build_map(prepared=webmap.prepare(frames), home=webmap.home_bounds(frames))
sys.stdout.write(hashlib.sha256(m.get_root().render().encode()).hexdigest())
"""


@pytest.fixture(scope="module")
def small_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("det-small") / "atlas"
    build_atlas(list(reversed(SMALL)), out)  # command-line order: changtu, then own_zhangwu
    return out


def test_report_lists_plans_by_plan_id(small_build):
    report = json.loads((small_build / "report.json").read_text(encoding="utf-8"))
    ids = [p["plan_id"] for p in report["plans"]]
    assert ids == sorted(ids) and len(ids) == 2


def _run(args: list[str], seed: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_webmap_html_is_byte_identical_across_runs(small_build, tmp_path):
    pages = []
    for seed in ("1", "2"):
        out = tmp_path / f"m{seed}.html"
        cmd = [sys.executable, "-m", "atlas.cli", "webmap", "--plan", "own_zhangwu"]
        p = _run([*cmd, "--build", str(small_build), "--out", str(out)], seed)
        assert p.returncode == 0, p.stderr
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]


@pytest.mark.slow
def test_map_page_html_is_byte_identical_across_runs(small_build):
    gpkg = str(small_build / "atlas.gpkg")
    digests = []
    for seed in ("1", "2"):
        p = _run([sys.executable, "-c", _MAP_PAGE_HTML, gpkg, "own_zhangwu"], seed)
        assert p.returncode == 0, p.stderr
        digests.append(p.stdout)
    assert digests[0] == digests[1] and len(digests[0]) == 64
