"""Plain values as a volunteer writes them: durations, sizes and ``${ENV_VAR}`` references.

Pure functions with no knowledge of the file's sections; the CLI uses ``parse_duration``
for its own options too.
"""

from __future__ import annotations

import re
from typing import Any

ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_SIZES = {"": 1, "b": 1, "kb": 1024, "k": 1024, "mb": 1024**2, "m": 1024**2, "gb": 1024**3}


def parse_duration(value: Any) -> float:
    """``"15m"`` -> 900.0; a bare number is seconds. Raises ValueError."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 30s, 15m, 2h or 7d")
    if isinstance(value, (int, float)):
        seconds = float(value)
    else:
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*", str(value).lower())
        if not m:
            raise ValueError(f"{value!r} is not a duration such as 30s, 15m, 2h or 7d")
        seconds = float(m.group(1)) * _UNITS[m.group(2) or "s"]
    if seconds <= 0:
        raise ValueError("must be more than zero")
    return seconds


def parse_size(value: Any) -> int:
    """``"5MB"`` -> 5242880; a bare number is bytes. Raises ValueError."""
    if isinstance(value, int) and not isinstance(value, bool):
        size = value
    else:
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?b?)\s*", str(value).lower())
        if not m:
            raise ValueError(f"{value!r} is not a size such as 512KB or 5MB")
        size = int(float(m.group(1)) * _SIZES[m.group(2)])
    if size <= 0:
        raise ValueError("must be more than zero")
    return size


def expand_env(value: str, environ: dict[str, str]) -> tuple[str, list[str]]:
    """Replace ``${VAR}`` references; return the text and the names that were not set."""
    missing: list[str] = []
    if "${" not in value:
        return value, missing

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in environ and environ[name] != "":
            return environ[name]
        missing.append(name)
        return m.group(0)

    return ENV_REF.sub(sub, value), missing
