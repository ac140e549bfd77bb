"""YAML from other offices, loaded with bounds (dataset.yaml, settings-sheet cells).

On yaml.SafeLoader (CSafeLoader when libyaml is there), in three passes that each fail
fast:

1. bytes: at most yaml_bytes, UTF-8;
2. events (libyaml's parser, no objects built): nesting depth ≤ yaml_depth, alias uses
   ≤ yaml_aliases, explicit tags only from the core schema (!!str, !!int, ...; anything
   else, !!python/* included, is refused);
3. nodes: the number of nodes once every alias is *expanded* is computed on the node
   graph with one memoized pass (O(distinct nodes)) and must stay ≤ yaml_nodes; a
   recursive alias is refused.

Aliases are counted, not refused: real datasets use them (the Hà Nội sample gives the
district agency once, `quan: &district_agency`, and reuses it for huyen/thi-xa). The
billion laughs is small as a graph (PyYAML shares the node), but every consumer that
walks the result (json.dumps for the build digest, the settings schema) expands it;
counting expansions refuses it in microseconds, before any consumer sees it.

Duplicate keys are a located problem (line, column), not a silent overwrite; keys
brought in by a merge (`<<: *base`) may be overridden, as YAML intends. The result is
plain data (dict, list, str, int, float, bool, None, date, datetime) with no shared
objects: every alias is copied.
"""
from __future__ import annotations

import datetime as _dt

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reportgen.i18n import N_
from reportgen.safety.limits import LimitExceeded, Limits, SafetyError, check

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CORE_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in
                       ("str", "int", "float", "bool", "null", "seq", "map"))
_MERGE = "tag:yaml.org,2002:merge"


class YamlError(SafetyError):
    """dataset.yaml (or a YAML cell) that cannot be accepted, with line and column."""


def _mark(error_or_node) -> tuple[int | None, int | None]:
    mark = getattr(error_or_node, "problem_mark", None) or getattr(error_or_node, "start_mark", None)
    return ((mark.line + 1, mark.column + 1) if mark is not None else (None, None))


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    file = "dataset.yaml"

    def construct_mapping(self, node, deep=False):
        if isinstance(node, MappingNode):
            seen: dict[object, Node] = {}
            for key_node, _value in node.value:
                if key_node.tag == _MERGE:
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    hash(key)
                except TypeError:
                    line, column = _mark(key_node)
                    raise YamlError(N_("a key is a list or a mapping, not a name"), file=self.file,
                                    line=line, column=column,
                                    fix=N_("write the key as plain text")) from None
                if key in seen:
                    line, column = _mark(key_node)
                    first, _c = _mark(seen[key])
                    raise YamlError(N_("the key \"{key}\" is given twice (first on line {first})"),
                                    file=self.file, line=line, column=column,
                                    fix=N_("keep one of the two entries"), key=str(key)[:80], first=first)
                seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


_NULL = "tag:yaml.org,2002:null"


class _TextLoader(_Loader):
    """Plain scalars stay the text the clerk typed (`root: 01` is "01", `006:` is "006",
    `no` is "no"): only null and the merge key `<<` are resolved; quoted and explicitly
    tagged scalars are as YAML says. The settings schema does the typing."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag in (_NULL, _MERGE)]
        for first, resolvers in _Loader.yaml_implicit_resolvers.items()}


def _keys_as_text(root: Node) -> None:
    """Every plain scalar mapping key becomes a string (a unit code 006, a year 2023)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen or isinstance(node, ScalarNode):
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode) and key_node.tag != _MERGE and key_node.style is None:
                    key_node.tag = "tag:yaml.org,2002:str"
                stack.extend((key_node, value_node))
        else:
            stack.extend(node.value)


def _scan_events(text: str, file: str, limits: Limits) -> None:
    depth = aliases = 0
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > limits.yaml_depth:
                    line, column = _mark(event)
                    raise LimitExceeded("yaml_depth", limits.yaml_depth, depth, file=file,
                                        line=line, column=column)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                check(limits, "yaml_aliases", aliases, file=file)
            tag = getattr(event, "tag", None)
            if tag is not None and tag not in _CORE_TAGS and tag != "!":
                line, column = _mark(event)
                raise YamlError(N_("the YAML tag \"{tag}\" is not allowed"), file=file,
                                line=line, column=column,
                                fix=N_("remove the tag: settings are plain text, numbers, lists and mappings"),
                                tag=str(tag)[:80])
    except yaml.YAMLError as error:
        line, column = _mark(error)
        raise YamlError(N_("the YAML cannot be read: {reason}"), file=file, line=line, column=column,
                        fix=N_("check the indentation and the quotes around this line"),
                        reason=getattr(error, "problem", None) or type(error).__name__) from None


def _expanded_size(root: Node, file: str, limits: Limits) -> int:
    """Nodes in the tree once every alias is expanded (memoized, iterative)."""
    size: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            active.discard(key)
            children = (node.value if isinstance(node, SequenceNode)
                        else [n for pair in node.value for n in pair])
            total = 1 + sum(size[id(c)] for c in children)
            size[key] = total
            if total > limits.yaml_nodes:
                line, column = _mark(node)
                raise LimitExceeded("yaml_nodes", limits.yaml_nodes, total, file=file,
                                    line=line, column=column)
            continue
        if key in size:
            continue
        if isinstance(node, ScalarNode):
            size[key] = 1
            continue
        if key in active:
            line, column = _mark(node)
            raise YamlError(N_("an alias refers to the mapping or list that contains it"), file=file,
                            line=line, column=column, fix=N_("remove the recursive alias"))
        active.add(key)
        stack.append((node, True))
        children = (node.value if isinstance(node, SequenceNode)
                    else [n for pair in node.value for n in pair])
        for child in children:
            if id(child) in active:
                line, column = _mark(child)
                raise YamlError(N_("an alias refers to the mapping or list that contains it"),
                                file=file, line=line, column=column,
                                fix=N_("remove the recursive alias"))
            if id(child) not in size:
                stack.append((child, False))
    return size[id(root)]


_PLAIN = (str, int, float, bool, type(None), _dt.date, _dt.datetime)


def _plain_copy(value):
    """Copy without sharing (depth is already bounded by yaml_depth)."""
    if isinstance(value, dict):
        return {k: _plain_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_copy(v) for v in value]
    if isinstance(value, _PLAIN):
        return value
    return str(value)  # cannot happen with the core tags; never hand out anything else


def load_yaml(source: str | bytes, *, file: str = "dataset.yaml", limits: Limits | None = None,
              text_scalars: bool = False):
    """The document as plain data (None for an empty document), or YamlError/LimitExceeded.
    `text_scalars`: plain scalars and every mapping key stay text (see _TextLoader)."""
    limits = limits or Limits.from_environ()
    size = len(source if isinstance(source, bytes) else source.encode("utf-8", "surrogatepass"))
    check(limits, "yaml_bytes", size, file=file)
    if isinstance(source, bytes):
        try:
            text = source.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise YamlError(N_("the file is not UTF-8 text (byte {offset})"), file=file,
                            fix=N_("save the file as UTF-8"), offset=error.start) from None
    else:
        text = source
    _scan_events(text, file, limits)
    loader = (_TextLoader if text_scalars else _Loader)(text)
    loader.file = file
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, file, limits)
        if text_scalars:
            _keys_as_text(node)
        data = loader.construct_document(node)
    except yaml.YAMLError as error:
        line, column = _mark(error)
        raise YamlError(N_("the YAML cannot be read: {reason}"), file=file, line=line, column=column,
                        fix=N_("check the indentation and the quotes around this line"),
                        reason=getattr(error, "problem", None) or type(error).__name__) from None
    except (ValueError, OverflowError) as error:  # e.g. a date 2023-02-30 in the timestamp constructor
        raise YamlError(N_("the YAML cannot be read: {reason}"), file=file,
                        fix=N_("check the indentation and the quotes around this line"),
                        reason=str(error)[:200]) from None
    finally:
        loader.dispose()
    return _plain_copy(data)
