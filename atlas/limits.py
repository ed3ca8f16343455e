"""Documented input limits of the atlas (see docs/robustness.md).

One place for the numbers that bound what a single request may cost: the loaders, the CLI and
the upload page read them from here, and tests check that they agree.

Real plans are well under 1 MB of text (the largest seed plan is 156 kB); the limits leave a
wide margin while keeping one build or upload bounded in time and memory on a shared server.
"""

from __future__ import annotations

import re

#: largest plan file the loaders accept, in bytes (measured: a 20 MB plan, i.e. 130 copies of
#: the 锦州 plan, extracts with a peak RSS of a few hundred MB; see docs/robustness.md)
MAX_PLAN_BYTES = 20 * 1024 * 1024
MAX_PLAN_MB = MAX_PLAN_BYTES // (1024 * 1024)

#: most lines a plan may have. Memory grows with the number of paragraphs, not only bytes: a
#: 4 MB file of 1,000,000 one-character lines took 33 s and 1.1 GB before this limit. Real
#: plans have ~1,200 lines per 156 kB (the 锦州 plan), so a 20 MB plan has ~150,000 lines.
MAX_PLAN_LINES = 200_000

#: the largest magnitude read as an indicator value: plans count in 万/亿, so even 10^15 of
#: anything is garbage (a crafted ``1e308`` or a 400-digit number); such numbers are skipped
#: and listed under ``warnings`` in report.json
MAX_INDICATOR_VALUE = 1e15

#: seconds a build waits for another build publishing into the same ``--out`` (the lock file
#: ``.<out>.lock`` next to it) before it gives up with exit 2; ``ATLAS_LOCK_SECONDS`` overrides
BUILD_LOCK_SECONDS = 120.0

#: largest upload the app accepts (Streamlit's ``server.maxUploadSize`` is set to the same
#: number of MB in .streamlit/config.toml, so the browser refuses bigger files up front)
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UPLOAD_MB = MAX_UPLOAD_BYTES // (1024 * 1024)

#: upload file types the app offers (plain text only; PDF/DOCX must be exported to .txt)
UPLOAD_TYPES = ("txt", "md")

#: characters of an upload's plan id (derived from the file name, or typed)
MAX_PLAN_ID_CHARS = 64


def human_size(n: int) -> str:
    """``n`` bytes as the message text the loaders use (``52.4 MB``)."""
    return f"{n / 1e6:.1f} MB"


def safe_plan_id(text: str, default: str = "upload-plan") -> str:
    """A plan id safe to use in file names, URLs and widget keys.

    Keeps letters (CJK included), digits, ``_`` and ``-``; every other run of characters
    (``/``, ``\\``, ``.``, spaces, quotes, ``<``) becomes one ``-``; at most
    :data:`MAX_PLAN_ID_CHARS` characters; ``default`` when nothing is left. An upload named
    ``../../etc/passwd.txt`` gets the id ``etc-passwd-txt``, never a path.
    """
    out = re.sub(r"[^\w-]+", "-", text or "").strip("-_")[:MAX_PLAN_ID_CHARS].strip("-_")
    return out or default
