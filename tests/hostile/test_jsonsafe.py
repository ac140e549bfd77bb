"""A planted or damaged manifest.json is a message, never a RecursionError."""
from __future__ import annotations

import pytest

from reportgen.safety.jsonsafe import JsonError, json_depth, load_json
from reportgen.safety.limits import LimitExceeded, Limits


def test_a_manifest_loads():
    assert load_json(b'{"outputs": [{"path": "2023-H1/001.docx"}]}', file="manifest.json") == {
        "outputs": [{"path": "2023-H1/001.docx"}]}


def test_deep_nesting_is_refused_before_json_loads():
    with pytest.raises(LimitExceeded) as caught:
        load_json("[" * 200_000 + "]" * 200_000, file="manifest.json")
    assert caught.value.limit == "json_depth"
    assert caught.value.describe().startswith("manifest.json: ")


def test_brackets_inside_strings_do_not_count():
    assert json_depth('{"a": "[[[[{{{{", "b": "\\"[["}') == 1


def test_size_is_checked_first():
    with pytest.raises(LimitExceeded) as caught:
        load_json(b" " * 2000, file="manifest.json", limits=Limits(json_bytes=1000))
    assert caught.value.limit == "json_bytes"


@pytest.mark.parametrize("data", [b"", b"{", b"\xff\xfe", b'{"a": 1,}', b"NaN-ish"])
def test_damaged_json_is_a_message(data):
    with pytest.raises(JsonError) as caught:
        load_json(data, file="manifest.json")
    assert "rebuild" in caught.value.describe()
