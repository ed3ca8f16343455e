"""The atlas' small error hierarchy.

The CLI maps :class:`InputError` (and subclasses) to exit code 2 with its one-line message;
anything else is an internal error (exit 1).
"""


class AtlasError(Exception):
    """Base class of every error the atlas raises on purpose."""


class InputError(AtlasError):
    """Bad input from the user: a file, a name, an option. Exit code 2."""


class PlanFormatError(InputError):
    """A plan file that cannot be read as plan text (empty, binary, unknown encoding, too big)."""


class UnknownPlaceError(InputError):
    """A place name that the gazetteer cannot resolve where a resolution is required."""


class CuratedSpecError(InputError):
    """A malformed or inconsistent curated layer spec under ``layers/``."""


class WriteError(InputError):
    """An output that cannot be written (full disk, read-only folder, a build holding the
    lock). Exit code 2: the environment, not a bug; the previous outputs are left intact."""


class SchemaError(AtlasError):
    """A layer frame that does not satisfy the feature schema (DESIGN §4)."""
