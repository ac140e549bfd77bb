"""Property-based, over the settings schema and compose: any plain value under any
settings key is either a located problem from parse_settings/validate or a report; never
an AttributeError or TypeError in a worker (the issue's "settings of the wrong type")."""
from __future__ import annotations

import dataclasses
import tempfile
from functools import lru_cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from reportgen.compose import ComposeError, compose_report
from reportgen.dataset import load_dataset
from reportgen.dataset.settings import KNOWN_KEYS, parse_settings
from reportgen.figures import FigureBook
from reportgen.periods import Period
from reportgen.problems import Location
from reportgen.validate import validate
from tests.dataset_factory import TINY_SETTINGS, write_tiny

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LEAF = (st.none() | st.booleans() | st.integers(-10 ** 20, 10 ** 20) | st.dates()
        | st.sampled_from(["", "01", "2023-H1", "2023-07-05", "false", "có", "{{ unit.name }}",
                           "{{ cycler }}", "{% for x in y %}{% endfor %}", "quan", "name"])
        | st.text(max_size=12))
PLAIN = st.recursive(LEAF, lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.sampled_from(["quan", "thanh-pho", "name", "parent", "short",
                                                        "title", "authority", "2023-H1", "001", "x"]),
                                       inner, max_size=3), max_leaves=12)
BASE = {"title": "Phòng, chống tệ nạn xã hội", "root": "01",
        "agency": {"quan": {"name": "PHÒNG LĐTBXH", "short": "LĐTBXH"},
                   "thanh-pho": {"name": "SỞ LĐTBXH", "short": "SLĐTBXH"}}}


@lru_cache(maxsize=1)
def _tiny():
    folder = Path(tempfile.mkdtemp()) / "d"
    write_tiny(folder, [("001", "2023-H1", "methadone_new", "5", "")], settings=TINY_SETTINGS)
    dataset = load_dataset(folder).dataset
    return dataset, FigureBook(dataset)


@FAST
@given(key=st.sampled_from(KNOWN_KEYS), value=PLAIN)
def test_any_value_of_any_setting_is_a_problem_or_a_report(key, value):
    settings_, problems = parse_settings({**BASE, key: value}, lambda k: Location("dataset.yaml"))
    for problem in problems:
        assert problem.location.key is not None  # located at its key path
        problem.describe()
    if settings_ is None:
        assert any(p.is_error for p in problems)
        return
    dataset, book = _tiny()
    dataset = dataclasses.replace(dataset, settings=settings_)
    rule_problems = [p for p in validate(dataset, book) if p.is_error]
    if any(p.is_error for p in problems) or rule_problems:
        return
    try:
        for unit in ("01", "001"):
            compose_report(dataset, book, unit, Period.parse("2023-H1"))
    except ComposeError:
        pass  # e.g. no agency for a level: a message, not a crash
