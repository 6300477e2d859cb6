"""Reading a .nam file as strict JSON (spec section 1) without trusting its contents."""

from __future__ import annotations

import json
import math
import sys

from .problems import Report, join

MAX_DEPTH = 64  # [LIM-1]


class NonFinite:
    """Stands in for a NaN / Infinity token or an overflowing literal, so its path can be reported."""

    def __init__(self, token: str):
        self.token = token


class _ObjectWithDuplicates(dict):
    """A JSON object that repeated some names; the last value is kept ([JSON-4])."""

    duplicates: list[str]


def _object_pairs(pairs):
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen, dups = set(), []
        for key, _ in pairs:
            if key in seen and key not in dups:
                dups.append(key)
            seen.add(key)
        obj = _ObjectWithDuplicates(obj)
        obj.duplicates = dups
    return obj


def _parse_float(text: str):
    value = float(text)
    return value if math.isfinite(value) else NonFinite(text)


_DOUBLE_DIGITS = len(str(int(sys.float_info.max)))  # 309: longer integer literals overflow a double


def _parse_int(text: str):
    """An integer literal; one beyond the double range is non-finite like 1e999 ([JSON-3])."""
    if len(text.lstrip("-")) > _DOUBLE_DIGITS:  # decided without converting thousands of digits
        return NonFinite(text)
    value = int(text)
    return value if abs(value) <= sys.float_info.max else NonFinite(text)


_decoder = json.JSONDecoder(
    object_pairs_hook=_object_pairs, parse_float=_parse_float, parse_int=_parse_int, parse_constant=NonFinite,
    strict=True
)


def decode(data: bytes, report: Report):
    """Parse bytes into a JSON value, reporting JSON-level problems. Returns None if unreadable."""
    if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark is ignored ([JSON-1])
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        report.error("", "JSON-1", f"the file is not valid UTF-8 (byte {exc.start})", "json")
        return None
    try:
        value, end = _decoder.raw_decode(text, _skip_space(text, 0))
    except RecursionError:
        report.error("", "LIM-1", f"arrays and objects nest deeper than {MAX_DEPTH} levels", "limit")
        return None
    except ValueError as exc:
        if not isinstance(exc, json.JSONDecodeError):  # e.g. an integer literal of thousands of digits
            report.error("", "JSON-2", f"a number cannot be read: {exc}", "json")
            return None
        what = "the file is empty" if not text.strip() else f"invalid JSON: {exc.msg}"
        report.error("", "JSON-2", f"{what} (line {exc.lineno}, column {exc.colno})", "json")
        return None
    end = _skip_space(text, end)
    if end != len(text):
        line = text.count("\n", 0, end) + 1
        report.error("", "JSON-2", f"unexpected text after the JSON value (line {line})", "json")
        return None
    if not _check_tree(value, report):
        return None
    return value


def check_value(value, report: Report) -> bool:
    """Apply the JSON-level rules to an already-parsed value (a dict given to `load`)."""
    return _check_tree(value, report)


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\n\r":
        i += 1
    return i


def _check_tree(root, report: Report) -> bool:
    """Report non-finite numbers, duplicate names and excessive depth; iterative, so any depth is safe.
    A path is built only for containers and problems: a long array costs one type test per item."""
    ok = True
    stack = [(root, "", 1)]
    if not isinstance(root, (dict, list)):
        stack, ok = [], _check_scalar(root, "", report)
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            report.error(path, "LIM-1", f"arrays and objects nest deeper than {MAX_DEPTH} levels", "limit")
            return False
        if isinstance(value, dict):
            for key in getattr(value, "duplicates", ()):
                report.error(join(path, key), "JSON-4", f"the name {key!r} appears more than once in this object", "json")
            items = value.items()
        else:
            items = enumerate(value)
        for key, item in items:
            kind = type(item)
            if kind is float:
                if item - item != 0:  # inf or nan (given in a parsed value; the decoder makes NonFinite)
                    ok = _check_scalar(item, join(path, key), report) and ok
            elif kind is NonFinite:
                ok = _check_scalar(item, join(path, key), report) and ok
            elif isinstance(item, (dict, list)):
                stack.append((item, join(path, key), depth + 1))
    return ok


def _check_scalar(value, path: str, report: Report) -> bool:
    if isinstance(value, NonFinite) or (isinstance(value, float) and not math.isfinite(value)):
        token = value.token if isinstance(value, NonFinite) else repr(value)
        if len(token) > 24:  # a literal of hundreds of digits
            token = f"{token[:12]}... ({len(token)} characters)"
        report.error(path, "JSON-3", f"{token} is not a finite JSON number", "non_finite")
        return False
    return True
