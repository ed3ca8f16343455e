"""Stable element ids for folium maps: the same map gives the same HTML, byte for byte.

folium (via branca) gives every element a random id (``map_3f2a…``), so the standalone page of
``atlas webmap`` and the map page's HTML changed on every run. :func:`stable_ids` numbers the
elements created inside it ``1, 2, 3 …`` instead (as 32 hex digits, the width branca uses);
outside it branca's random ids are kept. The counter lives in a :class:`~contextvars.ContextVar`,
so concurrent Streamlit sessions (threads) never share or disturb one another's numbering.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from branca.element import Element

_COUNTER: ContextVar[Iterator[int] | None] = ContextVar("atlas_folium_ids", default=None)
_RANDOM_ID = Element._generate_id  # branca's own (random) id maker


def _generate_id(cls: type) -> str:
    counter = _COUNTER.get()
    if counter is None:
        return _RANDOM_ID()
    return f"{next(counter):032x}"


Element._generate_id = classmethod(_generate_id)  # type: ignore[method-assign]


@contextmanager
def stable_ids() -> Iterator[None]:
    """Number the folium elements created in the ``with`` block from 1 (nested: continue)."""
    if _COUNTER.get() is not None:
        yield
        return
    token = _COUNTER.set(itertools.count(1))
    try:
        yield
    finally:
        _COUNTER.reset(token)
