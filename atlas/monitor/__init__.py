"""Plan monitoring: targets vs later actuals (:mod:`.status`, :mod:`.links`, :mod:`.report`)
and city ↔ county consistency (:mod:`.consistency`).

The app page, deck slide and XLSX sheet are meant to call :func:`.report.monitor_rows`,
:func:`.report.rows_frame`, :func:`.status.status_colour` and
:func:`.consistency.consistency_findings`.
"""
