"""Reading a .nam file as strict JSON (spec section 1) without trusting its contents."""

from __future__ import annotations

import json
import math
import secrets
import sys

import numpy as np

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


class NumberArray:
    """A model's long `weights` array, read with NumPy: every item a finite double. It stands in for
    the list of Python numbers, which would cost ten times the memory and time ([W-1], [W-2])."""

    def __init__(self, values: np.ndarray):
        self.values = values

    def __len__(self) -> int:
        return len(self.values)


_BLOB_MIN_BYTES = 4096  # shorter arrays take the general path; it is as fast for them
_BLOB_CHUNK = 1 << 20
_NUMBER_BYTES = b"0123456789+-.eE,\x20\t\n\r"  # what an array of JSON numbers can contain
_MODEL_KEYS = ("version", "architecture", "config")


def _blob_spans(data: bytes):
    """(start, end) of every long array of numbers that is the value of a "weights" key: data[start]
    is its "[" and data[end] its "]". A candidate that is anything else is left to the general parser."""
    at = data.find(b'"weights"')
    while at != -1:
        backslashes = 0
        while backslashes < at and data[at - backslashes - 1] == 0x5C:
            backslashes += 1
        i = at + 9
        while i < len(data) and data[i] in b" \t\n\r":
            i += 1
        if backslashes % 2 == 0 and data[i:i + 1] == b":":  # a key, not text inside a string
            i += 1
            while i < len(data) and data[i] in b" \t\n\r":
                i += 1
            if data[i:i + 1] == b"[":
                end = data.find(b"]", i)
                if end - i >= _BLOB_MIN_BYTES:
                    yield i, end
                    at = data.find(b'"weights"', end)
                    continue
        at = data.find(b'"weights"', at + 9)


def _read_numbers(data: bytes, start: int, end: int) -> np.ndarray | None:
    """The numbers of the array data[start:end + 1], or None unless every item is a finite double
    written as JSON requires. Chunks are read by the standard JSON parser, so its grammar applies."""
    values = np.empty(data.count(b",", start, end) + 1, dtype=np.float64)
    filled, pos = 0, start + 1
    while pos < end:
        cut = end if end - pos <= _BLOB_CHUNK else data.rfind(b",", pos, pos + _BLOB_CHUNK)
        if cut <= pos:
            return None
        chunk = data[pos:cut]
        if chunk.translate(None, _NUMBER_BYTES):
            return None  # strings, booleans, null, nested values or non-ASCII: the general path reports them
        try:
            items = json.loads(b"[" + chunk + b"]")
            part = np.array(items, dtype=np.float64)
        except (ValueError, OverflowError):  # not JSON numbers, or an integer beyond the double range
            return None
        if part.ndim != 1 or filled + len(part) > len(values) or not np.isfinite(part).all():
            return None
        values[filled:filled + len(part)] = part
        filled += len(part)
        pos = cut + 1
    return values if filled == len(values) else None


def _with_number_arrays(data: bytes):
    """`data` with each long weights array replaced by a placeholder string, and the arrays by placeholder."""
    nonce = secrets.token_hex(8)
    pieces, arrays, last = [], {}, 0
    for start, end in _blob_spans(data):
        values = _read_numbers(data, start, end)
        if values is None:
            continue
        key = f"\x00weights:{nonce}:{len(arrays)}"
        arrays[key] = NumberArray(values)
        pieces += [data[last:start], json.dumps(key).encode()]
        last = end + 1
    if not arrays:
        return data, {}
    pieces.append(data[last:])
    return b"".join(pieces), arrays


def _decoder_with(arrays: dict) -> json.JSONDecoder:
    def object_pairs(pairs):
        obj = _object_pairs(pairs)
        weights = obj.get("weights")
        if isinstance(weights, str) and weights in arrays:
            if any(k in obj for k in _MODEL_KEYS):
                obj["weights"] = arrays[weights]
            else:  # a "weights" key that is not a model's: the general path reads it as a list
                raise _NotAModel()
        return obj

    return json.JSONDecoder(object_pairs_hook=object_pairs, parse_float=_parse_float, parse_int=_parse_int,
                            parse_constant=NonFinite, strict=True)


class _NotAModel(Exception):
    pass


def decode(data: bytes, report: Report, number_arrays: bool = False):
    """Parse bytes into a JSON value, reporting JSON-level problems. Returns None if unreadable.

    With `number_arrays`, a model's long `weights` array of finite numbers becomes a NumberArray."""
    if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark is ignored ([JSON-1])
        data = data[3:]
    if number_arrays:
        spliced, arrays = _with_number_arrays(data)
        if arrays:
            # Any problem sends the file to the general path, which reports it with its true position.
            try:
                text = spliced.decode("utf-8")
                value, end = _decoder_with(arrays).raw_decode(text, _skip_space(text, 0))
                scratch = Report(report.file)
                if _skip_space(text, end) == len(text) and _check_tree(value, scratch) and not scratch.problems:
                    return value
            except (ValueError, RecursionError, _NotAModel):
                pass
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
            kinds = set(map(type, value))
            if kinds <= _PLAIN or (kinds <= _PLAIN | {float} and all(map(math.isfinite, filter(_is_float, value)))):
                continue  # nothing to report and nothing to descend into: checked at C speed
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


_PLAIN = {int, str, bool, type(None)}  # values that are never a problem here


def _is_float(value) -> bool:
    return type(value) is float


def _check_scalar(value, path: str, report: Report) -> bool:
    if isinstance(value, NonFinite) or (isinstance(value, float) and not math.isfinite(value)):
        token = value.token if isinstance(value, NonFinite) else repr(value)
        if len(token) > 24:  # a literal of hundreds of digits
            token = f"{token[:12]}... ({len(token)} characters)"
        report.error(path, "JSON-3", f"{token} is not a finite JSON number", "non_finite")
        return False
    return True
