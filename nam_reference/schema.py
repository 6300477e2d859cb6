"""Applying spec/nam.schema.json and turning its findings into clause-cited problems."""

from __future__ import annotations

import functools
import itertools
import json

from . import resources
from .problems import Report, pointer


@functools.lru_cache(maxsize=None)
def schema() -> dict:
    path = resources.spec_file("nam.schema.json")
    try:
        return json.loads(resources.read_text(path))
    except ValueError as exc:
        raise resources.ResourceError(f"{path}: the packaged schema is not JSON ({exc})") from None


@functools.lru_cache(maxsize=None)
def _validator():
    import jsonschema  # on first use: `nam-ref --help` needs none of it

    return jsonschema.Draft202012Validator(schema())


_CLASS_BY_CLAUSE = {"VER-1": "version", "VER-2": "version", "ACT-7": "non_finite"}


MAX_SCHEMA_ERRORS = 1000  # a file with more is reported by its first ones: bounded time ([LIM-4])
_LONG = 64  # arrays longer than this reach the schema without repeated scalars


def check(document, report: Report) -> None:
    """Report every schema violation, at most one per JSON location (the first found)."""
    seen: set[str] = set()
    compact, origins = _compacted(document)
    # A failed oneOf/anyOf/not is reported as itself: its subschema carries a readable x-message.
    found = list(itertools.islice(_validator().iter_errors(compact), MAX_SCHEMA_ERRORS))
    errors = [leaf for error in found for leaf in _meant(error)]
    for error in sorted(errors, key=_error_order):
        original = _original_path(compact, error.absolute_path, origins)
        path = pointer(original)
        if path in seen:
            continue
        seen.add(path)
        clause, message = _clause_and_message(error)
        if clause in ("META-1", "META-2") and _informational(original):
            report.warn(path, clause, message + "; read as unknown")
            continue
        report.error(path, clause, message, _CLASS_BY_CLAUSE.get(clause, "schema"))
    if len(found) == MAX_SCHEMA_ERRORS:
        report.warn("", "LIM-4", f"the schema check stopped after {MAX_SCHEMA_ERRORS} problems; there may be more")


# The metadata values readers report ([META-5]): a wrong type there stays an error ([META-2]).
REPORTED_METADATA = ("loudness", "input_level_dbu", "output_level_dbu")


def _informational(path) -> bool:
    """Whether a metadata problem at `path` is in an informational value: a warning, not an error ([META-2])."""
    parts = list(path)
    if "metadata" not in parts:
        return False
    at = len(parts) - 1 - parts[::-1].index("metadata")
    return parts[at + 1] not in REPORTED_METADATA if at + 1 < len(parts) else True


def usable_metadata(metadata):
    """`metadata` with every informational value that breaks [META-2] read as unknown (None); None if it is
    not an object ([META-1])."""
    if not isinstance(metadata, dict):
        return None
    import jsonschema

    known = schema()["$defs"]["metadata"]["properties"]
    return {k: (v if k not in known or jsonschema.Draft202012Validator(known[k]).is_valid(v) else None)
            for k, v in metadata.items()}


def _compacted(value):
    """`value` with every long array cut down to what the schema needs to judge it, and for each such
    array (by id) the original index of every item kept. The schema's item rules judge each item alone:
    a string, boolean or null by its value (kept once), a number by its type and bounds (so the smallest
    and largest of each kind of number stand for all of them: the schema has no other rule on numbers
    in arrays). A million dilations, or a swapped-in weight array, costs the schema a few items."""
    origins: dict[int, list[int]] = {}

    def walk(v):
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()} if any(isinstance(x, (dict, list)) for x in v.values()) else v
        if not isinstance(v, list):
            return v
        if len(v) <= _LONG:
            return [walk(x) for x in v] if any(isinstance(x, (dict, list)) for x in v) else v
        if set(map(type, v)) == {int}:  # the common long array (dilations, numbers in metadata), at C speed
            low, high = min(v), max(v)
            kept_index = sorted({v.index(low), v.index(high)})
            items = [v[i] for i in kept_index]
            origins[id(items)] = kept_index
            return items
        kept, seen, extremes = [], set(), {}
        for i, x in enumerate(v):
            kind = type(x)
            if kind is int or kind is float:
                group = (kind, kind is float and x.is_integer())  # 1.0 is an integer to the schema
                e = extremes.get(group)
                if e is None:
                    extremes[group] = [x, i, x, i]
                elif x < e[0]:
                    e[0], e[1] = x, i
                elif x > e[2]:
                    e[2], e[3] = x, i
            elif kind is str or kind is bool or x is None:
                if (kind, x) not in seen:
                    seen.add((kind, x))
                    kept.append((i, x))
            else:
                kept.append((i, walk(x)))
        for low, i, high, j in extremes.values():
            kept += [(i, low)] if i == j else [(i, low), (j, high)]
        kept.sort(key=lambda pair: pair[0])
        items = [x for _, x in kept]
        origins[id(items)] = [i for i, _ in kept]
        return items

    return walk(value), origins


def _original_path(compact, path, origins) -> list:
    """An error's path in the compacted document, as a path in the original one."""
    out, node = [], compact
    for part in path:
        index = origins.get(id(node)) if isinstance(node, list) else None
        out.append(index[part] if index is not None else part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return out


def _meant(error) -> list:
    """A failed anyOf/oneOf whose other alternatives are `null` or constants that the value is not
    (`metadata`: null or an object) is reported by the errors of the one alternative the value can
    have meant, so that a bad metadata.gain cites [META-2], not "expected an object or null".
    A value of the wrong type for that alternative is reported as the anyOf/oneOf itself."""
    if error.validator in ("anyOf", "oneOf"):
        meant = [i for i, branch in enumerate(error.validator_value) if not _ruled_out(branch, error.instance)]
        if len(meant) == 1:
            inner = [sub for sub in error.context if sub.relative_schema_path[0] == meant[0]]
            if inner and not any(sub.validator == "type" and not sub.relative_path for sub in inner):
                return [leaf for sub in inner for leaf in _meant(sub)]
    return [error]


def _ruled_out(branch, instance) -> bool:
    if branch == {"type": "null"}:
        return instance is not None
    if isinstance(branch, dict) and set(branch) == {"const"}:
        return type(instance) is not type(branch["const"]) or instance != branch["const"]
    return False


def _error_order(error):
    # At one location a wrong type comes first: it is the problem, the other keywords' findings follow from it.
    return (list(map(str, error.absolute_path)), error.validator != "type",
            list(map(str, error.absolute_schema_path)))


def _annotations(error):
    """The innermost `x-clause` on the way from the root schema to the failing keyword, and the
    failing subschema's own `x-message` if it has one."""
    clause = None
    node = schema()
    for part in error.absolute_schema_path:
        if isinstance(node, dict) and part not in node and "$ref" in node:
            node = _resolve(node["$ref"])  # jsonschema's paths step through $ref transparently
        if isinstance(node, dict):
            clause = node.get("x-clause", clause)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    own = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "not":  # the annotations are on the subschema that must not match
        own = error.validator_value
    return own.get("x-clause", clause), own.get("x-message")


def _resolve(ref: str):
    assert ref.startswith("#/"), ref
    node = schema()
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def _clause_and_message(error):
    clause, x_message = _annotations(error)
    if error.validator == "required":
        # Cite the missing key's own clause when it has one (a missing head_scale is [WN-3]).
        missing = [k for k in error.validator_value if k not in error.instance]
        own = error.schema.get("properties", {}).get(missing[0], {}) if len(missing) == 1 else {}
        clause = error.schema.get("x-required-clause", own.get("x-clause", clause))
    return clause or "ENV-1", x_message or _describe(error)


_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}


def json_type(value) -> str:
    """The JSON type of a parsed value, in words ("an array", "a non-integral number")."""
    if isinstance(value, bool) or value is None:
        return _JSON_TYPES[type(value)]
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "an integer" if value.is_integer() else "a non-integral number"
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _short(value) -> str:
    text = json.dumps(value) if not isinstance(value, (dict, list)) else json_type(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(error) -> str:
    kw, arg, inst = error.validator, error.validator_value, error.instance
    if kw == "type":
        wanted = " or ".join(arg) if isinstance(arg, list) else arg
        return f"expected {wanted}, got {json_type(inst)}"
    if kw == "required":
        missing = [k for k in arg if not (isinstance(inst, dict) and k in inst)]
        return "missing required key " + ", ".join(repr(k) for k in missing)
    if kw == "enum":
        return f"expected one of {', '.join(json.dumps(v) for v in arg)}; got {_short(inst)}"
    if kw == "const":
        return f"expected {json.dumps(arg)}; got {_short(inst)}"
    if kw == "minimum":
        return f"expected a value >= {arg}; got {_short(inst)}"
    if kw == "maximum":
        return f"expected a value <= {arg}; got {_short(inst)}"
    if kw == "exclusiveMinimum":
        return f"expected a value > {arg}; got {_short(inst)}"
    if kw == "minItems":
        return f"expected at least {arg} item{'s' if arg != 1 else ''}; got {len(inst)}"
    if kw == "pattern":
        return f"{_short(inst)} does not have the required form"
    return error.message if len(error.message) < 200 else error.message[:197] + "..."
