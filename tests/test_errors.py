"""errors.py: one base class for every error reportgen raises on purpose, translated at
the edge; the CLI picks the exit code from the class."""
from __future__ import annotations

import pytest

from reportgen.build import BuildError
from reportgen.compose import ComposeError
from reportgen.diff import DiffInputError
from reportgen.diff.errors import NOT_FOUND
from reportgen.errors import (
    BuildLocked, DatasetInvalid, InputFileError, InvalidRequest, ReportgenError,
)
from reportgen.fonts import FontMissingError
from reportgen.i18n import N_, set_language
from reportgen.init import InitTargetExistsError
from reportgen.periods import Period, PeriodError
from reportgen.problems import DatasetError, Location, Problem
from reportgen.render.pdf import FontFallbackError


@pytest.fixture(autouse=True)
def vietnamese():
    set_language("vi")
    yield
    set_language("vi")


@pytest.mark.parametrize("cls", [InvalidRequest, DatasetInvalid, InputFileError, BuildLocked,
                                 BuildError, ComposeError, DiffInputError, DatasetError,
                                 InitTargetExistsError, FontMissingError, FontFallbackError,
                                 PeriodError])
def test_every_error_class_has_the_one_base(cls):
    assert issubclass(cls, ReportgenError)


def test_the_message_is_translated_where_it_is_shown():
    error = InitTargetExistsError("x")
    assert str(error) == "x already exists and is not empty; choose a new name"
    assert "x" in error.translated() and error.translated() != str(error)
    set_language("en")
    assert error.translated() == str(error)


def test_a_compose_error_is_translated():
    error = ComposeError(N_("the settings give no issuing agency for units of level {level} "
                            "(agency: {level}: name)"), level="xa")
    assert error.translated() != str(error)  # the .po has it in Vietnamese
    assert "xa" in error.translated()


def test_the_old_catches_still_work():
    with pytest.raises(ValueError):
        Period.parse("2023-Z")
    with pytest.raises(FileExistsError):
        raise InitTargetExistsError("x")
    with pytest.raises(InvalidRequest, match="not a period code: 2023-Z"):
        Period.parse("2023-Z")
    assert DiffInputError(NOT_FOUND, path="a.docx").message_id == NOT_FOUND


def test_a_dataset_error_carries_its_problems():
    problem = Problem.error(Location("dataset.yaml"), N_("no such dataset"))
    error = DatasetError([problem])
    assert isinstance(error, DatasetInvalid) and error.problems == [problem]
