"""Print-quality static maps of a plan (``atlas snapshot``), one map or a map series.

A map page has a title and subtitle (plan, period), the map with the offline basemap (sea,
county and city boundaries, rivers, coast), the plan's features in planning-diagram
symbology from ``layers/style.yaml``, Chinese labels placed without overlaps, a scale bar, a
north arrow, an inset locating the jurisdiction in 辽宁, a legend, a "示意图" note whenever a
schematic feature is shown, and a data attribution line. Output: PNG, SVG or PDF, A4
landscape or 16:9, written atomically.

This module writes the files (output paths, atomic saves, the series loop and the CLI). The
page itself is drawn by :mod:`.mappage` on the backdrop of :mod:`.backdrop` with the
furniture of :mod:`.furniture`; :mod:`.series` chooses what each page shows. Their public
names stay importable from here.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import geopandas as gpd
from matplotlib.figure import Figure

from atlas import __version__
from atlas.errors import InputError
from atlas.render import mapdata
from atlas.render.outfile import check_target, write_atomically
from atlas.render.print.backdrop import OUTSIDE_LAND as OUTSIDE_LAND
from atlas.render.print.backdrop import draw_basemap as draw_basemap
from atlas.render.print.backdrop import fit_extent as fit_extent
from atlas.render.print.backdrop import local_crs as local_crs
from atlas.render.print.furniture import INSET_BOX as INSET_BOX
from atlas.render.print.furniture import LEGEND_BOX as LEGEND_BOX
from atlas.render.print.furniture import MAP_BOX as MAP_BOX
from atlas.render.print.furniture import PAPERS
from atlas.render.print.furniture import SCHEMATIC_NOTE as SCHEMATIC_NOTE
from atlas.render.print.furniture import UNTITLED_LIFT as UNTITLED_LIFT
from atlas.render.print.furniture import attribution as attribution
from atlas.render.print.furniture import draw_inset as draw_inset
from atlas.render.print.furniture import draw_legend as draw_legend
from atlas.render.print.furniture import draw_north_arrow as draw_north_arrow
from atlas.render.print.furniture import draw_scale_bar as draw_scale_bar
from atlas.render.print.furniture import nice_length as nice_length
from atlas.render.print.mappage import RenderInfo, render_map
from atlas.render.print.mappage import label_text as label_text
from atlas.render.print.series import MapPage, combine, layouts_of, plan_pages
from atlas.render.print.series import drawable as drawable
from atlas.render.print.series import focus_of as focus_of
from atlas.render.print.series import select as select
from atlas.render.print.series import subtitle_of as subtitle_of

log = logging.getLogger(__name__)

FORMATS = ("png", "svg", "pdf")


def check_out(out: str | Path) -> tuple[Path, str]:
    """Validate an output path; returns (path, format). Creates the parent folder."""
    path = check_target(out, tuple(f".{f}" for f in FORMATS), ".png, .svg or .pdf")
    return path, path.suffix.lower().lstrip(".")


def save_figure(fig: Figure, out: str | Path, *, meta_title: str = "") -> Path:
    """Write a figure atomically (temp file in the target folder, then rename)."""
    path, fmt = check_out(out)
    metadata: dict[str, str | None] = {"Title": meta_title or path.stem}
    if fmt == "pdf":
        metadata["CreationDate"] = None
        metadata["Creator"] = f"Planning Atlas {__version__}"
    elif fmt == "svg":
        metadata = {"Title": meta_title or path.stem, "Date": None}
    extra = {"pil_kwargs": {"compress_level": 3}} if fmt == "png" else {}

    def write(tmp: str) -> None:
        fig.savefig(tmp, format=fmt, dpi=fig.dpi, metadata=metadata, **extra)

    return write_atomically(path, write, f".{fmt}")


def _slug(text: str) -> str:
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", text).strip("_") or "map"


def series_paths(out: str | Path, plan_id: str, keys: list[str]) -> list[Path]:
    """Output files of a map series.

    ``out`` is a folder (files ``<plan>_<nn>_<key>.png``), a pattern with ``{plan}``,
    ``{n}`` and ``{key}`` fields (e.g. ``maps/{plan}-{key}.pdf``), or a file name whose stem
    gets ``_<nn>_<key>`` appended.
    """
    text = str(out)
    if "{" in text:
        try:
            return [
                Path(
                    text.format(
                        plan=plan_id, n=i + 1, key=_slug(k), layout=_slug(k), county=_slug(k)
                    )
                )
                for i, k in enumerate(keys)
            ]
        except (KeyError, IndexError, ValueError) as exc:
            raise InputError(f"bad --out pattern {text!r}: {exc}") from None
    path = Path(text)
    if path.suffix.lower().lstrip(".") in FORMATS:
        return [
            path.with_name(f"{path.stem}_{i + 1:02d}_{_slug(k)}{path.suffix}")
            for i, k in enumerate(keys)
        ]
    if path.suffix:
        raise InputError(f"unknown output extension {path.suffix!r} (use .png, .svg or .pdf)")
    return [path / f"{plan_id}_{i + 1:02d}_{_slug(k)}.png" for i, k in enumerate(keys)]


def snapshot(
    plan_id: str,
    out: str | Path,
    *,
    build: str | Path = "build",
    layout: str | None = None,
    series: str | None = None,
    paper: str = "a4",
    dpi: int = 200,
    frames: dict[str, gpd.GeoDataFrame] | None = None,
    meta: mapdata.PlanMeta | None = None,
) -> list[Path]:
    """Render a plan's map (or map series) to files.

    Parameters
    ----------
    plan_id : str
        The plan (must be in the build or the plan manifest).
    out : str or Path
        Output file (``.png``/``.svg``/``.pdf``); for a series a folder, a pattern or a file
        name (see :func:`series_paths`).
    build : str or Path
        The atlas build folder (``atlas.gpkg``); ignored when ``frames`` is given.
    layout : str, optional
        One layout only (single map).
    series : {"layouts", "counties"}, optional
        A map series.
    paper, dpi
        Page format and resolution.
    frames, meta
        Layers and plan identity given directly (tests, the app) instead of read from the build.

    Returns
    -------
    list of Path
        The files written.
    """
    if not 50 <= int(dpi) <= 1200:
        raise InputError(f"dpi {dpi} out of range (50–1200)")
    if series is None:
        check_out(out)
    meta = meta or mapdata.plan_meta(plan_id, build)
    if frames is None:
        frames = mapdata.load_frames(plan_id, build)
    features = combine(frames)
    if "plan_id" in features.columns and len(features):
        features = features[features["plan_id"].fillna(plan_id).astype(str) == plan_id]
    pages = plan_pages(meta, features, layout=layout, series=series)
    targets = [Path(out)] if series is None else series_paths(out, plan_id, [p.key for p in pages])
    for p in targets:
        check_out(p)
    base = mapdata.basemap()
    written = []
    for page, target in zip(pages, targets, strict=True):
        log.info("rendering %s → %s", page.title, target)
        fig, info = render_map(
            page.features,
            page.focus,
            title=page.title,
            subtitle=page.subtitle,
            meta=meta,
            paper=paper,
            dpi=dpi,
            base=base,
        )
        written.append(save_figure(fig, target, meta_title=page.title))
        if info.labels_dropped:
            log.info("%s: %d labels dropped", target.name, len(info.labels_dropped))
    return written


def snapshot_cli(args) -> int:
    """``atlas snapshot`` (see :func:`atlas.cli.build_parser` for the arguments)."""
    if args.layout and args.series:
        raise InputError("use either --layout or --series, not both")
    written = snapshot(
        args.plan,
        args.out,
        build=args.build,
        layout=args.layout,
        series=args.series,
        paper=args.paper,
        dpi=args.dpi,
    )
    import sys

    for p in written:
        sys.stdout.write(f"{p}\n")
    return 0


__all__ = [
    "PAPERS",
    "MapPage",
    "RenderInfo",
    "combine",
    "layouts_of",
    "plan_pages",
    "render_map",
    "save_figure",
    "series_paths",
    "snapshot",
    "snapshot_cli",
]
