"""diff/errors.py: every reason a diff refuses its inputs is a message the user can act on."""
from __future__ import annotations

import pytest

from reportgen.diff.errors import MESSAGES, NOT_DOCX, UNREADABLE_DOCX, DiffInputError
from reportgen.i18n import DEFAULT_LANGUAGE, _, set_language
from reportgen.ooxml import read


def test_the_docx_reader_s_messages_are_the_diff_s():
    # The ooxml layer raises its own PackageError; the diff reports it with these ids.
    assert (read.NOT_DOCX, read.UNREADABLE_DOCX) == (NOT_DOCX, UNREADABLE_DOCX)
    assert NOT_DOCX in MESSAGES and UNREADABLE_DOCX in MESSAGES


def test_an_error_keeps_its_id_and_parameters_for_the_edge_to_translate():
    error = DiffInputError(NOT_DOCX, path="bao-cao.pdf")
    assert error.message_id == NOT_DOCX and error.params == {"path": "bao-cao.pdf"}
    assert str(error).startswith("bao-cao.pdf is not a DOCX file")


@pytest.mark.parametrize("message", MESSAGES)
def test_every_message_has_a_vietnamese_text(message):
    set_language("vi")
    try:
        assert _(message) != message
    finally:
        set_language(DEFAULT_LANGUAGE)
