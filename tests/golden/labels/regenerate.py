"""Regenerate the label-anchor goldens (``tests/golden/labels/<plan>.json``) and print the diff.

    PYTHONPATH=. python tests/golden/labels/regenerate.py            # write, print the diff
    PYTHONPATH=. python tests/golden/labels/regenerate.py --check    # only print, exit 1 on diff

Builds the five bundled plans into a temporary folder, computes every drawable feature's label
point (``atlas.render.anchors.label_anchors``: feature id → [lon, lat], 0.001°) and compares
with the stored files: added, removed and moved ids (with the move in metres). The test
(``tests/render/test_label_anchors.py``) only ever compares with these files; it never writes
them.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def current() -> dict[str, dict[str, list[float]]]:
    """Plan id → label anchors of a fresh build of the bundled plans."""
    from atlas import build, store
    from atlas.render.anchors import label_anchors

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "build"
        build.build_atlas(None, out)
        gpkg = out / "atlas.gpkg"
        plans = store.list_plans(gpkg)["plan_id"].tolist()
        return {p: label_anchors(store.read_layers(gpkg, p)) for p in plans}


def diff(old: dict[str, list[float]], new: dict[str, list[float]]) -> list[str]:
    """Lines describing what changed between two anchor tables."""
    lines = []
    for fid in sorted(set(old) | set(new)):
        a, b = old.get(fid), new.get(fid)
        if a == b:
            continue
        if a is None:
            lines.append(f"  + {fid} {b}")
        elif b is None:
            lines.append(f"  - {fid} {a}")
        else:
            k = math.cos(math.radians(a[1]))
            m = math.hypot((b[0] - a[0]) * k, b[1] - a[1]) * 111_320
            lines.append(f"  ~ {fid} {a} -> {b} ({m:.0f} m)")
    return lines


def dumps(anchors: dict[str, list[float]]) -> str:
    """One feature a line, sorted by id (diff-friendly)."""
    rows = [
        f"  {json.dumps(k, ensure_ascii=False)}: [{v[0]:.3f}, {v[1]:.3f}]"
        for k, v in sorted(anchors.items())
    ]
    return "{\n" + ",\n".join(rows) + "\n}\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="print the diff only, write nothing")
    args = ap.parse_args(argv)
    changed = 0
    for plan, anchors in current().items():
        path = HERE / f"{plan}.json"
        old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        lines = diff(old, anchors)
        print(f"{plan}: {len(anchors)} anchors, {len(lines)} changed")
        for line in lines:
            print(line)
        changed += len(lines)
        if lines and not args.check:
            path.write_text(dumps(anchors), encoding="utf-8")
    return 1 if (changed and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
