"""Memory/time bombs and silent overwrites in YAML: bounded, located, plain data."""
from __future__ import annotations

import time
from datetime import date

import pytest

from reportgen.safety.limits import LimitExceeded, Limits, SafetyError
from reportgen.safety.yamlsafe import YamlError, load_yaml
from tests.dataset_factory import HANOI
from tests.hostile import bombs


def test_the_sample_dataset_yaml_loads_with_its_aliases_as_independent_copies():
    data = load_yaml((HANOI / "dataset.yaml").read_bytes())
    assert data["agency"]["huyen"] == data["agency"]["quan"]
    assert data["agency"]["huyen"] is not data["agency"]["quan"]
    data["agency"]["huyen"]["name"] = "changed"
    assert data["agency"]["quan"]["name"] != "changed"


def test_the_billion_laughs_fails_fast():
    text = bombs.nested_alias_yaml()
    assert len(text) < 1024
    started = time.perf_counter()
    with pytest.raises(LimitExceeded) as caught:
        load_yaml(text)
    assert caught.value.limit == "yaml_nodes"
    assert time.perf_counter() - started < 1  # not a benchmark: "never finishes" before


def test_too_many_aliases():
    text = "base: &b x\nlist: [" + ", ".join(["*b"] * 20) + "]\n"
    with pytest.raises(LimitExceeded) as caught:
        load_yaml(text, limits=Limits(yaml_aliases=10))
    assert caught.value.limit == "yaml_aliases"


@pytest.mark.parametrize("text", ["a: &a [*a]\n", "a: &a {b: *a}\n"])
def test_a_recursive_alias_is_refused(text):
    with pytest.raises(YamlError) as caught:
        load_yaml(text)
    assert "contains it" in caught.value.describe()


def test_deep_nesting_is_refused_without_recursion_error():
    with pytest.raises(LimitExceeded) as caught:
        load_yaml(bombs.deep_yaml(100))
    assert caught.value.limit == "yaml_depth"
    assert caught.value.line == 1
    # libyaml's scanner stops at 1000 levels before our count: refused all the same.
    with pytest.raises(SafetyError) as caught:
        load_yaml(bombs.deep_yaml(100_000))
    assert caught.value.line == 1


def test_a_large_file_is_refused_before_parsing():
    with pytest.raises(LimitExceeded) as caught:
        load_yaml(b"a: " + b"x" * (2 * 1024 * 1024))
    assert caught.value.limit == "yaml_bytes"


@pytest.mark.parametrize("text", [
    "!!python/object/apply:os.system ['id']", "a: !!python/name:os.system\n", "a: !!binary aGk=\n",
    "a: !!set {x}\n", "a: !custom x\n", "a: !!omap [{x: 1}]\n",
])
def test_tags_beyond_the_core_schema_are_refused(text):
    with pytest.raises(YamlError) as caught:
        load_yaml(text)
    assert "tag" in caught.value.describe()


def test_core_tags_and_dates_are_plain_data():
    assert load_yaml('a: !!str 001\nb: 2023-07-05\nc: [1, 2.5, true, null]\n') == {
        "a": "001", "b": date(2023, 7, 5), "c": [1, 2.5, True, None]}


def test_a_duplicate_key_is_located():
    with pytest.raises(YamlError) as caught:
        load_yaml("title: A\nroot: '01'\ntitle: B\n")
    error = caught.value
    assert (error.line, error.column) == (3, 1)
    assert error.describe().startswith("dataset.yaml, line 3, column 1: the key \"title\" is given twice")


def test_a_duplicate_nested_key_is_located():
    with pytest.raises(YamlError) as caught:
        load_yaml("agency:\n  quan:\n    name: A\n    name: B\n")
    assert caught.value.line == 4


def test_a_merge_may_be_overridden():
    assert load_yaml("base: &b {name: A, short: X}\nquan:\n  <<: *b\n  name: B\n")["quan"] == {
        "name": "B", "short": "X"}


@pytest.mark.parametrize("data", [b"\xff\xfe\x00a", "a: [1, 2\n", "a: 'unterminated\n", "\tx: 1\n",
                                  "a: 2023-02-30\n", "[1]: x\n", "? [a]\n: x\n"])
def test_damaged_yaml_is_a_located_message(data):
    with pytest.raises(YamlError) as caught:
        load_yaml(data)
    assert caught.value.describe().startswith("dataset.yaml")


def test_an_empty_document_is_none():
    assert load_yaml("") is None
    assert load_yaml("# only a comment\n") is None


def test_a_huge_integer_is_a_message():
    with pytest.raises(YamlError):
        load_yaml("value: " + "9" * 5000 + "\n")
