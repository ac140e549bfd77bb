"""Tokens: figures stay whole, so a change reads "809 → 812"."""
import unicodedata

import pytest

from reportgen.diff.tokens import tokenize, words


@pytest.mark.parametrize("figure", ["1.200", "67,4%", "809/1.200", "+273", "-316",
                                    "05/7/2023", "15/12/2022", "0,5"])
def test_a_figure_is_one_token(figure):
    texts = [t.text for t in tokenize(f"đạt {figure} KH")]
    assert texts == ["đạt", " ", figure, " ", "KH"]


def test_punctuation_after_a_figure_is_its_own_token():
    assert words("cho 809/1.200 người, đạt 67,4%.") == [
        "cho", "809/1.200", "người", ",", "đạt", "67,4%", "."]


def test_a_hyphen_between_figures_is_not_a_sign():
    assert words("giai đoạn 2022-2023") == ["giai", "đoạn", "2022", "-", "2023"]


def test_words_keep_inner_hyphens_and_the_closing_mark_splits():
    assert words("Nghị định 09/2019/NĐ-CP./.") == [
        "Nghị", "định", "09/2019", "/", "NĐ-CP", ".", "/", "."]


def test_tokens_cover_the_text_exactly():
    text = "Tổ chức\tcai nghiện  bắt buộc (trong đó, +273)\n./."
    tokens = tokenize(text)
    assert "".join(t.text for t in tokens) == text
    assert all(text[t.start:t.end] == t.text for t in tokens)


def test_decomposed_vietnamese_is_one_word_and_compares_equal_to_nfc():
    nfd = unicodedata.normalize("NFD", "nghiện bắt buộc")
    assert words(nfd) == ["nghiện", "bắt", "buộc"]
