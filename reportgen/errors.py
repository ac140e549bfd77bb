"""One error model for the library: a message id with parameters, translated at the edge.

Every exception reportgen raises on purpose derives from `ReportgenError`. Its
`message_id` is an English gettext id marked with `N_()` where it is raised; the caller
(the CLI, the web app) shows `error.translated()` in the current language. The class
says what kind of failure it is, so a caller chooses an exit code or an HTTP status by
class, never by reading the text:

- `InvalidRequest`: the caller asked for something that cannot be (a period code that
  does not parse, an unknown unit, an unknown executor): a usage error.
- `DatasetInvalid`: the dataset cannot be used; carries the located `Problem`s.
- `InputFileError`: a file given to reportgen (a draft to compare, an init target) is
  unusable, or is in the way.
- `BuildLocked`: another build is writing to the same output folder.
- everything else (`BuildError`, `ComposeError`, `FontMissingError`, ...) derives from
  `ReportgenError` directly or through the classes above.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from reportgen.i18n import _

if TYPE_CHECKING:
    from reportgen.problems import Problem


class ReportgenError(Exception):
    """An error a user can act on: `message_id` (English, `N_`-marked) and its parameters."""

    def __init__(self, message_id: str, **params: object):
        self.message_id = message_id
        self.params = params
        super().__init__(_english(message_id, params))

    @property
    def message(self) -> str:
        # The name the classes merged into this one used; kept for their callers.
        return self.message_id

    def translated(self) -> str:
        """The message in the current language (reportgen.i18n.set_language)."""
        return _(self.message_id, **self.params)


def _english(message_id: str, params: dict) -> str:
    try:
        return message_id.format(**params) if params else message_id
    except (KeyError, IndexError, ValueError):  # a free-text message with braces in it
        return message_id


class InvalidRequest(ReportgenError):
    """A usage error: the request itself is wrong, not the data (CLI exit 2)."""


class DatasetInvalid(ReportgenError):
    """The dataset cannot be used; `problems` say where and why (CLI exit 1)."""

    def __init__(self, problems: list["Problem"], message_id: str = "", **params: object):
        self.problems = list(problems)
        super().__init__(message_id or "; ".join(p.message for p in self.problems), **params)


class InputFileError(ReportgenError):
    """A file or folder given to reportgen is unusable or in the way (CLI exit 1)."""


class BuildError(ReportgenError):
    """A build cannot start or cannot go on (no Dask scheduler, ...) (CLI exit 1)."""


class BuildLocked(BuildError):
    """Another build holds the output folder's lock (CLI exit 1)."""


class OutputError(InputFileError):
    """A file or folder at the edge cannot be written or read: the output folder is a
    file, the disk is full or read-only, permission is denied, or a path would leave (or
    link out of) the folder named on the command line (CLI exit 1). The message says
    which file, what happened and what to do; nothing half-written is left behind.

    Made by `reportgen.files.output_error` from an OSError, or wrapping a refusal of
    `reportgen.safety` (its own translated, located text)."""

    def __init__(self, message_id: str, *, refusal: Exception | None = None, **params: object):
        self.refusal = refusal
        super().__init__(message_id, **params)

    def translated(self) -> str:
        if self.refusal is not None and hasattr(self.refusal, "describe"):
            return self.refusal.describe()
        return super().translated()
