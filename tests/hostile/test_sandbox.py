"""Run code: settings Jinja is a whitelisted, loop-free sandbox with located errors."""
from __future__ import annotations

from datetime import date

import pytest

from reportgen.dataset import Unit
from reportgen.periods import Period
from reportgen.safety.limits import LimitExceeded, Limits
from reportgen.safety.sandbox import SettingError, check_setting, render_setting, setting_context

UNIT = Unit("001", "Quận Ba Đình", "quan", "01")
PARENT = Unit("01", "Thành phố Hà Nội", "thanh-pho", None)
CONTEXT = setting_context(unit=UNIT, parent=PARENT, period=Period(2023, "H1"),
                          title="Phòng, chống tệ nạn xã hội")
WHERE = {"file": "dataset.yaml", "where": "agency.quan.parent"}


@pytest.mark.parametrize("text, expected", [
    ("UBND {{ unit.name | upper }}", "UBND QUẬN BA ĐÌNH"),
    ("{{ unit.name|replace('Quận ', '')|lower }}", "ba đình"),
    ("{{ parent.name }} - {{ unit.code }}", "Thành phố Hà Nội - 001"),
    ("{{ period.code }}: {{ dataset.title|trim }}", "2023-H1: Phòng, chống tệ nạn xã hội"),
    ("{{ period.cutoff_end|short_date }}", "14/6/2023"),
    ("{% if parent is defined %}{{ parent.name|upper }}{% else %}X{% endif %}", "THÀNH PHỐ HÀ NỘI"),
    ("{{ 'A' if unit.level == 'quan' else 'B' }}", "A"),
    ("Sở Lao động - Thương binh và Xã hội", "Sở Lao động - Thương binh và Xã hội"),
    ("{{ unit['name'] ~ '!' }}", "Quận Ba Đình!"),
])
def test_the_settings_a_dataset_uses_render(text, expected):
    assert render_setting(text, CONTEXT, **WHERE) == expected


@pytest.mark.parametrize("payload", [
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ open('/etc/passwd').read() }}",
    "{% for x in range(10**9) %}x{% endfor %}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ unit.__class__ }}", "{{ unit['__class__'] }}", "{{ unit.name.upper() }}",
    "{{ self }}", "{{ lipsum(10**6) }}", "{{ namespace() }}", "{{ config }}",
    "{{ 'a' * 1000000 }}", "{{ 9 ** 9 ** 9 }}", "{{ [1,2,3] }}", "{{ {'a': 1} }}",
    "{% set x = 1 %}", "{% macro m() %}{% endmacro %}", "{% include '/etc/passwd' %}",
    "{% import 'x' as y %}", "{% extends 'x' %}", "{% filter upper %}x{% endfilter %}",
    "{{ unit.name|attr('__class__') }}", "{{ unit.name|format(1) }}", "{{ unit.name|map('x') }}",
    "{{ unit.name|replace(unit.name, unit.code) }}", "{{ unit }}", "{{ unit.items }}",
    "{{ unit.name is sameas 1 }}", "{{ unit.name[0:2] }}", "{{ 1.5 }}", "{% with a=1 %}{% endwith %}",
])
def test_the_payloads_of_the_issue_and_their_cousins_are_located_refusals(payload):
    with pytest.raises(SettingError) as caught:
        render_setting(payload, CONTEXT, **WHERE)
    assert caught.value.describe().startswith("dataset.yaml, agency.quan.parent")
    with pytest.raises(SettingError):  # validate sees it without rendering
        check_setting(payload, **WHERE)


def test_the_refusal_tells_what_is_allowed():
    with pytest.raises(SettingError) as caught:
        render_setting("{% for x in range(10**9) %}x{% endfor %}", CONTEXT, **WHERE)
    text = caught.value.describe()
    assert "{% for %}" in text and "unit.name" in text and "upper" in text


def test_chained_replace_is_capped():
    bomb = "{{ unit.name" + "|replace('', 'aaaaaaaaaa')" * 8 + " }}"
    with pytest.raises(LimitExceeded) as caught:
        render_setting(bomb, CONTEXT, **WHERE)
    assert caught.value.limit == "setting_chars"
    assert caught.value.describe().startswith("dataset.yaml, agency.quan.parent")


def test_a_long_setting_is_refused_before_parsing():
    with pytest.raises(LimitExceeded):
        render_setting("x" * 5000, CONTEXT, **WHERE)
    with pytest.raises(LimitExceeded):
        render_setting("{{ unit.name }}" * 400, CONTEXT, **WHERE)
    assert render_setting("{{ unit.name }}" * 10, CONTEXT, limits=Limits(setting_chars=200), **WHERE)


def test_deep_nesting_is_a_message_not_a_recursion_error():
    with pytest.raises(SettingError):
        render_setting("{{ " + "(" * 1500 + "1" + ")" * 1500 + " }}", CONTEXT,
                       limits=Limits(setting_chars=10_000), **WHERE)


def test_a_missing_name_says_how_to_guard_it():
    context = setting_context(unit=PARENT, period=Period(2023, "H1"))
    with pytest.raises(SettingError) as caught:
        render_setting("UBND {{ parent.name }}", context, **WHERE)
    assert "is defined" in caught.value.describe()


def test_a_formatter_on_text_is_a_message():
    with pytest.raises(SettingError):
        render_setting("{{ unit.name|count }}", CONTEXT, **WHERE)


@pytest.mark.parametrize("value", [["a", "b"], 12, None, {"a": 1}])
def test_a_setting_of_the_wrong_type_is_located(value):
    with pytest.raises(SettingError) as caught:
        render_setting(value, CONTEXT, **WHERE)
    assert "must be text" in caught.value.describe()


def test_syntax_errors_are_located():
    with pytest.raises(SettingError) as caught:
        render_setting("UBND {{ unit.name", CONTEXT, **WHERE)
    assert caught.value.describe().startswith("dataset.yaml, agency.quan.parent, line 1")


def test_the_context_holds_only_plain_values():
    assert CONTEXT["unit"] == {"code": "001", "name": "Quận Ba Đình", "level": "quan"}
    assert CONTEXT["period"]["cutoff_end"] == Period(2023, "H1").cutoff_end
    assert isinstance(CONTEXT["period"]["cutoff_end"], date)
    # A context holding a live object is ignored beyond the listed names.
    assert render_setting("{{ unit.code }}", {**CONTEXT, "os": __import__("os")}, **WHERE) == "001"
