"""Rewrite the geometry goldens and print what changed: ``python -m tests.regen_geometry``.

Builds the seeds, the own test plans and the corpus in a temporary folder, writes
``tests/golden/geometry/<plan_id>.csv`` and prints, per file, the changed rows
(``~ layer id field: before → after``, ``+``/``-`` for added and removed features).
Review the diff against the plan text before committing it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import geometry_golden as gg
from golden_diff import rewrite


def main() -> int:
    changed = files = 0
    with tempfile.TemporaryDirectory() as tmp:
        for group in gg.GROUPS:
            layers = gg.build_group(group, Path(tmp) / group)
            for pid in gg.plan_ids(group):
                files += 1
                changed += rewrite(gg.GOLDEN / f"{pid}.csv", gg.table(layers, pid), gg.KEY)
    print(f"{files} geometry goldens, {changed} changed rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
