"""Why a review diff cannot be made: the inputs, named, with what the user should do.

Message ids are English with {placeholders}; the CLI translates them with
`reportgen.i18n._(error.message_id, **error.params)`.
"""
from __future__ import annotations

from reportgen.errors import InputFileError
from reportgen.i18n import N_
# The DOCX reader's own messages; a diff reports them as its inputs' faults.
from reportgen.ooxml.read import NOT_DOCX, UNREADABLE_DOCX

NOT_FOUND = N_("{path} does not exist.")
TRACKED_CHANGES = N_("{path} already contains tracked changes. Accept or reject all changes "
                     "in Word (Review → Accept All) and save, then run again.")
MISMATCHED = N_("Cannot compare {old} with {new}: give two DOCX files or two build folders.")
NO_MANIFEST = N_("{path} has no manifest.json: give a folder written by \"reportgen build\", "
                 "or two DOCX files.")
UNREADABLE_JSON = N_("{path} cannot be read: {reason}.")
NO_COMMON_PERIOD = N_("The two builds have no period in common (old: {old_periods}; new: "
                      "{new_periods}). Compare builds of the same period, or compare two "
                      "DOCX files.")
MISSING_OUTPUT = N_("{path} is listed in {manifest} but the file is missing; run "
                    "\"reportgen build\" again.")

MESSAGES = (NOT_FOUND, NOT_DOCX, UNREADABLE_DOCX, TRACKED_CHANGES, MISMATCHED, NO_MANIFEST,
            UNREADABLE_JSON, NO_COMMON_PERIOD, MISSING_OUTPUT)


class DiffInputError(InputFileError):
    """The inputs of a diff are unusable. `message_id` is one of the ids above."""
