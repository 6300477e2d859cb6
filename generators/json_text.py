"""JSON text as the invalid corpus writes it, including text that JSON forbids.

The members of the root and of its objects go on their own lines; deeper values, and objects or
arrays of plain values (weights, dilations), on one line. `Raw` puts text verbatim where a value goes
(a NaN token, deep nesting); `Pairs` writes an object with repeated names.
"""

from __future__ import annotations

import json


class Raw:
    """Text written verbatim in place of a value (a NaN token, deep nesting, broken syntax)."""

    def __init__(self, text: str):
        self.text = text


class Pairs:
    """An object written with exactly these (name, value) pairs, repeated names included."""

    def __init__(self, *pairs):
        self.pairs = pairs


def dumps(value, level: int = 0) -> str:
    """JSON with the members of the root and of its objects on their own lines; deeper values, and
    objects or arrays of plain values (weights, dilations), on one line."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, (dict, Pairs)):
        items = list(value.items()) if isinstance(value, dict) else list(value.pairs)
        children = [v for _, v in items]
        members = [f"{json.dumps(k)}: {dumps(v, level + 1)}" for k, v in items]
        opening, closing = "{", "}"
    elif isinstance(value, list):
        children = value
        members = [dumps(v, level + 1) for v in value]
        opening, closing = "[", "]"
    else:
        return json.dumps(value)
    if level >= 2 or not any(isinstance(v, (dict, list, Pairs)) for v in children):
        return opening + ", ".join(members) + closing
    inner = "  " * (level + 1)
    return opening + "\n" + ",\n".join(inner + m for m in members) + "\n" + "  " * level + closing


def encode(doc) -> bytes:
    return (dumps(doc) + "\n").encode("utf-8")

