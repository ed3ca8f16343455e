"""Rewrite reviewed goldens and print what changed: ``python -m tests.regen_goldens KIND ...``.

KIND is one or more of ``layouts entities indicators projects features snapshot`` (or ``all``).
The golden tests only compare; this command is the one way to rewrite their files. It prints,
per file, the diff against the old golden (JSON: unified diff; CSV: changed rows; PNG: the RMS
difference), so a regenerated golden is reviewed as a change. Geometry goldens have their own
command, ``python -m tests.regen_geometry``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent
for sub in ("", "extract", "render"):
    sys.path.insert(0, str(TESTS / sub))

from golden_diff import json_text, rewrite  # noqa: E402

from atlas.extract.anchors import using_places  # noqa: E402
from atlas.places.gazetteer import default_gazetteer  # noqa: E402


def layouts() -> int:
    import test_layouts as t

    ids = [*t.SEEDS, *t.OWN_PLANS]
    return sum(rewrite(t.GOLDEN / f"{p}.json", json_text(t.table(p))) for p in ids)


def entities() -> int:
    import test_entities as t

    ids = [*t.SEEDS, *t.OWN_PLANS]
    return sum(rewrite(t.GOLDEN / f"{p}.json", json_text(t.table(p))) for p in ids)


def indicators() -> int:
    import test_indicators as t

    return sum(
        rewrite(t.GOLDEN / f"{p}.json", json_text(t.as_json(t.indicators_of(p))))
        for p in t.SEEDS + t.OWN
    )


def projects() -> int:
    import test_projects as t

    return sum(
        rewrite(t.GOLDEN / f"{p}.json", json_text(t.as_json(t.projects_of(p)))) for p in t.ALL
    )


def features() -> int:
    import test_build as t

    from atlas import build, store

    with tempfile.TemporaryDirectory() as tmp:
        build.build_atlas(None, Path(tmp) / "build")
        lay = store.read_layers(Path(tmp) / "build" / "atlas.gpkg")["layout"]
    return sum(
        rewrite(t.GOLDEN / f"{p}.csv", t.table_csv(t._golden_table(lay, p))) for p in t.SEEDS
    )


def snapshot() -> int:
    import numpy as np
    import test_snapshot as t
    from matplotlib.testing.compare import calculate_rms
    from PIL import Image

    changed = 0
    feats, base = t.fixture_features(), t.fixed_base()
    with tempfile.TemporaryDirectory() as tmp:
        for name, layout, paper in t.BASELINES:
            new = t.render_baseline(feats, base, name, layout, paper, Path(tmp))
            old = t.BASELINE / f"{name}.png"
            if old.exists() and old.read_bytes() == new.read_bytes():
                continue
            if old.exists():
                a, b = (np.asarray(Image.open(x).convert("RGB")) for x in (old, new))
                rms = calculate_rms(a, b) if a.shape == b.shape else float("inf")
                print(f"== {old}: RMS {rms:.2f} (size {a.shape[:2]} → {b.shape[:2]})")
            else:
                print(f"== {old}: new file")
            old.parent.mkdir(parents=True, exist_ok=True)
            old.write_bytes(new.read_bytes())
            changed += 1
    return changed


KINDS = {
    "layouts": layouts,
    "entities": entities,
    "indicators": indicators,
    "projects": projects,
    "features": features,
    "snapshot": snapshot,
}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    kinds = list(KINDS) if args == ["all"] else args
    bad = [k for k in kinds if k not in KINDS]
    if not kinds or bad:
        print(f"usage: python -m tests.regen_goldens {sorted(KINDS)} or all", file=sys.stderr)
        return 2
    with using_places(default_gazetteer()):
        for k in kinds:
            n = KINDS[k]()
            print(f"{k}: {n} changes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
