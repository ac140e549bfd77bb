"""The operator's limits: defaults, REPORTGEN_LIMIT_*, --limit, and what a refusal says."""
from __future__ import annotations

from decimal import Decimal

import pytest

from reportgen.i18n import set_language
from reportgen.safety.limits import (
    LimitExceeded, Limits, SafetyError, cap_problems, check, check_count, check_tree_depth,
    parse_limit_option,
)


def test_defaults_are_beyond_a_ministry():
    limits = Limits()
    assert limits.max_count == 10 ** 15
    assert limits.errors_shown == 200
    assert limits.sheet_rows >= 1_000_000 and limits.archive_entry_bytes >= 256 * 1024 ** 2
    assert limits.unit_depth >= 4 and limits.yaml_depth >= 8


def test_environment_then_option_override_the_defaults():
    limits = Limits.from_environ({"REPORTGEN_LIMIT_ARCHIVE_ENTRY_BYTES": "1G",
                                  "REPORTGEN_LIMIT_SHEET_ROWS": "2_000_000"},
                                 overrides=["sheet_rows=3000000", "max-count=10**18"])
    assert limits.archive_entry_bytes == 1024 ** 3
    assert limits.sheet_rows == 3_000_000
    assert limits.max_count == 10 ** 18
    assert Limits.from_environ({}).yaml_bytes == Limits().yaml_bytes


@pytest.mark.parametrize("text", ["0", "-5", "lots", "1.5.2", ""])
def test_a_bad_limit_value_is_a_message_not_a_traceback(text):
    if not text:  # an empty variable means "not set"
        assert Limits.from_environ({"REPORTGEN_LIMIT_YAML_BYTES": text}) == Limits()
        return
    with pytest.raises(SafetyError) as caught:
        Limits.from_environ({"REPORTGEN_LIMIT_YAML_BYTES": text})
    assert "REPORTGEN_LIMIT_YAML_BYTES" in caught.value.describe()
    assert "positive whole number" in caught.value.describe()


def test_an_unknown_limit_name_lists_the_known_ones():
    with pytest.raises(SafetyError) as caught:
        parse_limit_option("archive_size=1G")
    assert "archive_total_bytes" in caught.value.describe()
    with pytest.raises(SafetyError):
        parse_limit_option("no-equals-sign")


def test_a_refusal_names_the_file_the_limit_its_value_and_how_to_raise_it():
    with pytest.raises(LimitExceeded) as caught:
        check(Limits(), "archive_entries", 20_000, file="quan-ba-dinh.xlsx")
    error = caught.value
    assert (error.limit, error.value, error.found) == ("archive_entries", 10_000, 20_000)
    text = error.describe()
    assert text.startswith("quan-ba-dinh.xlsx: ")
    assert "archive_entries = 10000" in text and "20000" in text
    assert "REPORTGEN_LIMIT_ARCHIVE_ENTRIES=" in text and "--limit archive_entries=" in text


def test_a_refusal_is_in_vietnamese_by_default():
    set_language("vi")
    with pytest.raises(LimitExceeded) as caught:
        check(Limits(), "archive_entries", 20_000, file="a.xlsx")
    text = caught.value.describe()
    assert "vượt" in text and "REPORTGEN_LIMIT_ARCHIVE_ENTRIES" in text


def test_a_refusal_becomes_a_located_problem():
    with pytest.raises(LimitExceeded) as caught:
        check(Limits(), "notes_bytes", 5 * 1024 ** 2, file="notes/2023-H1/001.md")
    problem = caught.value.as_problem()
    assert problem.is_error
    assert problem.describe().startswith("error: notes/2023-H1/001.md")
    assert "notes_bytes" in problem.describe()


@pytest.mark.parametrize("value", [10 ** 40, -10 ** 16, Decimal("1e300")])
def test_values_beyond_max_count_are_refused(value):
    with pytest.raises(LimitExceeded) as caught:
        check_count(value, Limits(), file="values.csv", where="row 5")
    assert caught.value.limit == "max_count"


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_values_that_are_not_finite_are_refused(value):
    with pytest.raises(SafetyError) as caught:
        check_count(value, Limits(), file="values.csv")
    assert "finite" in caught.value.describe()


def test_the_largest_allowed_count_passes():
    check_count(10 ** 15, Limits())
    check_count(Decimal("-12.5"), Limits())


def test_a_thousand_level_unit_chain_is_refused_without_recursion():
    parents = {"u0": None, **{f"u{i}": f"u{i - 1}" for i in range(1, 1000)}}
    with pytest.raises(LimitExceeded) as caught:
        check_tree_depth(parents, Limits(), file="units.csv")
    assert caught.value.limit == "unit_depth"


def test_a_real_tree_gets_its_depths():
    parents = {"01": None, "001": "01", "00001": "001", "002": "01"}
    assert check_tree_depth(parents, Limits()) == {"01": 0, "001": 1, "00001": 2, "002": 1}


def test_a_parent_cycle_is_named():
    with pytest.raises(SafetyError) as caught:
        check_tree_depth({"01": None, "a": "b", "b": "a"}, Limits(), file="units.csv")
    assert "own ancestor" in caught.value.describe()


def test_error_output_is_capped_with_a_count_even_from_a_generator():
    capped = cap_problems((f"problem {i}" for i in range(1_000_000)), Limits())
    assert len(capped.shown) == 200 and capped.hidden == 999_800
    assert "999800 more" in capped.footer()
    assert cap_problems(["one"], Limits()).footer() is None
