"""Read YAML into plain Python values while remembering where each key was written.

Config errors must name the line a volunteer has to fix, and PyYAML forgets
positions once it builds dicts, so we compose the node tree ourselves and record
the line of every key and list item as we go. Duplicate keys, which PyYAML would
silently collapse (a classic copy-paste typo), are reported too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

# libyaml's C loader composes the same node tree, with the same line marks, about ten times
# faster than the pure-Python one; every command reads the config, so use it where present.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """The safe loader, with the tag of a plain scalar settled without a Python call per node where it can be.

    The composer asks ``resolve`` the tag of every node and calls ``descend_resolver`` and
    ``ascend_resolver`` around each one; with no path resolvers (the safe loader has none) those
    two do nothing, and a scalar that is quoted, or whose first character starts none of the
    implicit types (bool, int, float, null, timestamp...), is text; another plain scalar's tag
    depends only on its text, so it is worked out once per text. That was a quarter of the time
    ``monitor check`` spent composing a 1,000-source config. Mappings and sequences are resolved
    by PyYAML as before.
    """

    if not _Base.yaml_path_resolvers and None not in _Base.yaml_implicit_resolvers:
        _implicit_first = frozenset(_Base.yaml_implicit_resolvers)

        def descend_resolver(self, current_node, current_index):
            return None

        def ascend_resolver(self):
            return None

        _plain: dict[str, str] = {}  # plain scalar -> its tag: keys like "name" recur on every source

        def resolve(self, kind, value, implicit, _scalar=yaml.ScalarNode, _first=_implicit_first):
            if kind is _scalar:
                if not implicit[0] or (value and value[0] not in _first):
                    return "tag:yaml.org,2002:str"
                tag = self._plain.get(value)
                if tag is None:
                    tag = _Base.resolve(self, kind, value, implicit)
                    if len(self._plain) < 4096:
                        self._plain[value] = tag
                return tag
            return _Base.resolve(self, kind, value, implicit)


@dataclass
class Located:
    """A parsed document plus ``{key path: line}`` for every key and list item."""

    data: Any
    lines: dict[str, int] = field(default_factory=dict)
    duplicates: list[tuple[str, int]] = field(default_factory=list)

    def line(self, path: str) -> int | None:
        """The line of ``path`` or, failing that, of its nearest parent."""
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return None


def join(path: str, key: str | int) -> str:
    """``join("sources", 3) == "sources[3]"``; ``join("sources[3]", "url") == "sources[3].url"``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def load(text: str) -> Located:
    """Parse one YAML document; raises ``yaml.YAMLError`` (which carries a mark) on bad syntax."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        located = Located(None)
        if node is not None:
            try:
                # One pass over the node tree builds the values and records the lines: PyYAML's own
                # constructor is pure Python even with the C loader and was most of `monitor check`.
                located.data = _build(node, "", located, loader)
            except _Unusual:  # merge keys, explicit tags, non-text keys: let PyYAML construct it
                located = Located(loader.construct_document(node))
                _walk(node, "", located)
    finally:
        loader.dispose()
    return located


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Unusual(Exception):
    pass


def _build(node: yaml.Node, path: str, out: Located, loader) -> Any:
    """The value of ``node`` (what SafeLoader would construct), recording key lines into ``out``."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _STR:
            return node.value
        return loader.construct_object(node, deep=True)  # int, float, bool, null, timestamp
    if isinstance(node, yaml.MappingNode):
        if node.tag != _MAP:
            raise _Unusual
        data: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                raise _Unusual
            key = key_node.value if key_node.tag == _STR else loader.construct_object(key_node)
            child = join(path, str(key))
            if key in data:
                out.duplicates.append((child, key_node.start_mark.line + 1))
            out.lines.setdefault(child, key_node.start_mark.line + 1)
            data[key] = _build(value_node, child, out, loader)
        return data
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _SEQ:
            raise _Unusual
        items = []
        for index, item in enumerate(node.value):
            child = join(path, index)
            out.lines.setdefault(child, item.start_mark.line + 1)
            items.append(_build(item, child, out, loader))
        return items
    raise _Unusual


def _walk(node: yaml.Node, path: str, out: Located) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = join(path, key)
            if key in seen:
                out.duplicates.append((child, key_node.start_mark.line + 1))
            seen.add(key)
            out.lines.setdefault(child, key_node.start_mark.line + 1)
            _walk(value_node, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = join(path, index)
            out.lines.setdefault(child, item.start_mark.line + 1)
            _walk(item, child, out)
