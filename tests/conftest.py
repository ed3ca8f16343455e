"""Shared fixtures for the whole suite.

Fixture *modules* (``app_fixture``, ``render_fixture``, ``browser_support``) stay plain modules
next to this file: pytest puts this folder on ``sys.path`` when it loads the conftest, so tests
in any sub-folder import them by name.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas.extract.anchors import using_places
from atlas.places.gazetteer import default_gazetteer

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"


@pytest.fixture(scope="session")
def gazetteer():
    """The real province gazetteer (loaded once per session)."""
    return default_gazetteer()


@pytest.fixture
def places(gazetteer):
    """Bind the real gazetteer for extraction stages called directly (not via the pipeline)."""
    with using_places(gazetteer):
        yield gazetteer
