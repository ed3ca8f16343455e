"""Numbers the indicator reader must not misread: scientific notation and absurd magnitudes.

Plans write numbers in plain decimals (``147亿元``, ``5.4%``, ``35,566``). A number in
scientific notation (``1e308``, ``2.5E+3``) was read as its mantissa (``1e308`` → 1) with no
warning; a number too large to be a quantity in a plan (≥ :data:`atlas.limits.MAX_INDICATOR_VALUE`,
or too long to be a float at all) is almost certainly garbage. The indicator patterns refuse
both (:data:`NO_SCI_BEFORE`, :data:`NO_SCI_AFTER`, :func:`plausible`), and
:func:`number_warnings` lists every such number with its line for report.json.
"""

from __future__ import annotations

import math
import re

from atlas.limits import MAX_INDICATOR_VALUE
from atlas.read.structure import Document

#: put before a number pattern: it does not start inside another number or an exponent
NO_SCI_BEFORE = r"(?<![\d.])(?<![\d.][eE])(?<![\d.][eE][+-])"
#: put after a number pattern: the number is not the mantissa of ``1e308`` / ``2.5E+3``
NO_SCI_AFTER = r"(?![\d.]*[eE][+-]?\d)"

_SCI_RE = re.compile(r"(?<![0-9A-Za-z.])-?\d+(?:\.\d+)?[eE][+-]?\d+(?![0-9A-Za-z.])")
#: a run of digits (thousands separators allowed) long enough to exceed MAX_INDICATOR_VALUE
_LONG_RE = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3}){5,}(?![\d,])|(?<![\d.,])\d{16,}")


def plausible(value: float) -> bool:
    """True for a finite number below :data:`atlas.limits.MAX_INDICATOR_VALUE` in magnitude."""
    return math.isfinite(value) and abs(value) < MAX_INDICATOR_VALUE


def number_warnings(doc: Document) -> list[dict[str, object]]:
    """Numbers of a plan in scientific notation or of absurd size, with their lines.

    Returns
    -------
    list of dict
        ``{"line", "text", "warning"}`` per number, in line order; these numbers are never
        taken as indicator values.
    """
    out: list[dict[str, object]] = []
    for n, line in enumerate(doc.text.norm_lines, start=1):
        if not any(c.isdigit() for c in line):
            continue
        for m in _SCI_RE.finditer(line):
            out.append(
                {
                    "line": n,
                    "text": m.group(0),
                    "warning": "scientific notation: not read as an indicator value",
                }
            )
        for m in _LONG_RE.finditer(line):
            out.append(
                {
                    "line": n,
                    "text": m.group(0)[:40],
                    "warning": (
                        f"number of {len(m.group(0).replace(',', ''))} digits (over "
                        f"{MAX_INDICATOR_VALUE:.0e}): not read as an indicator value"
                    ),
                }
            )
    return out
