"""The CJK font the static renderers set Chinese text in.

The font comes with the install: the PyPI package ``pylopdf-fonts-zh-cn`` ships Noto Sans SC
(SIL OFL 1.1). When that package is missing, a system Noto Sans CJK / Source Han Sans font
(Debian ``fonts-noto-cjk``) is used instead. Renderers call :func:`cjk_font` before drawing;
it registers the font with matplotlib's font manager once per process.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from atlas.errors import AtlasError

log = logging.getLogger(__name__)

#: system font files tried when the packaged font is missing (Debian fonts-noto-cjk)
_SYSTEM_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/source-han-sans/SourceHanSansSC-Regular.otf",
)

#: a sample of the characters atlas maps always show; the chosen font must draw them all
SAMPLE = "辽宁锦州凌海一核两翼带轴片区示意图比例尺港园站"


def packaged_font_path() -> Path | None:
    """Path of the Noto Sans SC file shipped by ``pylopdf-fonts-zh-cn``, or None."""
    try:
        import pylopdf_fonts_zh_cn as pkg
    except ImportError:
        return None
    path = Path(pkg.sans_path())
    return path if path.exists() else None


def font_path() -> Path:
    """The CJK font file to use: the packaged one, else a system Noto/Source Han font.

    Raises
    ------
    AtlasError
        When no CJK font can be found (the install is broken).
    """
    path = packaged_font_path()
    if path is not None:
        return path
    for cand in _SYSTEM_CANDIDATES:
        if Path(cand).exists():
            return Path(cand)
    raise AtlasError(
        "no CJK font found: install the 'pylopdf-fonts-zh-cn' package or fonts-noto-cjk"
    )


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """Register the CJK font with matplotlib and make it the default sans-serif font.

    Returns
    -------
    str
        The font family name (e.g. ``"Noto Sans SC"``).
    """
    import matplotlib as mpl
    from matplotlib import font_manager

    path = font_path()
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    families = [name] + [f for f in mpl.rcParams["font.sans-serif"] if f != name]
    mpl.rcParams["font.sans-serif"] = families
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["axes.unicode_minus"] = False
    # SVG text as paths (looks the same without the font); PDF embeds the used glyphs
    mpl.rcParams["svg.fonttype"] = "path"
    mpl.rcParams["pdf.fonttype"] = 3  # Type 3: the font is CFF-flavoured OpenType
    log.info("CJK font %s from %s", name, path)
    return name


def missing_glyphs(text: str) -> set[str]:
    """Characters of ``text`` that the CJK font cannot draw (whitespace ignored)."""
    cmap = _cmap(str(font_path()))
    return {ch for ch in text if not ch.isspace() and ord(ch) not in cmap}


@lru_cache(maxsize=2)
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=0, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def drawable_text(text: str, replacement: str = "〓") -> str:
    """``text`` with characters the CJK font lacks replaced (logged), so no tofu is drawn."""
    missing = missing_glyphs(text)
    if not missing:
        return text
    log.warning("characters not in the CJK font replaced by %s: %s", replacement, "".join(missing))
    return "".join(replacement if ch in missing else ch for ch in text)
