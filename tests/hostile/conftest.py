"""Hostile inputs: messages are checked in English (ids), the bombs are made once."""
from __future__ import annotations

import pytest

from reportgen.i18n import DEFAULT_LANGUAGE, set_language
from tests.hostile import bombs


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language(DEFAULT_LANGUAGE)


@pytest.fixture(scope="session")
def bomb_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("bombs")


@pytest.fixture(scope="session")
def xlsx_bomb(bomb_dir):
    return bombs.xlsx_bomb(bomb_dir / "bomb.xlsx")


@pytest.fixture(scope="session")
def docx_1gb(bomb_dir):
    return bombs.docx_with_unused_entry(bomb_dir / "unused-entry.docx")


@pytest.fixture(scope="session")
def million_rows(bomb_dir):
    return bombs.big_sheet_xlsx(bomb_dir / "rows.xlsx")
