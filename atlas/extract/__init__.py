"""Extraction stages over a parsed :class:`~atlas.structure.Document`.

- ``layouts`` — structure slogans and their components (owned by the layouts module);
- ``entities`` — parks, ports, water works, transport, projects with places;
- ``indicators`` — indicator tables and prose targets (:func:`extract_indicators`);
- ``projects`` — 专栏 project lists split into items (:func:`extract_projects`).

:func:`atlas.pipeline.extract_plan` runs them all.
"""
