"""Where the atlas finds its bundled data (geodata/, layers/, static/) and writes builds."""

from __future__ import annotations

import os
from pathlib import Path

#: repository / project root (the package is installed editable from it)
ROOT = Path(__file__).resolve().parent.parent
GEODATA = Path(os.environ.get("ATLAS_GEODATA", ROOT / "geodata"))
PLANS = GEODATA / "plans"
LAYERS = ROOT / "layers"
STATIC = ROOT / "static"
BUILD = Path(os.environ.get("ATLAS_BUILD", ROOT / "build"))
