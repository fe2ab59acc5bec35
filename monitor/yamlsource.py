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
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    located = Located(data)
    if node is not None:
        _walk(node, "", located)
    return located


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
