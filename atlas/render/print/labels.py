"""Greedy label placement without overlaps for static maps.

Labels are placed in priority order. Each label tries candidate positions around its anchor
(centre first for areas; right, left, above, below and the diagonals for points, at growing
distances); the first candidate whose box lies inside the map and overlaps neither an already
placed label nor an obstacle (icons) wins. When only a far candidate is free, the label is
drawn there with a leader line back to its anchor. A label with no free candidate is dropped
and reported, never drawn on top of another one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import matplotlib.patheffects as pe
import numpy as np
from matplotlib.axes import Axes
from matplotlib.text import Text
from matplotlib.transforms import Bbox

log = logging.getLogger(__name__)

#: candidate offsets (dx, dy) in units of the label's half size + gap, points first
_POINT_OFFSETS = (
    (1, 0),
    (-1, 0),
    (0, 1),
    (0, -1),
    (1, 1),
    (-1, 1),
    (1, -1),
    (-1, -1),
)


@dataclass
class LabelRequest:
    """One label to place.

    Attributes
    ----------
    x, y : float
        Anchor in data coordinates.
    text : str
        The label.
    priority : float
        Higher first.
    kind : str
        ``point`` (offset around the anchor, leaving the icon free) or ``area`` (centre first).
    size : float
        Font size in points.
    color : str
        Text colour.
    weight : str
        Font weight.
    """

    x: float
    y: float
    text: str
    priority: float = 0.0
    kind: str = "point"
    size: float = 8.0
    color: str = "#111827"
    weight: str = "normal"
    halo: str = "white"


@dataclass
class Placement:
    """The outcome of :func:`place_labels`."""

    placed: list[tuple[LabelRequest, Bbox]] = field(default_factory=list)
    dropped: list[LabelRequest] = field(default_factory=list)
    #: labels moved away from their anchor, drawn with a leader line: (request, box)
    leaders: list[tuple[LabelRequest, Bbox]] = field(default_factory=list)


def _overlaps(box: Bbox, taken: np.ndarray) -> bool:
    """True when ``box`` overlaps any row (x0, y0, x1, y1) of ``taken``."""
    if not len(taken):
        return False
    return bool(
        np.any(
            (taken[:, 0] < box.x1)
            & (taken[:, 2] > box.x0)
            & (taken[:, 1] < box.y1)
            & (taken[:, 3] > box.y0)
        )
    )


def _candidates(req: LabelRequest, w: float, h: float, gap: float) -> list[tuple[float, float]]:
    """Centres (display px, relative to the anchor) to try for a label of size w x h."""
    out: list[tuple[float, float]] = []
    if req.kind == "area":
        out.append((0.0, 0.0))
        for k in (0.6, 1.2):
            out += [(0.0, h * k), (0.0, -h * k), (w * 0.4 * k, 0.0), (-w * 0.4 * k, 0.0)]
    for ring in (1.0, 1.8, 2.8):
        for dx, dy in _POINT_OFFSETS:
            out.append((dx * (w / 2 + gap * ring), dy * (h / 2 + gap * ring)))
    for ring in LEADER_RINGS:  # further away: drawn with a leader line back to the anchor
        for dx, dy in _POINT_OFFSETS:
            out.append((dx * (w / 2 + gap * ring), dy * (h / 2 + gap * ring)))
    return out


#: distances (in gaps) of the far candidates, which get a leader line
LEADER_RINGS = (5.0, 8.0)


def _needs_leader(req: LabelRequest, box: Bbox, ax_: float, ay_: float, gap: float) -> bool:
    """True when the label box sits so far from its anchor that a reader could not tell
    which feature it names (further than 3 gaps from the anchor)."""
    dx = max(box.x0 - ax_, 0.0, ax_ - box.x1)
    dy = max(box.y0 - ay_, 0.0, ay_ - box.y1)
    return (dx * dx + dy * dy) ** 0.5 > 3.0 * gap


def _leader(ax: Axes, req: LabelRequest, box: Bbox, ax_: float, ay_: float, to_data) -> None:
    """A thin line from the anchor to the nearest point of the label box, with a dot."""
    nx = min(max(ax_, box.x0), box.x1)
    ny = min(max(ay_, box.y0), box.y1)
    (x0, y0), (x1, y1) = to_data((ax_, ay_)), to_data((nx, ny))
    ax.plot(
        [x0, x1], [y0, y1], color=req.color, lw=0.6, alpha=0.85, zorder=199, solid_capstyle="round"
    )
    ax.plot([x0], [y0], marker="o", ms=1.8, color=req.color, zorder=199)


def place_labels(
    ax: Axes,
    requests: list[LabelRequest],
    *,
    obstacles: list[Bbox] | None = None,
    gap_pt: float = 5.0,
) -> Placement:
    """Place labels on ``ax`` without overlaps; drop those that do not fit.

    Parameters
    ----------
    ax : Axes
        The map axes (limits already set).
    requests : list of LabelRequest
        Labels to place; higher ``priority`` first, ties kept in order.
    obstacles : list of Bbox, optional
        Display-coordinate boxes labels must avoid (icons, the legend, the scale bar).
    gap_pt : float
        Distance between an anchor and its label, in points.

    Returns
    -------
    Placement
        The labels drawn with their display boxes, and those dropped.
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    px_per_pt = fig.dpi / 72.0
    gap = gap_pt * px_per_pt
    frame = ax.get_window_extent(renderer)
    taken = np.array([[b.x0, b.y0, b.x1, b.y1] for b in obstacles or []]).reshape(-1, 4)
    result = Placement()
    order = sorted(range(len(requests)), key=lambda i: (-requests[i].priority, i))
    to_display = ax.transData.transform
    to_data = ax.transData.inverted().transform
    effects = [pe.withStroke(linewidth=2.5, foreground="white")]
    for i in order:
        req = requests[i]
        if not req.text:
            continue
        probe = Text(0, 0, req.text, fontsize=req.size, fontweight=req.weight, figure=fig)
        ext = probe.get_window_extent(renderer)
        w, h = ext.width + 2 * px_per_pt, ext.height + 1 * px_per_pt
        ax_, ay_ = to_display((req.x, req.y))
        chosen: Bbox | None = None
        for dx, dy in _candidates(req, w, h, gap):
            cx, cy = ax_ + dx, ay_ + dy
            box = Bbox.from_bounds(cx - w / 2, cy - h / 2, w, h)
            if box.x0 < frame.x0 or box.x1 > frame.x1 or box.y0 < frame.y0 or box.y1 > frame.y1:
                continue
            if _overlaps(box, taken):
                continue
            chosen = box
            break
        if chosen is None:
            result.dropped.append(req)
            continue
        taken = np.vstack([taken, [chosen.x0, chosen.y0, chosen.x1, chosen.y1]])
        if _needs_leader(req, chosen, ax_, ay_, gap):
            _leader(ax, req, chosen, ax_, ay_, to_data)
            result.leaders.append((req, chosen))
        dx_, dy_ = to_data(((chosen.x0 + chosen.x1) / 2, (chosen.y0 + chosen.y1) / 2))
        ax.text(
            dx_,
            dy_,
            req.text,
            fontsize=req.size,
            fontweight=req.weight,
            color=req.color,
            ha="center",
            va="center",
            zorder=200,
            path_effects=[pe.withStroke(linewidth=2.5, foreground=req.halo)]
            if req.halo
            else effects,
            clip_on=True,
        )
        result.placed.append((req, chosen))
    if result.dropped:
        log.info("labels dropped for lack of room: %s", ", ".join(r.text for r in result.dropped))
    return result


def icon_boxes(ax: Axes, points: list[tuple[float, float]], size_pt: float) -> list[Bbox]:
    """Display boxes of icon markers of diameter ``size_pt`` at data points."""
    half = size_pt * ax.figure.dpi / 72.0 / 2
    out = []
    for x, y in points:
        dx, dy = ax.transData.transform((x, y))
        out.append(Bbox.from_extents(dx - half, dy - half, dx + half, dy + half))
    return out


def boxes_overlap(boxes: list[Bbox]) -> bool:
    """True when any two boxes overlap (for tests and checks)."""
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a.overlaps(b):
                return True
    return False
