"""Settings strings that may hold Jinja ("UBND {{ unit.name | upper }}"), rendered safely.

Two layers:

1. A whitelist over the parsed template (the robust bound). Only these constructs are
   accepted: text, `{{ … }}`, `{% if %}/{% elif %}/{% else %}`, `a if b else c`, `~`,
   `==`/`!=`/`in`, `and`/`or`/`not`, tests `is defined/undefined/none`, constants, the
   listed names and fields (SETTING_NAMES) and the listed filters with constant
   arguments (SETTING_FILTERS). No loops, no calls, no arithmetic, no assignments,
   macros, includes or imports: the work a template can do is then bounded by its own
   length, so no deadline is needed. (A deadline cannot stop a thread stuck in one
   C-level operation such as `'a' * 10**9`, and an operation-counting hook sees only
   what Jinja dispatches, not what a filter does inside; forbidding the constructs is a
   static guarantee instead of a race.) Every filter result and the output are capped
   at setting_chars characters, which also bounds chained `replace`.
2. Jinja's ImmutableSandboxedEnvironment with no globals (no range, cycler, joiner,
   lipsum, namespace, dict) and only the listed filters, in case the whitelist ever
   misses something; the context holds plain str/int/date values, never objects.

Anything else is a located SettingError: "dataset.yaml, agency.quan.parent: …".
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Callable, Mapping

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from reportgen.i18n import N_
from reportgen.safety.limits import LimitExceeded, Limits, Msg, SafetyError

# The names a setting may use and their fields.
SETTING_NAMES: Mapping[str, frozenset[str]] = {
    "unit": frozenset({"name", "code", "level"}),
    "parent": frozenset({"name", "code", "level"}),
    "period": frozenset({"code", "label", "year", "kind", "outlook_label", "cutoff_start", "cutoff_end"}),
    "dataset": frozenset({"title"}),
}
TEXT_FILTERS = ("upper", "lower", "title", "capitalize", "trim", "replace")
VI_FILTERS = ("count", "value", "percent", "number", "signed", "date_words", "short_date")
SETTING_FILTERS = TEXT_FILTERS + VI_FILTERS
TESTS = ("defined", "undefined", "none")

_ALLOWED_NODES = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.If, nodes.CondExpr,
                  nodes.Concat, nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not,
                  nodes.Const, nodes.Name, nodes.Getattr, nodes.Getitem, nodes.Filter, nodes.Test)
_COMPARE_OPS = ("eq", "ne", "in", "notin")
# How a clerk reads the refused construct (Jinja's node names otherwise).
_CONSTRUCTS = {
    "For": "{% for %}", "Call": "(…) call", "Macro": "{% macro %}", "CallBlock": "{% call %}",
    "Assign": "{% set %}", "AssignBlock": "{% set %}", "Include": "{% include %}",
    "Import": "{% import %}", "FromImport": "{% from … import %}", "Extends": "{% extends %}",
    "Block": "{% block %}", "FilterBlock": "{% filter %}", "With": "{% with %}",
    "Mul": "*", "Pow": "**", "Add": "+", "Sub": "-", "Div": "/", "FloorDiv": "//", "Mod": "%",
    "List": "[…]", "Tuple": "(…, …)", "Dict": "{…}", "Slice": "[a:b]",
}


class SettingError(SafetyError):
    """A settings string that is not a plain text with the allowed placeholders."""


def _refuse(reason: str, file: str | None, where: str | None, line: int | None = None, **params) -> SettingError:
    return SettingError(
        N_("this setting is refused: {reason}"), file=file, where=where, line=line,
        fix=N_("use plain text, or placeholders such as {{{{ unit.name | upper }}}} with the names "
               "{names} and the filters {filters}"),
        reason=Msg(reason), names=", ".join(f"{root}.{field}" for root, fields in SETTING_NAMES.items()
                                             for field in sorted(fields)),
        filters=", ".join(SETTING_FILTERS), **params)


def _reference(node: nodes.Node) -> tuple[str, str | None] | None:
    """name or name.field (also name['field']), else None."""
    if isinstance(node, nodes.Name):
        return node.name, None
    if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name):
        return node.node.name, node.attr
    if (isinstance(node, nodes.Getitem) and isinstance(node.node, nodes.Name)
            and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str)):
        return node.node.name, node.arg.value
    return None


def _check_tree(tree: nodes.Template, file, where) -> None:
    stack: list[tuple[nodes.Node, bool]] = [(tree, False)]  # (node, as a test condition)
    while stack:
        node, in_test = stack.pop()
        if not isinstance(node, _ALLOWED_NODES):
            raise _refuse(N_("\"{construct}\" is not allowed in a setting (no loops, calls, "
                             "arithmetic or assignments)"), file, where, node.lineno,
                          construct=_CONSTRUCTS.get(type(node).__name__, type(node).__name__))
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            ref = _reference(node)
            if ref is None or ref[0] not in SETTING_NAMES:
                raise _refuse(N_("\"{name}\" is not a name a setting may use"), file, where,
                              node.lineno, name=ref[0] if ref else type(node).__name__)
            root, field = ref
            if field is None and not in_test:
                raise _refuse(N_("\"{name}\" needs a field, such as {name}.name"), file, where,
                              node.lineno, name=root)
            if field is not None and field not in SETTING_NAMES[root]:
                raise _refuse(N_("\"{name}\" is not a name a setting may use"), file, where,
                              node.lineno, name=f"{root}.{field}")
            continue
        if isinstance(node, nodes.Const):
            if not isinstance(node.value, (str, int, bool, type(None))) or isinstance(node.value, float):
                raise _refuse(N_("\"{construct}\" is not allowed in a setting (no loops, calls, "
                                 "arithmetic or assignments)"), file, where, node.lineno,
                              construct=type(node.value).__name__)
            continue
        if isinstance(node, nodes.Filter):
            if node.name not in SETTING_FILTERS:
                raise _refuse(N_("the filter \"{name}\" is not allowed"), file, where, node.lineno,
                              name=node.name)
            if node.kwargs or node.dyn_args or node.dyn_kwargs:
                raise _refuse(N_("the filter \"{name}\" takes only plain arguments"), file, where,
                              node.lineno, name=node.name)
            for argument in node.args:
                if not isinstance(argument, nodes.Const):
                    raise _refuse(N_("the filter \"{name}\" takes only plain arguments"), file, where,
                                  node.lineno, name=node.name)
        if isinstance(node, nodes.Test):
            if node.name not in TESTS or node.args or node.kwargs or node.dyn_args or node.dyn_kwargs:
                raise _refuse(N_("the test \"{name}\" is not allowed"), file, where, node.lineno,
                              name=node.name)
            stack.append((node.node, True))
            continue
        if isinstance(node, nodes.Operand) and node.op not in _COMPARE_OPS:
            raise _refuse(N_("\"{construct}\" is not allowed in a setting (no loops, calls, "
                             "arithmetic or assignments)"), file, where, node.lineno, construct=node.op)
        condition = getattr(node, "test", None) if isinstance(node, (nodes.If, nodes.CondExpr)) else None
        for child in node.iter_child_nodes():
            stack.append((child, child is condition or isinstance(node, (nodes.And, nodes.Or, nodes.Not))))


def _capped(function: Callable, limit: int) -> Callable:
    def filter_(*args):
        result = function(*args)
        if isinstance(result, str) and len(result) > limit:
            raise LimitExceeded("setting_chars", limit, len(result))
        return result
    return filter_


def _replace(value, old, new, count=-1):
    return str(value).replace(str(old), str(new), int(count))


@lru_cache(maxsize=16)
def _environment(percent_decimals: int, leading_zero: bool, limit: int) -> ImmutableSandboxedEnvironment:
    from reportgen import vi

    env = ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)
    text = {
        "upper": lambda v: str(v).upper(), "lower": lambda v: str(v).lower(),
        "title": lambda v: str(v).title(), "capitalize": lambda v: str(v).capitalize(),
        "trim": lambda v: str(v).strip(), "replace": _replace,
    }
    formatters = {
        "count": lambda v: vi.format_count(v, leading_zero=leading_zero),
        "value": lambda v: vi.format_value(v, leading_zero=leading_zero),
        "percent": lambda v, d=percent_decimals: vi.format_percent(v, d),
        "number": vi.format_number, "signed": vi.format_signed,
        "date_words": vi.format_date_words, "short_date": vi.format_short_date,
    }
    env.filters = {name: _capped(f, limit) for name, f in {**text, **formatters}.items()}
    env.tests = {name: env.tests[name] for name in TESTS}
    env.globals = {}
    return env


@lru_cache(maxsize=512)
def _compiled(text: str, percent_decimals: int, leading_zero: bool, limit: int):
    env = _environment(percent_decimals, leading_zero, limit)
    tree = env.parse(text)
    _check_tree(tree, None, None)
    return env.from_string(tree)


def _compile(text: str, file, where, limits: Limits, percent_decimals: int, leading_zero: bool):
    if not isinstance(text, str):
        raise _refuse(N_("a setting must be text, not {kind}"), file, where, kind=type(text).__name__)
    if len(text) > limits.setting_chars:
        raise LimitExceeded("setting_chars", limits.setting_chars, len(text), file=file, where=where)
    try:
        return _compiled(text, percent_decimals, leading_zero, limits.setting_chars)
    except SettingError as error:
        error.file, error.where = file, where
        raise
    except jinja2.TemplateSyntaxError as error:
        raise SettingError(N_("the placeholder cannot be read: {reason}"), file=file, where=where,
                           line=error.lineno,
                           fix=N_("write placeholders as {{{{ unit.name }}}}, or remove the braces"),
                           reason=error.message or "") from None
    except RecursionError:
        raise _refuse(N_("it is nested too deeply"), file, where) from None


def check_setting(text: str, *, file: str | None = None, where: str | None = None,
                  limits: Limits | None = None) -> None:
    """For validate: refuse a setting before any report is composed (nothing is rendered)."""
    _compile(text, file, where, limits or Limits.from_environ(), 1, False)


def render_setting(text: str, context: Mapping[str, object], *, file: str | None = None,
                   where: str | None = None, limits: Limits | None = None,
                   percent_decimals: int = 1, leading_zero: bool = False) -> str:
    """The setting with its placeholders filled from `context` (see setting_context)."""
    limits = limits or Limits.from_environ()
    if isinstance(text, str) and "{" not in text:
        if len(text) > limits.setting_chars:
            raise LimitExceeded("setting_chars", limits.setting_chars, len(text), file=file, where=where)
        return text
    template = _compile(text, file, where, limits, percent_decimals, leading_zero)
    try:
        result = template.render(**{k: v for k, v in context.items() if k in SETTING_NAMES})
    except LimitExceeded as error:
        error.file, error.where = file, where
        raise
    except jinja2.UndefinedError as error:
        raise SettingError(N_("the placeholder names something this report does not have: {reason}"),
                           file=file, where=where,
                           fix=N_("check the spelling, or guard it with {{% if parent is defined %}}"),
                           reason=str(error.message or "")[:200]) from None
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, AttributeError,
            LookupError) as error:
        raise SettingError(N_("the placeholder cannot be filled: {reason}"), file=file, where=where,
                           fix=N_("use the formatters only on numbers and dates"),
                           reason=type(error).__name__) from None
    if len(result) > limits.setting_chars:
        raise LimitExceeded("setting_chars", limits.setting_chars, len(result), file=file, where=where)
    return result


def _fields(obj: object, names: frozenset[str]) -> dict[str, object]:
    values = {}
    for name in names:
        value = obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)
        if isinstance(value, (str, int, date)) and not isinstance(value, bool):
            values[name] = value
        elif value is not None:
            values[name] = str(value)
    return values


def setting_context(*, unit: object = None, parent: object = None, period: object = None,
                    title: str | None = None) -> dict[str, dict[str, object]]:
    """Plain dicts of the listed fields (from Unit/Period objects or mappings): a template
    never holds a live object, so there is nothing to climb from."""
    context: dict[str, dict[str, object]] = {}
    if unit is not None:
        context["unit"] = _fields(unit, SETTING_NAMES["unit"])
    if parent is not None:
        context["parent"] = _fields(parent, SETTING_NAMES["parent"])
    if period is not None:
        context["period"] = _fields(period, SETTING_NAMES["period"])
    if title is not None:
        context["dataset"] = {"title": str(title)}
    return context
