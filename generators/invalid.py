"""The catalogue of invalid kinds: every way this project makes an invalid file, each declared once.

A kind has an id, the clause it breaks, the error class of the spec's Appendix A, the level at which a
reader has to reject it ([GEN-5]) and up to two ways to make it from a valid model:
- `fixed`, the file of the invalid corpus fixtures/invalid/: a fixed base model of
  `generators.invalid_bases` with one edit (fixtures/build_invalid.py writes these files and their
  INDEX.json, in the order they are declared here);
- `drawn`, a mutation of a document the Hypothesis strategy `invalid_nam_files()` draws (a kind that
  applies to every architecture drops the architecture prefix from its id: `weights.one_extra`).
Most kinds have only a fixed file: the value or the shape that breaks the clause is what matters. A
kind is drawn as well where the defect carries over to any drawn model of its architecture.
JSON-level kinds give bytes, the others a dict.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Callable

from nam_reference import nested_models

from .invalid_bases import (COND, CFG, DELETE, L0, L1, SUB0, SUB1, From, base, condition_convnet, edit, linear_model,
                            make_model, refit, tiny_wavenet)
from .json_text import Pairs, Raw, encode
from .source import Source

MUST, SHOULD = "MUST", "SHOULD"
Mutation = Callable[[dict, Source], "dict | bytes"]


@dataclasses.dataclass(frozen=True)
class Drawn:
    """How the strategy makes a kind from a drawn document of `architecture` (None: any) that shows
    the feature tags `features`; `description` where drawn files need other words than the corpus file."""

    mutate: Mutation
    description: str | None = None
    architecture: object = None
    features: frozenset = frozenset()


def drawn(description=None, architecture=None, features=()) -> Callable[[Mutation], Drawn]:
    """Decorator: the mutation below, as a `Drawn`."""
    return lambda mutate: Drawn(mutate, description, architecture, frozenset(features))


@dataclasses.dataclass(frozen=True)
class Kind:
    """One invalid kind. `description` says what the corpus file (or, for a kind only drawn, the drawn
    file) breaks; `fixed` makes the corpus file, `drawn` the strategy's files (either may be None)."""

    id: str
    clause: str
    error_class: str
    description: str
    reject_level: str = MUST
    fixed: Callable[[], "dict | bytes"] | None = None
    drawn: Drawn | None = None

    @property
    def file(self) -> str:
        return self.id + ".nam"

    def fixed_bytes(self) -> bytes:
        content = self.fixed()
        return content if isinstance(content, bytes) else encode(content)


CATALOGUE: dict[str, Kind] = {}


def declare(id, clause, error_class, description, fixed=None, *, level=MUST, drawn=None) -> None:
    assert id not in CATALOGUE, id
    assert fixed is not None or drawn is not None, id
    CATALOGUE[id] = Kind(id, clause, error_class, description, level, fixed, drawn)


@dataclasses.dataclass(frozen=True)
class InvalidFile:
    document: dict | bytes
    kind: str
    clause: str
    error_class: str
    reject_level: str
    description: str


# Helpers for drawn documents: their models, and JSON text with a token JSON forbids.


def with_blob(doc: dict) -> dict:
    """The first model (root first) that has weights: a container's own blob is empty."""
    return next(m for m in nested_models(doc) if m["weights"])


def arrays_of(doc: dict) -> list[dict]:
    return doc["config"]["layers"]


def wavenet_of(doc: dict) -> dict:
    """The first WaveNet in the document (root first)."""
    for m in nested_models(doc):
        if m["architecture"] == "WaveNet":
            return m
    raise LookupError("no WaveNet")


SENTINEL = "\u0000sentinel\u0000"


def text_with(doc: dict, place: Callable[[dict], None], token: str) -> bytes:
    """The document's JSON with `token` written verbatim where `place` puts the sentinel."""
    doc = copy.deepcopy(doc)
    place(doc)
    return json.dumps(doc).replace(json.dumps(SENTINEL), token).encode("utf-8")


def text(doc: dict) -> str:
    return json.dumps(doc)


def first_array(doc: dict) -> tuple[dict, dict]:
    """A copy of `doc` and its first layer array."""
    doc = copy.deepcopy(doc)
    return doc, arrays_of(doc)[0]


def linear_text() -> str:
    """The linear base model's file, as text."""
    return encode(base("linear")).decode()


# ---------------------------------------------------------------------------------------------
# JSON text ([JSON-1] to [JSON-4]).


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, (old, text.count(old))
    return text.replace(old, new)


def on_text(change: Callable[[str], bytes]) -> Callable[[], bytes]:
    """The linear base model's file, changed as text."""
    return lambda: change(linear_text())


def name_first(base_name: str, path: tuple, name: str, value) -> Callable[[], "dict | Pairs"]:
    """The base model, the object at `path` naming `name` first and then again among its own members."""
    def make():
        doc = base(base_name)
        obj = doc
        for key in path:
            obj = obj[key]
        pairs = Pairs((name, value), *obj.items())
        return edit(doc, (path, pairs)) if path else pairs
    return make


@drawn()
def latin1_name(doc, src):
    return text(doc).encode("utf-8").replace(b'"version"', b'"v\xe9rsion"', 1)


@drawn("the text ends early")
def truncated(doc, src):
    data = text(doc).encode("utf-8")
    return data[:src.integer(0, len(data) - 1, "truncate at")]


@drawn()
def trailing_garbage(doc, src):
    return (text(doc) + src.choice([" x", "}", "\n{}", "]"], "garbage")).encode("utf-8")


@drawn("a comma before the closing brace")
def trailing_comma(doc, src):
    return (text(doc)[:-1] + ", }").encode("utf-8")


@drawn()
def comment_line(doc, src):
    return ("// exported model\n" + text(doc)).encode("utf-8")


@drawn()
def single_quotes(doc, src):
    return text(doc).replace('"version"', "'version'", 1).encode("utf-8")


def json_encoding_kinds() -> None:
    declare("json.utf8.latin1_byte", "JSON-1", "json", "a name written in Latin-1 (byte 0xE9), not UTF-8",
            on_text(lambda t: replace_once(t, "Clean Box", "Caf\u00e9 Box").encode("latin-1")), drawn=latin1_name)
    declare("json.utf8.utf16", "JSON-1", "json", "the whole file encoded as UTF-16 with a byte-order mark",
            on_text(lambda t: t.encode("utf-16")))
    declare("json.utf8.overlong", "JSON-1", "json", "an overlong two-byte encoding of '/' (C0 AF) in a string",
            on_text(lambda t: replace_once(t, "Clean Box", "Clean\udcc0\udcafBox").encode("utf-8", "surrogateescape")))
    declare("json.utf8.cut_sequence", "JSON-1", "json", "a three-byte UTF-8 sequence cut after two bytes",
            on_text(lambda t: replace_once(t, "Clean Box", "Clean\udce2\udc82").encode("utf-8", "surrogateescape")))
    declare("json.syntax.empty", "JSON-2", "json", "an empty file", lambda: b"")
    declare("json.syntax.whitespace_only", "JSON-2", "json", "only white space", lambda: b" \n\t\n")
    declare("json.syntax.truncated", "JSON-2", "json", "the text ends in the middle of the weights",
            on_text(lambda t: t[:t.index('"weights"') + 18].encode()), drawn=truncated)
    declare("json.syntax.truncated_after_bom", "JSON-2", "json", "a byte-order mark and the first brace only",
            lambda: b"\xef\xbb\xbf{")
    declare("json.syntax.trailing_garbage", "JSON-2", "json", "text after the closing brace",
            on_text(lambda t: (t + "garbage\n").encode()), drawn=trailing_garbage)
    declare("json.syntax.two_values", "JSON-2", "json", "two complete models, one after the other",
            on_text(lambda t: (t + t).encode()))
    declare("json.syntax.trailing_comma", "JSON-2", "json", "a comma after the last weight",
            on_text(lambda t: replace_once(t, "]\n}", ", ]\n}").encode()), drawn=trailing_comma)
    declare("json.syntax.comment", "JSON-2", "json", "a // comment line",
            on_text(lambda t: ("// exported model\n" + t).encode()), drawn=comment_line)
    declare("json.syntax.single_quotes", "JSON-2", "json", "a single-quoted string",
            on_text(lambda t: replace_once(t, '"Clean Box"', "'Clean Box'").encode()), drawn=single_quotes)


def json_number_kinds() -> None:
    declare("json.syntax.unquoted_name", "JSON-2", "json", "an object name without quotes",
            on_text(lambda t: replace_once(t, '"receptive_field"', "receptive_field").encode()))
    declare("json.syntax.leading_zero", "JSON-2", "json", "the number 04, with a leading zero",
            on_text(lambda t: replace_once(t, '"receptive_field": 4', '"receptive_field": 04').encode()))
    declare("json.syntax.hex_number", "JSON-2", "json", "the number 0x4",
            on_text(lambda t: replace_once(t, '"receptive_field": 4', '"receptive_field": 0x4').encode()))
    first_weight = '"weights": [' + json.dumps(base("linear")["weights"][0])
    declare("json.syntax.plus_sign", "JSON-2", "json", "the first weight written +0.5",
            on_text(lambda t: replace_once(t, first_weight, '"weights": [+0.5').encode()))
    declare("json.syntax.bare_fraction", "JSON-2", "json", "the first weight written .5",
            on_text(lambda t: replace_once(t, first_weight, '"weights": [.5').encode()))
    declare("json.syntax.raw_tab_in_string", "JSON-2", "json", "an unescaped tab character inside a string",
            on_text(lambda t: replace_once(t, "Clean Box", "Clean\tBox").encode()))
    declare("json.syntax.second_bom", "JSON-2", "json", "two byte-order marks (only one may be ignored)",
            on_text(lambda t: b"\xef\xbb\xbf\xef\xbb\xbf" + t.encode()))


def weight_token(token: str) -> Drawn:
    def mutate(doc, src):
        def place(d):
            blob = with_blob(d)["weights"]
            blob[src.integer(0, len(blob) - 1, "which weight")] = SENTINEL
        return text_with(doc, place, token)
    return Drawn(mutate, f"a weight written {token}")


@drawn("metadata.loudness is -Infinity")
def infinite_loudness(doc, src):
    return text_with(doc, lambda d: d.update(metadata={"loudness": SENTINEL}), "-Infinity")


def json_non_finite_kinds() -> None:
    for name, token, what in (("nan_weight", "NaN", "a NaN token among the weights"),
                              ("infinity_weight", "Infinity", "an Infinity token among the weights"),
                              ("negative_infinity_weight", "-Infinity", "a -Infinity token among the weights"),
                              ("overflowing_weight", "1e999", "the weight 1e999, beyond the double range")):
        declare(f"json.non_finite.{name}", "JSON-3", "non_finite", what, From("linear", (("weights", 1), Raw(token))),
                drawn=weight_token(token))
    declare("json.non_finite.overflowing_integer_weight", "JSON-3", "non_finite",
            "a weight written as a 400-digit integer, beyond the double range",
            From("linear", (("weights", 1), Raw("1" + "0" * 399))))
    declare("json.non_finite.infinity_sample_rate", "JSON-3", "non_finite", "sample_rate is Infinity",
            From("linear", (("sample_rate",), Raw("Infinity"))))
    declare("json.non_finite.nan_activation_parameter", "JSON-3", "non_finite", "a LeakyReLU negative_slope of NaN",
            From("convnet", ((CFG, "activation"), {"type": "LeakyReLU", "negative_slope": Raw("NaN")})))
    declare("json.non_finite.overflowing_dilation", "JSON-3", "non_finite", "a dilation written -1e999",
            From("convnet", ((CFG, "dilations"), [1, Raw("-1e999")])))
    declare("json.non_finite.nan_in_unknown_key", "JSON-3", "non_finite", "NaN in a config key the spec does not define",
            From("linear", ((CFG, "notes"), Raw("NaN"))))
    declare("json.non_finite.nan_in_nested_weights", "JSON-3", "non_finite", "NaN among a condition_dsp's weights",
            From("wavenet_condition_dsp", (COND + ("weights", 0), Raw("NaN"))))
    declare("json.non_finite.head_scale_negative_overflow", "JSON-3", "non_finite",
            "config.head_scale is -1e999 (an informational field)",
            From("wavenet", ((CFG, "head_scale"), Raw("-1e999"))), level=SHOULD)
    declare("json.non_finite.metadata_loudness", "JSON-3", "non_finite",
            "metadata.loudness is -Infinity, as written for a silent model",
            From("linear", (("metadata", "loudness"), Raw("-Infinity"))), level=SHOULD, drawn=infinite_loudness)
    declare("json.non_finite.metadata_gain", "JSON-3", "non_finite", "metadata.gain is NaN",
            From("linear", (("metadata", "gain"), Raw("NaN"))), level=SHOULD)


@drawn()
def version_named_twice(doc, src):
    return ('{"version": "0.5.0", ' + text(doc)[1:]).encode("utf-8")


def json_duplicate_kinds() -> None:
    declare("json.duplicate.root_name", "JSON-4", "json", "the root object names version twice",
            name_first("linear", (), "version", "0.5.4"), level=SHOULD, drawn=version_named_twice)
    declare("json.duplicate.config_name", "JSON-4", "json", "the config names bias twice (false, then true)",
            name_first("linear", (CFG,), "bias", False), level=SHOULD)
    declare("json.duplicate.metadata_name", "JSON-4", "json", "the metadata names gear_type twice",
            name_first("linear", ("metadata",), "gear_type", "pedal"), level=SHOULD)
    declare("json.duplicate.nested_model_name", "JSON-4", "json", "a container submodel names architecture twice",
            name_first("container", SUB0 + ("model",), "architecture", "Linear"), level=SHOULD)


# ---------------------------------------------------------------------------------------------
# The envelope, versions, sample rates, metadata ([ENV-*], [VER-*], [SR-*], [META-*]).


@drawn("the root value is an array holding the model")
def root_array(doc, src):
    return json.dumps([doc]).encode("utf-8")


def without(key: str) -> Drawn:
    return Drawn(lambda doc, src: {k: v for k, v in doc.items() if k != key})


@drawn('architecture is "Sequential" with another config')
def named_sequential(doc, src):
    return dict(doc, architecture="Sequential")


@drawn("architecture in lower case")
def lowercase_architecture(doc, src):
    return dict(doc, architecture=doc["architecture"].lower())


def envelope_kinds() -> None:
    roots = (("array", "[" + linear_text() + "]", "an array holding a model"), ("string", '"model"', "a string"),
             ("number", "0.5", "a number"), ("null", "null", "null"), ("true", "true", "true"))
    for name, raw, what in roots:
        declare(f"env.root.{name}", "ENV-1", "schema", f"the root value is {what}, not an object",
                lambda raw=raw: (raw + "\n").encode(), drawn={"array": root_array}.get(name))
    for key in ("version", "architecture", "config", "weights"):
        declare(f"env.{key}.missing", "ENV-2", "schema", f"the root has no {key}", From("linear", ((key,), DELETE)),
                drawn=without(key))
    declare("env.config.array", "ENV-2", "schema", "config is an array", From("linear", ((CFG,), [])))
    declare("env.config.null", "ENV-2", "schema", "config is null", From("linear", ((CFG,), None)))
    for key in ("version", "architecture", "config", "weights"):
        declare(f"env.condition_dsp.{key}.missing", "ENV-2", "schema", f"the condition_dsp has no {key} ([ENV-5])",
                From("wavenet_condition_dsp", (COND + (key,), DELETE)))
    declare("env.submodel.config.missing", "ENV-2", "schema", "a container submodel has no config ([ENV-5])",
            From("container", (SUB1 + ("model", "config"), DELETE)))
    declare("env.submodel.weights.missing", "ENV-2", "schema", "a container submodel has no weights ([ENV-5])",
            From("container", (SUB0 + ("model", "weights"), DELETE)))
    declare("env.architecture.sequential", "SEQ-1", "schema",
            'architecture is "Sequential" with a Linear config (no models)',
            From("linear", (("architecture",), "Sequential")), drawn=named_sequential)
    for name, value in (("lowercase", "linear"), ("empty", ""), ("number", 1), ("null", None),
                        ("trailing_space", "Linear "), ("sequential_lowercase", "sequential")):
        declare(f"env.architecture.{name}", "ENV-3", "schema", f"architecture is {json.dumps(value)}",
                From("linear", (("architecture",), value)), drawn={"lowercase": lowercase_architecture}.get(name))
    declare("env.architecture.nested_unknown", "ENV-3", "schema", "a container submodel's architecture is \"Serial\"",
            From("container", (SUB0 + ("model", "architecture"), "Serial")))


@drawn('version with a "v" prefix')
def v_prefix(doc, src):
    return dict(doc, version="v" + doc["version"])


@drawn("version with a pre-release suffix")
def prerelease(doc, src):
    return dict(doc, version=doc["version"] + "-rc1")


@drawn("a two-part version")
def two_parts(doc, src):
    return dict(doc, version=".".join(doc["version"].split(".")[:2]))


@drawn()
def version_out_of_range(doc, src):
    return dict(doc, version=src.choice(["0.8.0", "1.0.0", "0.4.9", "0.10.0"], "version"))


@drawn(architecture=["WaveNet", "SlimmableContainer"], features={"wavenet.condition_dsp"})
def nested_version_out_of_range(doc, src):
    doc = copy.deepcopy(doc)
    list(nested_models(doc))[1]["version"] = "0.4.0"
    return doc


def version_kinds() -> None:
    malformed = {"two_parts": two_parts, "v_prefix": v_prefix, "prerelease": prerelease}
    for name, value in (("two_parts", "0.5"), ("v_prefix", "v0.5.0"), ("prerelease", "0.5.0-rc1"),
                        ("leading_space", " 0.5.0"), ("four_parts", "0.5.0.1"), ("empty", ""), ("words", "0.five.0"),
                        ("number", 0.5), ("integer", 5), ("null", None), ("array", [0, 5, 0])):
        declare(f"version.{name}", "VER-1", "version", f"version is {json.dumps(value)}",
                From("linear", (("version",), value)), drawn=malformed.get(name))
    for name, value in (("too_old", "0.4.9"), ("minor_too_new", "0.8.0"), ("major_one", "1.0.0"),
                        ("zero", "0.0.0"), ("minor_ten", "0.10.0"), ("old_with_leading_zeros", "00.04.09")):
        declare(f"version.{name}", "VER-2", "version", f"version is {json.dumps(value)}, outside 0.5.0 to 0.7.x",
                From("linear", (("version",), value)))
    declare("version.out_of_range", "VER-2", "version", "a version outside 0.5.0 to 0.7.x", drawn=version_out_of_range)
    declare("version.nested_too_old", "VER-2", "version",
            "the condition_dsp's own version is 0.4.0 ([VER-6]: checked independently of its parent)",
            From("wavenet_condition_dsp", (COND + ("version",), "0.4.0")))
    declare("version.nested_out_of_range", "VER-2", "version", "a nested model's own version is 0.4.0 ([VER-6])",
            drawn=nested_version_out_of_range)
    declare("version.nested_malformed", "VER-1", "version", "a container submodel's version is \"v0.7.0\" ([VER-6])",
            From("container", (SUB1 + ("model", "version"), "v0.7.0")))


@drawn("sample_rate is 0 or negative")
def rate_not_positive(doc, src):
    return dict(doc, sample_rate=src.choice([0, -44100, 0.0], "rate"))


@drawn("sample_rate is a string")
def rate_string(doc, src):
    return dict(doc, sample_rate="48000")


@drawn("sample_rate is null")
def rate_null(doc, src):
    return dict(doc, sample_rate=None)


@drawn(architecture=["WaveNet", "SlimmableContainer"], features={"wavenet.condition_dsp"})
def nested_rate_differs(doc, src):
    doc = copy.deepcopy(doc)
    parent = doc.get("sample_rate", 48000)
    list(nested_models(doc))[1]["sample_rate"] = parent + src.choice([1, -100, 44100], "difference")
    return doc


def sample_rate_kinds() -> None:
    malformed = {"null": rate_null, "string": rate_string, "zero": rate_not_positive}
    for name, value in (("null", None), ("string", "48000"), ("zero", 0), ("negative", -44100), ("boolean", True),
                        ("array", [48000])):
        declare(f"sample_rate.{name}", "SR-1", "schema", f"sample_rate is {json.dumps(value)}",
                From("linear", (("sample_rate",), value)), drawn=malformed.get(name))
    declare("sample_rate.condition_dsp_differs", "SR-4", "consistency",
            "the condition_dsp runs at 44100 Hz, its parent at 48000",
            From("wavenet_condition_dsp", (COND + ("sample_rate",), 44100)))
    declare("sample_rate.submodel_differs", "SR-4", "consistency",
            "a container submodel runs at 44100 Hz, the container at 48000",
            From("container", (SUB1 + ("model", "sample_rate"), 44100.0)))
    declare("sample_rate.nested_differs_from_default", "SR-4", "consistency",
            "the parent has no sample_rate (48000 Hz by default) and its condition_dsp says 44100",
            From("wavenet_condition_dsp", (("sample_rate",), DELETE), (COND + ("sample_rate",), 44100)))
    declare("sample_rate.nested_differs", "SR-4", "consistency", "a nested model's sample_rate differs from its parent's",
            drawn=nested_rate_differs)


@drawn()
def loudness_string(doc, src):
    return dict(doc, metadata={"loudness": "-20 dB"})


def metadata_kinds() -> None:
    # Only the values readers report can make a file invalid ([META-2]); the other metadata defects
    # are warnings (tests/test_validator.py checks them).
    for name, key, value in (("loudness.string", "loudness", "-20 dB"),
                             ("input_level_dbu.string", "input_level_dbu", "18.3"),
                             ("output_level_dbu.boolean", "output_level_dbu", True)):
        declare(f"metadata.{name}", "META-2", "schema", f"metadata.{key} is {json.dumps(value)}",
                From("linear", (("metadata", key), value)), level=SHOULD,
                drawn={"loudness.string": loudness_string}.get(name))
    declare("metadata.container.loudness_string", "META-2", "schema", "the container's metadata.loudness is \"loud\"",
            From("container", (("metadata", "loudness"), "loud")), level=SHOULD)


# ---------------------------------------------------------------------------------------------
# The weight blob ([W-1] to [W-3], [CONT-2]).


def blob_element(value) -> Drawn:
    def mutate(doc, src):
        doc = copy.deepcopy(doc)
        blob = with_blob(doc)["weights"]
        blob[src.integer(0, len(blob) - 1, "which weight")] = value
        return doc
    return Drawn(mutate)


def weight_value_kinds() -> None:
    for name, value in (("string", "0.5"), ("null", None), ("boolean", True), ("nested_array", [0.5]),
                        ("object", {"value": 0.5})):
        declare(f"weights.element_{name}", "W-1", "schema", f"one weight is {json.dumps(value)}",
                From("linear", (("weights", 2), value)), drawn=blob_element(value) if name != "object" else None)
    declare("weights.object", "W-1", "schema", "weights is an object", From("linear", (("weights",), {})))
    declare("weights.null", "W-1", "schema", "weights is null", From("linear", (("weights",), None)))
    declare("weights.nested_element_string", "W-1", "schema", "a condition_dsp weight is a string",
            From("wavenet_condition_dsp", (COND + ("weights", 3), "1")))
    declare("weights.float32_overflow", "W-2", "non_finite", "the weight 1e39 rounds to infinity in binary32",
            From("linear", (("weights", 0), 1e39)), drawn=blob_element(1e39))
    declare("weights.float32_overflow_negative", "W-2", "non_finite",
            "the weight -3.5e38 rounds to -infinity in binary32", From("lstm", (("weights", 10), -3.5e38)))
    declare("weights.float32_overflow_nested", "W-2", "non_finite", "a container submodel's weight is 1e39",
            From("container", (SUB1 + ("model", "weights", 4), 1e39)))


def count_kinds(name: str, where: tuple, whole: Callable[[list], list], whole_what: str) -> None:
    """Off by one both ways, and a whole tensor missing, for the model at `where` in base `name`."""
    model = base(name)
    for key in where:
        model = model[key]
    w = model["weights"]
    nested = f" of the {'/'.join(map(str, where))} model" if where else ""
    for suffix, new, what in (("one_extra", w + [0.125], "one weight too many"),
                              ("one_missing", w[:-2] + w[-1:], "one weight too few"),
                              ("tensor_missing", whole(w), whole_what)):
        declare(f"{name}.weights.{suffix}" if not where else f"{name}.nested_weights.{suffix}", "W-3",
                "weight_count", what + nested, From(name, (tuple(where) + ("weights",), new)))


@drawn()
def one_extra(doc, src):
    doc = copy.deepcopy(doc)
    with_blob(doc)["weights"].append(0.0)
    return doc


@drawn()
def one_missing(doc, src):
    doc = copy.deepcopy(doc)
    with_blob(doc)["weights"].pop(src.integer(0, len(with_blob(doc)["weights"]) - 1, "which weight"))
    return doc


@drawn(architecture="WaveNet")
def head_scale_missing(doc, src):
    doc = copy.deepcopy(doc)
    doc["weights"].pop()
    return doc


@drawn(architecture="SlimmableContainer")
def container_weight(doc, src):
    return dict(doc, weights=[0.5])


def weight_count_kinds() -> None:
    declare("weights.one_extra", "W-3", "weight_count", "one weight too many", drawn=one_extra)
    declare("weights.one_missing", "W-3", "weight_count", "one weight too few", drawn=one_missing)
    declare("weights.head_scale_missing", "W-3", "weight_count", "the blob ends without the head scale",
            drawn=head_scale_missing)
    count_kinds("linear", (), lambda w: w[4:], "the four taps missing (only the bias)")
    count_kinds("convnet", (), lambda w: w[:6] + w[14:], "block 1's convolution weight (8 values) missing")
    count_kinds("convnet_bn", (), lambda w: w[:8] + w[10:], "block 0's gamma (2 values) missing")
    count_kinds("lstm", (), lambda w: w[:36] + w[68:], "layer 1's matrix W (32 values) missing")
    count_kinds("wavenet", (), lambda w: w[:32] + w[36:], "array 0, layer 1's layer1x1 weight (4 values) missing")
    count_kinds("wavenet_modern", (), lambda w: w[:36] + w[40:],
                "array 0, layer 0's input_mixin_pre_film weight (4 values) missing")
    count_kinds("wavenet_slimmable", (), lambda w: w[:-5] + w[-1:], "the head rechannel (4 values) missing")
    count_kinds("wavenet_condition_dsp", COND, lambda w: w[6:], "the block's weight and bias (6 values) missing")
    count_kinds("container", SUB1 + ("model",), lambda w: w[1:], "the rechannel (1 value) missing")
    modern = base("wavenet_modern")["weights"]
    declare("wavenet_modern.weights.post_head_bias_missing", "W-3", "weight_count",
            "the last post-stack convolution's bias (2 values) missing ([WN-HEAD-2])",
            From("wavenet_modern", (("weights",), modern[:-3] + modern[-1:])))
    declare("wavenet.weights.empty", "W-3", "weight_count", "a WaveNet with an empty blob",
            From("wavenet", (("weights",), [])))
    declare("wavenet.weights.head_scale_missing", "W-3", "weight_count",
            "the blob ends without the head scale (config.head_scale alone does not count)",
            From("wavenet", (("weights",), base("wavenet")["weights"][:-1])))
    cond = base("wavenet_condition_dsp")
    declare("wavenet_condition_dsp.weights_in_parent_blob", "W-3", "weight_count",
            "the condition_dsp's weights are in the parent's blob and its own is empty ([WN-COND-2])",
            From("wavenet_condition_dsp", (COND + ("weights",), []),
                 (("weights",), cond[CFG]["condition_dsp"]["weights"] + cond["weights"])))
    declare("container.weights.not_empty", "CONT-2", "weight_count", "the container's own blob has one weight",
            From("container", (("weights",), [0.5])), drawn=container_weight)


# ---------------------------------------------------------------------------------------------
# Activations ([ACT-1] to [ACT-4], [ACT-7]); drawn on a ConvNet's activation or a WaveNet's first array.


def set_activation(doc: dict, spec) -> dict:
    doc = copy.deepcopy(doc)
    if doc["architecture"] == "ConvNet":
        doc["config"]["activation"] = spec
    else:
        arr = arrays_of(doc)[0]
        arr["activation"] = [spec] * len(arr["dilations"]) if isinstance(arr["activation"], list) else spec
    return doc


def activation_set_to(spec, description: str) -> Drawn:
    return Drawn(lambda doc, src: set_activation(doc, spec), description, ["ConvNet", "WaveNet"])


@drawn(architecture=["ConvNet", "WaveNet"])
def unknown_activation(doc, src):
    return set_activation(doc, src.choice(["GELU", "ELU", "Softsigmoid", "_Softsign", "tanh", {"type": "Swish"}],
                                          "unknown activation"))


def activation_name_kinds() -> None:
    act = (CFG, "activation")
    for name, value in (("object_without_type", {"name": "Tanh"}), ("number", 5), ("null", None),
                        ("array", ["Tanh"]), ("boolean", True)):
        declare(f"activation.{name}", "ACT-1", "schema", f"a ConvNet activation of {json.dumps(value)}",
                From("convnet", (act, value)),
                drawn=activation_set_to(value, 'an activation {"name": "Tanh"}')
                if name == "object_without_type" else None)
    declare("activation.unknown", "ACT-2", "schema", "an activation name outside [ACT-2]", drawn=unknown_activation)
    for name, value in (("softsigmoid", "Softsigmoid"), ("elu", "ELU"), ("gelu", "GELU"),
                        ("private_softsign", "_Softsign"), ("lowercase", "tanh"), ("object_type", {"type": "Swish"}),
                        ("type_number", {"type": 3})):
        declare(f"activation.unknown.{name}", "ACT-2", "schema", f"the activation {json.dumps(value)} is not in [ACT-2]",
                From("convnet", (act, value)))
    declare("activation.unknown.per_layer", "ACT-2", "schema", "a per-layer WaveNet activation \"Mish\"",
            From("wavenet", (L0 + ("activation",), ["Tanh", "Mish"])))
    declare("activation.unknown.post_head", "ACT-2", "schema", "the post-stack head's activation is \"ELU\"",
            From("wavenet_modern", ((CFG, "head", "activation"), "ELU")))


def activation_parameter_kinds() -> None:
    act = (CFG, "activation")
    for name, value in (("hardtanh_min_string", {"type": "Hardtanh", "min_val": "-1"}),
                        ("leaky_relu_slope_null", {"type": "LeakyReLU", "negative_slope": None}),
                        ("leaky_hardtanh_slope_boolean", {"type": "LeakyHardtanh", "max_slope": True}),
                        ("alias_min_array", {"type": "LeakyHardTanh", "min_val": [-1]})):
        declare(f"activation.parameter.{name}", "ACT-3", "schema", f"the activation {json.dumps(value)}",
                From("convnet", (act, value)))
    declare("activation.parameter.hardtanh_bounds_reversed", "ACT-3", "consistency",
            "Hardtanh with min_val 1 > max_val -1",
            From("convnet", (act, {"type": "Hardtanh", "min_val": 1, "max_val": -1})),
            drawn=activation_set_to({"type": "Hardtanh", "min_val": 1.0, "max_val": -1.0},
                                    "Hardtanh with min_val > max_val"))
    declare("activation.parameter.hardtanh_bounds_equal", "ACT-3", "consistency", "Hardtanh with min_val = max_val = 0.5",
            From("convnet", (act, {"type": "Hardtanh", "min_val": 0.5, "max_val": 0.5})))
    declare("activation.parameter.leaky_hardtanh_max_below_default_min", "ACT-3", "consistency",
            "a WaveNet LeakyHardTanh with max_val -2, below the default min_val -1",
            From("wavenet", (L0 + ("activation",), {"type": "LeakyHardTanh", "max_val": -2})))
    declare("activation.parameter.secondary_bounds_reversed", "ACT-3", "consistency",
            "a WaveNet secondary Hardtanh with min_val 2 > the default max_val 1",
            From("wavenet", (L0 + ("gating_mode",), "gated"),
                 (L0 + ("secondary_activation",), {"type": "Hardtanh", "min_val": 2}), fit=True))
    prelu_overflow = activation_set_to({"type": "PReLU", "negative_slope": -1e308},
                                       "a PReLU slope of -1e308: finite as a double, infinite in binary32")
    for name, value in (("prelu_slope", {"type": "PReLU", "negative_slope": -1e308}),
                        ("leaky_relu_slope", {"type": "LeakyReLU", "negative_slope": 3.4028236e38}),
                        ("hardtanh_min", {"type": "Hardtanh", "min_val": -1e39})):
        declare(f"activation.binary32_overflow.{name}", "ACT-7", "non_finite",
                f"the activation {json.dumps(value)}: finite as a double, infinite in binary32",
                From("convnet", (act, value)), drawn=prelu_overflow if name == "prelu_slope" else None)
    declare("activation.binary32_overflow.prelu_slopes_element", "ACT-7", "non_finite",
            "a per-channel PReLU slope of 1e300 in a WaveNet",
            From("wavenet_modern", (L0 + ("activation",), {"type": "PReLU", "negative_slopes": [0.1, 1e300]})))


@drawn("a per-channel PReLU with one slope too many", architecture="ConvNet")
def convnet_slope_count(doc, src):
    return set_activation(doc, {"type": "PReLU", "negative_slopes": [0.1] * (doc["config"]["channels"] + 1)})


def prelu_kinds() -> None:
    act = (CFG, "activation")
    both = activation_set_to({"type": "PReLU", "negative_slope": 0.1, "negative_slopes": [0.1]},
                             "a PReLU with negative_slope and negative_slopes")
    for name, value in (("both_slope_keys", {"type": "PReLU", "negative_slope": 0.1, "negative_slopes": [0.1, 0.2]}),
                        ("slopes_empty", {"type": "PReLU", "negative_slopes": []}),
                        ("slopes_not_array", {"type": "PReLU", "negative_slopes": 0.1}),
                        ("slope_string", {"type": "PReLU", "negative_slope": "0.1"}),
                        ("slopes_element_null", {"type": "PReLU", "negative_slopes": [0.1, None]})):
        declare(f"activation.prelu.{name}", "ACT-4", "schema", f"the activation {json.dumps(value)}",
                From("convnet", (act, value)), drawn=both if name == "both_slope_keys" else None)
    declare("convnet.prelu.slope_count", "ACT-4", "consistency", "a PReLU with 3 slopes on 2-channel ConvNet blocks",
            From("convnet", (act, {"type": "PReLU", "negative_slopes": [0.1, 0.2, 0.3]})), drawn=convnet_slope_count)


# ---------------------------------------------------------------------------------------------
# Linear, ConvNet, LSTM ([LIN-*], [CNN-*], [LSTM-*]).


def config_change(architecture: str, description: str, change: Callable[[dict], None], features=()) -> Drawn:
    """A drawn kind that changes the root config in place."""
    def mutate(doc, src):
        doc = copy.deepcopy(doc)
        change(doc["config"])
        return doc
    return Drawn(mutate, description, architecture, frozenset(features))


def missing_or(value) -> str:
    return "is missing" if value is DELETE else f"is {json.dumps(value)}"


def linear_kinds() -> None:
    fractional = config_change("Linear", "receptive_field with a fractional part",
                               lambda c: c.update(receptive_field=c["receptive_field"] + 0.5))
    for name, key, value in (("receptive_field.missing", "receptive_field", DELETE), ("bias.missing", "bias", DELETE),
                             ("receptive_field.string", "receptive_field", "4"),
                             ("receptive_field.non_integral", "receptive_field", 4.5),
                             ("receptive_field.zero", "receptive_field", 0),
                             ("receptive_field.negative", "receptive_field", -4),
                             ("receptive_field.boolean", "receptive_field", True),
                             ("receptive_field.null", "receptive_field", None),
                             ("bias.integer", "bias", 1), ("bias.string", "bias", "true"), ("bias.null", "bias", None),
                             ("in_channels.zero", "in_channels", 0), ("in_channels.non_integral", "in_channels", 1.5),
                             ("out_channels.string", "out_channels", "1"),
                             ("implementation.number", "implementation", 2)):
        declare(f"linear.{name}", "LIN-1", "schema", f"config.{key} {missing_or(value)}",
                From("linear", ((CFG, key), value)),
                drawn=fractional if name == "receptive_field.non_integral" else None)
    declare("linear.channels.unequal", "LIN-2", "consistency", "in_channels 2 and out_channels 1",
            From("linear", ((CFG, "in_channels"), 2), ((CFG, "out_channels"), 1)),
            drawn=config_change("Linear", "in_channels and out_channels differ",
                                lambda c: c.update(out_channels=c.get("in_channels", 1) + 1)))
    declare("linear.channels.default_in_two_out", "LIN-2", "consistency", "in_channels absent (1) and out_channels 2",
            From("linear", ((CFG, "out_channels"), 2)))


@drawn("a batch-norm variance of -1", architecture="ConvNet", features={"convnet.batchnorm"})
def negative_variance(doc, src):
    doc = copy.deepcopy(doc)
    c = doc["config"]
    first_conv = c["channels"] * (c.get("in_channels", 1) // c.get("groups", 1)) * 2
    doc["weights"][first_conv + c["channels"]] = -1.0  # block 0: W, mean, then var ([CNN-3])
    return doc


def convnet_kinds() -> None:
    fractional = config_change("ConvNet", "channels with a fractional part",
                               lambda c: c.update(channels=c["channels"] + 0.5))
    for name, key, value in (("channels.missing", "channels", DELETE), ("dilations.missing", "dilations", DELETE),
                             ("batchnorm.missing", "batchnorm", DELETE), ("activation.missing", "activation", DELETE),
                             ("channels.zero", "channels", 0), ("channels.string", "channels", "2"),
                             ("channels.non_integral", "channels", 2.5), ("channels.null", "channels", None),
                             ("dilations.empty", "dilations", []), ("dilations.zero", "dilations", [1, 0]),
                             ("dilations.non_integral", "dilations", [1, 1.5]), ("dilations.string", "dilations", "1,2"),
                             ("dilations.null_element", "dilations", [1, None]),
                             ("batchnorm.integer", "batchnorm", 0), ("batchnorm.string", "batchnorm", "false"),
                             ("batchnorm.null", "batchnorm", None), ("groups.zero", "groups", 0),
                             ("groups.non_integral", "groups", 1.5), ("in_channels.zero", "in_channels", 0),
                             ("out_channels.null", "out_channels", None)):
        declare(f"convnet.{name}", "CNN-1", "schema", f"config.{key} {missing_or(value)}",
                From("convnet", ((CFG, key), value)), drawn=fractional if name == "channels.non_integral" else None)
    declare("convnet.groups.not_dividing_input", "CNN-2", "consistency",
            "groups 2 with the default in_channels of 1", From("convnet", ((CFG, "groups"), 2)),
            drawn=config_change("ConvNet", "groups that do not divide the input width",
                                lambda c: c.update(groups=c.get("in_channels", 1) + 1)))
    declare("convnet.groups.not_dividing_channels", "CNN-2", "consistency",
            "groups 2 with in_channels 2 and channels 3",
            From("convnet", ((CFG, "groups"), 2), ((CFG, "in_channels"), 2), ((CFG, "channels"), 3)))
    declare("convnet_bn.variance.negative", "CNN-4", "consistency", "block 0, channel 0: var -1 (eps 0.1 to 1)",
            From("convnet_bn", (("weights", 6), -1.0)), drawn=negative_variance)
    declare("convnet_bn.variance.zero_with_zero_eps", "CNN-4", "consistency", "block 1, channel 1: var 0 and eps 0",
            From("convnet_bn", (("weights", 13 + 8 + 2 + 1), 0.0), (("weights", 13 + 8 + 8), 0.0)))


def lstm_kinds() -> None:
    zero_hidden = config_change("LSTM", "hidden_size 0", lambda c: c.update(hidden_size=0))
    for name, key, value in (("input_size.missing", "input_size", DELETE), ("hidden_size.missing", "hidden_size", DELETE),
                             ("num_layers.missing", "num_layers", DELETE), ("input_size.zero", "input_size", 0),
                             ("hidden_size.string", "hidden_size", "2"), ("hidden_size.zero", "hidden_size", 0),
                             ("hidden_size.non_integral", "hidden_size", 2.5), ("num_layers.zero", "num_layers", 0),
                             ("num_layers.non_integral", "num_layers", 1.5), ("num_layers.boolean", "num_layers", True),
                             ("in_channels.zero", "in_channels", 0), ("out_channels.zero", "out_channels", 0)):
        declare(f"lstm.{name}", "LSTM-1", "schema", f"config.{key} {missing_or(value)}",
                From("lstm", ((CFG, key), value)), drawn=zero_hidden if name == "hidden_size.zero" else None)
    declare("lstm.input_size.not_in_channels", "LSTM-2", "consistency",
            "input_size 2 with the default in_channels of 1 (blob sized for input_size 2)",
            From("lstm", ((CFG, "input_size"), 2), fit=True),
            drawn=config_change("LSTM", "input_size differs from in_channels",
                                lambda c: c.update(input_size=c["input_size"] + 1)))
    declare("lstm.in_channels.not_input_size", "LSTM-2", "consistency", "in_channels 2 with input_size 1",
            From("lstm", ((CFG, "in_channels"), 2)))


# ---------------------------------------------------------------------------------------------
# WaveNet keys and cross-field rules (sections 12 and 13); drawn on the first layer array unless said.


def array_change(change: Callable[[dict, Source], None], description=None, features=()) -> Drawn:
    """A drawn kind that changes a drawn WaveNet's first layer array in place."""
    def mutate(doc, src):
        doc, arr = first_array(doc)
        change(arr, src)
        return doc
    return Drawn(mutate, description, "WaveNet", frozenset(features))


def setting(key: str, value) -> Callable[[dict, Source], None]:
    return lambda arr, src: arr.update({key: value})


@drawn(architecture="WaveNet")
def no_layers(doc, src):
    doc = copy.deepcopy(doc)
    doc["config"]["layers"] = []
    return doc


@drawn(architecture="WaveNet")
def no_head_scale(doc, src):
    doc = copy.deepcopy(doc)
    del doc["config"]["head_scale"]
    return doc


def wavenet_config_kinds() -> None:  # [WN-1], [WN-3]
    declare("wavenet.layers.missing", "WN-1", "schema", "config.layers is missing",
            From("wavenet", ((CFG, "layers"), DELETE)))
    declare("wavenet.layers.empty", "WN-1", "schema", "config.layers is []", From("wavenet", ((CFG, "layers"), [])),
            drawn=no_layers)
    declare("wavenet.layers.object", "WN-1", "schema", "config.layers is an object (one array, not in a list)",
            From("wavenet", ((CFG, "layers"), base("wavenet")[CFG]["layers"][0])))
    declare("wavenet.layers.element_number", "WN-1", "schema", "config.layers holds a number",
            From("wavenet", ((CFG, "layers", 1), 5)))
    declare("wavenet.in_channels.zero", "WN-1", "schema", "config.in_channels is 0",
            From("wavenet", ((CFG, "in_channels"), 0)))
    for name, value in (("missing", DELETE), ("string", "0.02"), ("null", None)):
        declare(f"wavenet.head_scale.{name}", "WN-3", "schema", f"config.head_scale {missing_or(value)}",
                From("wavenet", ((CFG, "head_scale"), value)), level=SHOULD,
                drawn=no_head_scale if name == "missing" else None)


def wavenet_array_key_kinds() -> None:  # [WN-ARR-1]
    for key in ("input_size", "condition_size", "channels", "dilations", "activation"):
        declare(f"wavenet.array.{key}.missing", "WN-ARR-1", "schema", f"layers[0] has no {key}",
                From("wavenet", (L0 + (key,), DELETE)))
    for name, key, value in (("input_size.non_integral", "input_size", 1.5),
                             ("condition_size.string", "condition_size", "1"),
                             ("channels.zero", "channels", 0), ("channels.boolean", "channels", True),
                             ("dilations.empty", "dilations", []), ("dilations.zero", "dilations", [1, 0]),
                             ("dilations.non_integral", "dilations", [1, 2.5])):
        declare(f"wavenet.array.{name}", "WN-ARR-1", "schema", f"layers[0].{key} is {json.dumps(value)}",
                From("wavenet", (L0 + (key,), value)),
                drawn=array_change(setting("dilations", [])) if name == "dilations.empty" else None)


def both_kernel_keys(arr, src):
    n = len(arr["dilations"])
    if "kernel_size" in arr:
        arr["kernel_sizes"] = [arr["kernel_size"]] * n
    else:
        arr["kernel_size"] = arr["kernel_sizes"][0]


def no_kernel_key(arr, src):
    arr.pop("kernel_size", None)
    arr.pop("kernel_sizes", None)


def one_activation_too_many(arr, src):
    arr["activation"] = ["Tanh"] * (len(arr["dilations"]) + 1)


def wavenet_kernel_kinds() -> None:  # [WN-ARR-3], and per-layer arrays ([WN-ARR-4], [WN-ARR-15])
    declare("wavenet.kernel.both_keys", "WN-ARR-3", "schema", "layers[0] has kernel_size and kernel_sizes",
            From("wavenet", (L0 + ("kernel_sizes",), [2, 2])),
            drawn=array_change(both_kernel_keys, "kernel_size and kernel_sizes"))
    declare("wavenet.kernel.neither_key", "WN-ARR-3", "schema", "layers[0] has neither kernel_size nor kernel_sizes",
            From("wavenet", (L0 + ("kernel_size",), DELETE)),
            drawn=array_change(no_kernel_key, "neither kernel_size nor kernel_sizes"))
    declare("wavenet.kernel_size.zero", "WN-ARR-3", "schema", "kernel_size 0", From("wavenet", (L0 + ("kernel_size",), 0)))
    declare("wavenet.kernel_sizes.zero", "WN-ARR-3", "schema", "kernel_sizes [2, 0]",
            From("wavenet", (L0 + ("kernel_size",), DELETE), (L0 + ("kernel_sizes",), [2, 0])))
    declare("wavenet.kernel_sizes.string", "WN-ARR-3", "schema", "kernel_sizes \"2,2\"",
            From("wavenet", (L0 + ("kernel_size",), DELETE), (L0 + ("kernel_sizes",), "2,2")))
    declare("wavenet.activation.empty_array", "WN-ARR-4", "schema", "activation is []",
            From("wavenet", (L0 + ("activation",), [])), drawn=array_change(setting("activation", [])))
    for key, value in (("kernel_sizes", [2, 2, 2]), ("activation", ["Tanh"]),
                       ("gating_mode", ["gated", "gated", "none"]), ("secondary_activation", ["Sigmoid"])):
        declare(f"wavenet.{key}.length", "WN-ARR-15", "consistency", f"{key} has {len(value)} entries for 2 dilations",
                From("wavenet", (L0 + ("kernel_size",), DELETE if key == "kernel_sizes" else 2), (L0 + (key,), value)),
                drawn=array_change(one_activation_too_many, "one activation more than there are layers")
                if key == "activation" else None)


def secondary_empty_string(arr, src):
    arr.pop("gated", None)
    arr["gating_mode"] = src.choice(["gated", "blended"], "gating mode")
    arr["secondary_activation"] = ""


def secondary_array_with_single_mode(arr, src):
    arr.pop("gated", None)
    arr["gating_mode"] = "gated"
    arr["secondary_activation"] = ["Sigmoid"] * len(arr["dilations"])


def wavenet_gating_kinds() -> None:  # [WN-ARR-5] to [WN-ARR-7]
    for name, value in (("unknown", "gate"), ("boolean", True), ("element_unknown", ["gated", "sigmoid"]),
                        ("empty_array", [])):
        declare(f"wavenet.gating_mode.{name}", "WN-ARR-5", "schema", f"gating_mode is {json.dumps(value)}",
                From("wavenet", (L0 + ("gating_mode",), value)),
                drawn=array_change(setting("gating_mode", "gate")) if name == "unknown" else None)
    for name, value in (("string", "yes"), ("integer", 1), ("null", None)):
        declare(f"wavenet.gated.{name}", "WN-ARR-6", "schema", f"the legacy key gated is {json.dumps(value)}",
                From("wavenet", (L0 + ("gated",), value)),
                drawn=array_change(setting("gated", "yes")) if name == "string" else None)
    declare("wavenet.secondary_activation.empty_string_for_gated", "WN-ARR-7", "consistency",
            "secondary_activation \"\" for a gated layer",
            From("wavenet", (L0 + ("gating_mode",), "gated"), (L0 + ("secondary_activation",), ""), fit=True),
            drawn=array_change(secondary_empty_string, 'secondary_activation "" for gated layers'))
    declare("wavenet.secondary_activation.array_with_single_mode", "WN-ARR-7", "consistency",
            "gating_mode is one string but secondary_activation is an array",
            From("wavenet", (L0 + ("gating_mode",), "gated"), (L0 + ("secondary_activation",), ["Sigmoid", "Sigmoid"]),
                 fit=True), drawn=array_change(secondary_array_with_single_mode))
    declare("wavenet.secondary_activation.unknown", "ACT-2", "schema", "secondary_activation \"Gate\"",
            From("wavenet", (L0 + ("secondary_activation",), "Gate")))
    declare("wavenet.secondary_activation.number", "WN-ARR-7", "schema", "secondary_activation 1",
            From("wavenet", (L1 + ("secondary_activation",), 1)))


def bottleneck_without_layer1x1(arr, src):
    arr["layer1x1"] = {"active": False, "groups": 1}
    arr["bottleneck"] = arr["channels"] + 1


def wavenet_1x1_kinds() -> None:  # [WN-ARR-8] to [WN-ARR-10]
    declare("wavenet.bottleneck.zero", "WN-ARR-8", "schema", "bottleneck 0", From("wavenet", (L0 + ("bottleneck",), 0)))
    declare("wavenet.bottleneck.without_layer1x1", "WN-ARR-8", "consistency",
            "bottleneck 1 and channels 2 with layer1x1 inactive",
            From("wavenet", (L0 + ("bottleneck",), 1), (L0 + ("layer1x1",), {"active": False, "groups": 1}), fit=True),
            drawn=array_change(bottleneck_without_layer1x1, "bottleneck != channels, layer1x1 inactive"))
    for name, value in (("groups_missing", {"active": True}), ("active_missing", {"groups": 1}),
                        ("active_string", {"active": "yes", "groups": 1}), ("groups_zero", {"active": True, "groups": 0}),
                        ("boolean", True)):
        declare(f"wavenet.layer1x1.{name}", "WN-ARR-9", "schema", f"layer1x1 is {json.dumps(value)}",
                From("wavenet", (L1 + ("layer1x1",), value)),
                drawn=array_change(setting("layer1x1", {"active": True})) if name == "groups_missing" else None)
    for name, value in (("inactive_without_out_channels", {"active": False, "groups": 1}),
                        ("groups_missing", {"active": False, "out_channels": 1}),
                        ("active_missing", {"out_channels": 1, "groups": 1}),
                        ("out_channels_zero", {"active": False, "out_channels": 0, "groups": 1})):
        declare(f"wavenet.head1x1.{name}", "WN-ARR-10", "schema", f"head1x1 is {json.dumps(value)}",
                From("wavenet", (L1 + ("head1x1",), value)),
                drawn=array_change(setting("head1x1", {"active": False, "groups": 1}))
                if name == "inactive_without_out_channels" else None)


def zero_input_groups(arr, src):
    arr[src.choice(["groups_input", "groups_input_mixin"], "key")] = 0


def film_true(arr, src):
    arr[src.choice(["conv_pre_film", "conv_post_film", "activation_post_film"], "FiLM key")] = True


def wavenet_groups_and_film_kinds() -> None:  # [WN-ARR-11], [WN-ARR-12]
    declare("wavenet.groups_input.zero", "WN-ARR-11", "schema", "groups_input 0",
            From("wavenet", (L0 + ("groups_input",), 0)), drawn=array_change(zero_input_groups))
    declare("wavenet.groups_input_mixin.string", "WN-ARR-11", "schema", "groups_input_mixin \"2\"",
            From("wavenet", (L0 + ("groups_input_mixin",), "2")))
    drawn_films = {"true": array_change(film_true, "a FiLM key is true"),
                   "null": array_change(setting("input_mixin_pre_film", None), "a FiLM key is null")}
    for name, value in (("true", True), ("null", None), ("number", 1), ("active_null", {"active": None}),
                        ("shift_string", {"shift": "yes"}), ("groups_zero", {"groups": 0})):
        declare(f"wavenet.film.{name}", "WN-ARR-12", "schema", f"conv_post_film is {json.dumps(value)}",
                From("wavenet", (L0 + ("conv_post_film",), value)), drawn=drawn_films.get(name))


def both_head_forms(arr, src):
    if arr.get("head") is not None:
        arr["head_size"], arr["head_bias"] = arr["head"]["out_channels"], arr["head"]["bias"]
    else:
        arr["head"] = {"out_channels": arr["head_size"], "kernel_size": 1, "bias": arr["head_bias"]}


def no_head_form(arr, src):
    for key in ("head", "head_size", "head_bias"):
        arr.pop(key, None)


def wavenet_head_form_kinds() -> None:  # [WN-ARR-13]
    declare("wavenet.head_form.both", "WN-ARR-13", "schema", "a head object and head_size/head_bias",
            From("wavenet", (L1 + ("head",), {"out_channels": 1, "kernel_size": 1, "bias": True})),
            drawn=array_change(both_head_forms))
    declare("wavenet.head_form.neither", "WN-ARR-13", "schema", "no head object and no head_size/head_bias",
            From("wavenet", (L1 + ("head_size",), DELETE), (L1 + ("head_bias",), DELETE)),
            drawn=array_change(no_head_form))
    declare("wavenet.head_form.null_head_without_legacy", "WN-ARR-13", "schema", "head null and no head_size/head_bias",
            From("wavenet", (L1 + ("head_size",), DELETE), (L1 + ("head_bias",), DELETE), (L1 + ("head",), None)))
    declare("wavenet.head_form.size_without_bias", "WN-ARR-13", "schema", "head_size without head_bias",
            From("wavenet", (L0 + ("head_bias",), DELETE)))
    declare("wavenet.head_form.bias_string", "WN-ARR-13", "schema", "head_bias \"false\"",
            From("wavenet", (L0 + ("head_bias",), "false")))
    for name, key, value in (("bias_missing", "bias", DELETE), ("kernel_size_missing", "kernel_size", DELETE),
                             ("out_channels_missing", "out_channels", DELETE), ("kernel_size_zero", "kernel_size", 0),
                             ("head_dilation_zero", "head_dilation", 0),
                             ("head_dilation_non_integral", "head_dilation", 1.5)):
        declare(f"wavenet.array_head.{name}", "WN-ARR-13", "schema", f"layers[0].head.{key} {missing_or(value)}",
                From("wavenet_modern", (L0 + ("head", key), value)))


def divisibility_kind(name: str, description: str, *changes, drawn=None) -> None:
    declare(f"wavenet.{name}", "WN-ARR-16", "consistency", description, From("wavenet_modern", *changes, fit=True),
            drawn=drawn)


def wavenet_divisibility_kinds() -> None:  # [WN-ARR-16]
    divisibility_kind("groups_input.not_dividing_channels", "groups_input 3 with channels 4",
                      (L0 + ("groups_input",), 3),
                      drawn=array_change(lambda arr, src: arr.update(groups_input=arr["channels"] + 1),
                                         "groups_input = channels + 1"))
    divisibility_kind("groups_input.not_dividing_conv_width",
                      "groups_input 4 divides channels 4 but not layer 0's Z = 2 (gating none)",
                      (L0 + ("groups_input",), 4), (L0 + ("gating_mode",), ["none", "gated"]))
    divisibility_kind("groups_input_mixin.not_dividing_condition", "groups_input_mixin 4 with condition_size 2",
                      (L0 + ("groups_input_mixin",), 4))
    divisibility_kind("groups_input_mixin.not_dividing_conv_width",
                      "groups_input_mixin 2 divides condition_size 2 but not Z = 1 (bottleneck 1, gating none)",
                      (L1 + ("groups_input_mixin",), 2), (L1 + ("bottleneck",), 1),
                      (L1 + ("layer1x1",), {"active": True, "groups": 1}), (L0 + ("head", "out_channels"), 1))
    divisibility_kind("layer1x1_groups.not_dividing_bottleneck", "layer1x1.groups 4 with bottleneck 2 and channels 4",
                      (L0 + ("layer1x1", "groups"), 4))
    divisibility_kind("layer1x1_groups.not_dividing_channels", "layer1x1.groups 2 with bottleneck 2 and channels 3",
                      (L1 + ("layer1x1",), {"active": True, "groups": 2}), (L1 + ("channels",), 3))
    divisibility_kind("head1x1_groups.not_dividing_bottleneck",
                      "head1x1.groups 4 with bottleneck 2 and head1x1.out_channels 4",
                      (L0 + ("head1x1",), {"active": True, "out_channels": 4, "groups": 4}))
    divisibility_kind("head1x1_groups.not_dividing_out_channels",
                      "head1x1.groups 2 with bottleneck 2 and head1x1.out_channels 3",
                      (L0 + ("head1x1", "out_channels"), 3), (L0 + ("head1x1_post_film",), {"groups": 1}))
    divisibility_kind("film_groups.not_dividing_condition", "input_mixin_pre_film.groups 4 with condition_size 2",
                      (L0 + ("input_mixin_pre_film", "groups"), 4))
    divisibility_kind("film_groups.not_dividing_rows",
                      "head1x1_post_film groups 2 (divides condition_size 2) on 3 rows (no shift, "
                      "head1x1.out_channels 3)",
                      (L0 + ("head1x1",), {"active": True, "out_channels": 3, "groups": 1}),
                      (L0 + ("head1x1_post_film",), {"shift": False, "groups": 2}))
    divisibility_kind("film_groups.not_dividing_one_layer",
                      "conv_post_film groups 2 on Z rows: 2 in layer 1 (gated) but 1 in layer 0 (gating none, no "
                      "shift, bottleneck 1)",
                      (L1 + ("dilations",), [1, 2]), (L1 + ("kernel_size",), 2), (L1 + ("bottleneck",), 1),
                      (L1 + ("layer1x1",), {"active": True, "groups": 1}), (L1 + ("gating_mode",), ["none", "gated"]),
                      (L1 + ("conv_post_film",), {"shift": False, "groups": 2}), (L0 + ("head", "out_channels"), 1))


def layer1x1_film_without_layer1x1(arr, src):
    arr["layer1x1"] = {"active": False, "groups": 1}
    arr.pop("bottleneck", None)
    arr["layer1x1_post_film"] = {"active": True, "shift": True, "groups": 1}


def head1x1_film_without_head1x1(arr, src):
    arr["head1x1"] = {"active": False, "out_channels": 1, "groups": 1}
    arr["head1x1_post_film"] = {"shift": False}


def wavenet_film_after_1x1_kinds() -> None:  # [WN-ARR-17]
    declare("wavenet.layer1x1_post_film.without_layer1x1", "WN-ARR-17", "consistency",
            "layer1x1_post_film active while layer1x1 is inactive",
            From("wavenet_modern", (L1 + ("layer1x1_post_film",), {"groups": 1}), fit=True),
            drawn=array_change(layer1x1_film_without_layer1x1))
    declare("wavenet.head1x1_post_film.without_head1x1", "WN-ARR-17", "consistency",
            "head1x1_post_film active (object without active) while head1x1 is inactive",
            From("wavenet_modern", (L1 + ("head1x1_post_film",), {"shift": False}), fit=True),
            drawn=array_change(head1x1_film_without_head1x1))


@drawn("an array's head size differs from the next array's head-path width", "WaveNet", {"wavenet.multi_array"})
def head_size_not_next_head_path(doc, src):
    doc = copy.deepcopy(doc)
    first = wavenet_of(doc)
    arr = next(a for a, b in zip(arrays_of(first), arrays_of(first)[1:]))
    if arr.get("head") is not None:
        arr["head"]["out_channels"] += 1
    else:
        arr["head_size"] += 1
    return doc


def condition_size_mismatch(arr, src):
    arr["condition_size"] += src.integer(1, 2, "extra condition width")
    for key, value in arr.items():  # group counts that divided the old width might not divide the new one
        if key == "groups_input_mixin" or (key.endswith("_film") and isinstance(value, dict) and "groups" in value):
            arr[key] = 1 if key == "groups_input_mixin" else dict(value, groups=1)


def wavenet_chaining_kinds() -> None:  # [WN-ARR-18] to [WN-ARR-20]
    declare("wavenet.input_size.first_not_in_channels", "WN-ARR-18", "consistency",
            "layers[0].input_size 2 with the default in_channels of 1",
            From("wavenet", (L0 + ("input_size",), 2), fit=True),
            drawn=array_change(lambda arr, src: arr.update(input_size=arr["input_size"] + 1),
                               "layers[0].input_size differs from in_channels"))
    declare("wavenet.input_size.not_previous_channels", "WN-ARR-18", "consistency",
            "layers[1].input_size 3 while layers[0].channels is 2", From("wavenet", (L1 + ("input_size",), 3), fit=True))
    declare("wavenet.in_channels.not_first_input_size", "WN-ARR-18", "consistency",
            "in_channels 3 while layers[0].input_size is 2 (conditions sized for 3 channels)",
            From("wavenet_modern", ((CFG, "in_channels"), 3), (L0 + ("condition_size",), 3),
                 (L1 + ("condition_size",), 3), (L0 + ("groups_input_mixin",), 1),
                 (L0 + ("input_mixin_pre_film", "groups"), 1), (L0 + ("layer1x1_post_film", "groups"), 1),
                 (L0 + ("head1x1_post_film", "groups"), 1), fit=True))
    declare("wavenet.head_size.not_next_head_path", "WN-ARR-19", "consistency",
            "layers[0].head_size 1 while layers[1]'s head path is its bottleneck, 2",
            From("wavenet", (L0 + ("head_size",), 1), fit=True), drawn=head_size_not_next_head_path)
    declare("wavenet.head_size.not_next_head1x1", "WN-ARR-19", "consistency",
            "layers[0].head.out_channels 2 while layers[1]'s head path is its active head1x1, 3 wide",
            From("wavenet_modern", (L1 + ("head1x1",), {"active": True, "out_channels": 3, "groups": 1}), fit=True))
    declare("wavenet.condition_size.mismatch", "WN-ARR-20", "consistency",
            "condition_size differs from the condition width", drawn=array_change(condition_size_mismatch))
    declare("wavenet.condition_size.without_condition_dsp", "WN-ARR-20", "consistency",
            "condition_size 2 without a condition_dsp and with in_channels 1",
            From("wavenet", (L1 + ("condition_size",), 2), fit=True))
    declare("wavenet_condition_dsp.condition_size.not_output", "WN-ARR-20", "consistency",
            "condition_size 1 while the condition_dsp has 2 output channels",
            From("wavenet_condition_dsp", (L0 + ("condition_size",), 1), fit=True))


def one_slope_more_than_bottleneck(arr, src):
    arr["activation"] = {"type": "PReLU", "negative_slopes": [0.1] * (arr.get("bottleneck", arr["channels"]) + 1)}


def wavenet_prelu_kinds() -> None:  # [WN-ARR-21]
    declare("wavenet.prelu.primary_slopes_for_channels", "WN-ARR-21", "consistency",
            "a layer PReLU with 4 slopes (channels) where the bottleneck is 2",
            From("wavenet_modern",
                 (L0 + ("activation", 1), {"type": "PReLU", "negative_slopes": [0.1, 0.2, 0.3, 0.4]})),
            drawn=array_change(one_slope_more_than_bottleneck, "a layer PReLU with one slope more than the bottleneck"))
    declare("wavenet.prelu.secondary_slopes", "WN-ARR-21", "consistency",
            "a secondary PReLU with one slope in an array whose bottleneck is 2",
            From("wavenet_modern", (L0 + ("secondary_activation", 0), {"type": "PReLU", "negative_slopes": [0.5]})))


def head_width(arr: dict) -> int:
    """A layer array's head size, in either head form ([WN-ARR-13])."""
    return arr["head"]["out_channels"] if arr.get("head") is not None else arr["head_size"]


@drawn("the pre-0.7.0 head form with num_layers", "WaveNet")
def pre_0_7_post_head(doc, src):
    doc = copy.deepcopy(doc)
    doc["config"]["head"] = {"channels": 2, "activation": "Tanh", "num_layers": 1, "out_channels": 1}
    return doc


@drawn("a post-stack PReLU with one slope more than its input width", "WaveNet", {"wavenet.post_head"})
def post_head_slope_count(doc, src):
    doc = copy.deepcopy(doc)
    width = head_width(arrays_of(doc)[-1])
    doc["config"]["head"]["activation"] = {"type": "PReLU", "negative_slopes": [0.1] * (width + 1)}
    return doc


def wavenet_post_head_kinds() -> None:  # [WN-HEAD-1], [WN-HEAD-3]
    head = (CFG, "head")
    for key in ("channels", "out_channels", "kernel_sizes", "activation"):
        declare(f"wavenet.post_head.{key}.missing", "WN-HEAD-1", "schema", f"the post-stack head has no {key}",
                From("wavenet_modern", (head + (key,), DELETE)))
    declare("wavenet.post_head.pre_0_7_form", "WN-HEAD-1", "schema",
            "the pre-0.7.0 head {channels, activation, num_layers, out_channels} ([DIV-35])",
            From("wavenet_modern", (head, {"channels": 2, "activation": "ReLU", "num_layers": 1, "out_channels": 2})),
            drawn=pre_0_7_post_head)
    declare("wavenet.post_head.string", "WN-HEAD-1", "schema", "config.head is a string",
            From("wavenet_modern", (head, "ReLU")))
    declare("wavenet.post_head.kernel_sizes.empty", "WN-HEAD-1", "schema", "kernel_sizes []",
            From("wavenet_modern", (head + ("kernel_sizes",), [])))
    declare("wavenet.post_head.channels.zero", "WN-HEAD-1", "schema", "channels 0",
            From("wavenet_modern", (head + ("channels",), 0)))
    declare("wavenet.post_head.in_channels.mismatch", "WN-HEAD-1", "consistency",
            "in_channels 3 while the last array's head size is 2",
            From("wavenet_modern", (head + ("in_channels",), 3)))
    declare("wavenet.post_head.prelu.widths_differ", "WN-HEAD-3", "consistency",
            "a per-channel PReLU (2 slopes) before convolutions whose inputs are 2 and 3 wide",
            From("wavenet_modern", (head + ("channels",), 3), fit=True))
    declare("wavenet.post_head.prelu.slope_count", "WN-HEAD-3", "consistency",
            "a PReLU with 3 slopes before convolutions whose inputs are 2 wide",
            From("wavenet_modern", (head + ("activation", "negative_slopes"), [0.1, 0.2, 0.3])),
            drawn=post_head_slope_count)


@drawn(architecture="WaveNet", features={"wavenet.condition_dsp"})
def container_as_condition_dsp(doc, src):
    doc = copy.deepcopy(doc)
    identity = {"version": "0.5.0", "architecture": "Linear", "config": {"receptive_field": 1, "bias": False},
                "weights": [1.0]}
    wavenet_of(doc)["config"]["condition_dsp"] = {"version": "0.7.0", "architecture": "SlimmableContainer",
                                                  "config": {"submodels": [{"max_value": 1.0, "model": identity}]},
                                                  "weights": []}
    return doc


@drawn("the condition_dsp takes another number of input channels than its parent", "WaveNet",
       {"wavenet.condition_dsp"})
def condition_dsp_in_channels(doc, src):
    doc = copy.deepcopy(doc)
    model = wavenet_of(doc)
    width = model["config"].get("in_channels", 1) + 1
    model["config"]["condition_dsp"] = {"version": "0.5.0", "architecture": "Linear",
                                        "config": {"receptive_field": 1, "bias": False, "in_channels": width,
                                                   "out_channels": width}, "weights": [1.0]}
    return doc


def condition_dsp_kinds() -> None:  # [WN-COND-1], [WN-COND-3]
    single = (L0 + ("condition_size",), 1)
    declare("wavenet_condition_dsp.container", "WN-COND-1", "consistency", "the condition_dsp is a SlimmableContainer",
            From("wavenet_condition_dsp", (COND, base("container")), single, fit=True),
            drawn=container_as_condition_dsp)
    declare("wavenet_condition_dsp.slimmable_wavenet", "WN-COND-1", "consistency",
            "the condition_dsp is a slimmable WaveNet",
            From("wavenet_condition_dsp", (COND, base("wavenet_slimmable")), single, fit=True))
    declare("wavenet_condition_dsp.string", "WN-COND-1", "schema", "the condition_dsp is a string",
            From("wavenet_condition_dsp", (COND, "Linear"), single, fit=True))
    declare("wavenet_condition_dsp.in_channels", "WN-COND-3", "consistency",
            "the condition_dsp takes 2 input channels; the model has 1",
            From("wavenet_condition_dsp", (COND + (CFG, "in_channels"), 2), fit=True), drawn=condition_dsp_in_channels)


def slimmable_array(doc: dict) -> dict:
    return next(a for a in arrays_of(doc) if a.get("slimmable"))


@drawn(architecture="WaveNet", features={"wavenet.slimmable"})
def unknown_slimming_method(doc, src):
    doc = copy.deepcopy(doc)
    slimmable_array(doc)["slimmable"]["method"] = "slice_channels_random"
    return doc


@drawn(architecture="WaveNet", features={"wavenet.slimmable"})
def allowed_channels_not_increasing(doc, src):
    doc = copy.deepcopy(doc)
    arr = slimmable_array(doc)
    c = arr["channels"]
    arr["slimmable"]["kwargs"] = {"allowed_channels": src.choice([[c, 1], [1, 1, c], [1], [1, c, c + 1]], "widths")}
    return doc


def slimmable_kinds() -> None:  # [WN-SLIM-1] to [WN-SLIM-3]
    slim = L0 + ("slimmable",)
    for name, value in (("true", True), ("string", "slice_channels_uniform"), ("method_missing", {"kwargs": {}}),
                        ("kwargs_array", {"method": "slice_channels_uniform", "kwargs": [1, 2, 3]})):
        declare(f"wavenet_slimmable.{name}", "WN-SLIM-1", "schema", f"slimmable is {json.dumps(value)}",
                From("wavenet_slimmable", (slim, value)),
                drawn=array_change(setting("slimmable", True)) if name == "true" else None)
    declare("wavenet_slimmable.method.unknown", "WN-SLIM-2", "schema", "method \"slice_channels_random\"",
            From("wavenet_slimmable", (slim + ("method",), "slice_channels_random")), drawn=unknown_slimming_method)
    declare("wavenet_slimmable.allowed_channels.not_increasing", "WN-SLIM-3", "consistency",
            "allowed_channels out of order, repeated or not ending at channels", drawn=allowed_channels_not_increasing)
    allowed = slim + ("kwargs", "allowed_channels")
    for name, value, cls in (("empty", [], "schema"), ("zero", [0, 3], "schema"), ("non_integral", [1.5, 3], "schema"),
                             ("decreasing", [2, 1, 3], "consistency"), ("repeated", [1, 1, 3], "consistency"),
                             ("not_ending_at_channels", [1, 2], "consistency"),
                             ("beyond_channels", [1, 3, 4], "consistency")):
        declare(f"wavenet_slimmable.allowed_channels.{name}", "WN-SLIM-3", cls,
                f"allowed_channels {json.dumps(value)} (channels 3)", From("wavenet_slimmable", (allowed, value)))


@drawn("a slimmable WaveNet with an active FiLM", "WaveNet", {"wavenet.slimmable"})
def slimmable_with_film(doc, src):
    doc = copy.deepcopy(doc)
    arrays_of(doc)[-1]["activation_post_film"] = {"active": True, "shift": True, "groups": 1}
    return doc


@drawn(architecture="WaveNet", features={"wavenet.slimmable"})
def slimmable_with_post_head(doc, src):
    doc = copy.deepcopy(doc)
    doc["config"]["head"] = {"channels": 1, "out_channels": 1, "kernel_sizes": [1], "activation": "Tanh",
                             "in_channels": head_width(arrays_of(doc)[-1])}
    return doc


def slimming_restriction_kinds() -> None:  # [WN-SLIM-4]
    no_legacy_head = ((L0 + ("head_size",), DELETE), (L0 + ("head_bias",), DELETE))
    restrictions = (
        ("bottleneck", "bottleneck 2 in a slimmable array of 3 channels", (L0 + ("bottleneck",), 2)),
        ("groups_input", "groups_input 3", (L0 + ("groups_input",), 3)),
        ("head1x1", "an active head1x1", (L0 + ("head1x1",), {"active": True, "out_channels": 1, "groups": 1})),
        ("film", "an active activation_post_film", (L0 + ("activation_post_film",), {"shift": False})),
        ("head_kernel", "a layer-array head with kernel size 2",
         (L0 + ("head",), {"out_channels": 1, "kernel_size": 2, "bias": True}), *no_legacy_head),
        ("prelu", "a per-channel PReLU", (L0 + ("activation",), {"type": "PReLU", "negative_slopes": [0.1, 0.2, 0.3]})),
        ("post_head", "a post-stack head",
         ((CFG, "head"), {"channels": 1, "out_channels": 1, "kernel_sizes": [1], "activation": "Tanh"})),
    )
    drawn_restrictions = {"film": slimmable_with_film, "post_head": slimmable_with_post_head}
    for name, what, *changes in restrictions:
        declare(f"wavenet_slimmable.restriction.{name}", "WN-SLIM-4", "consistency", f"a slimmable WaveNet with {what}",
                From("wavenet_slimmable", *changes, fit=True), drawn=drawn_restrictions.get(name))
    second = {"input_size": 3, "condition_size": 1, "channels": 2, "kernel_size": 1, "dilations": [1],
              "activation": "Tanh", "groups_input": 2, "head_size": 1, "head_bias": False}
    declare("wavenet_slimmable.restriction.other_array_grouped", "WN-SLIM-4", "consistency",
            "a non-slimmable array with groups_input 2 in a slimmable WaveNet",
            From("wavenet_slimmable", ((CFG, "layers"), base("wavenet_slimmable")[CFG]["layers"] + [second]),
                 (L0 + ("head_size",), 2), fit=True))


# ---------------------------------------------------------------------------------------------
# SlimmableContainer ([CONT-1] to [CONT-4]).


@drawn(architecture="SlimmableContainer")
def no_submodels(doc, src):
    return dict(doc, config={"submodels": []})


@drawn(architecture="SlimmableContainer")
def thresholds_not_increasing(doc, src):
    doc = copy.deepcopy(doc)
    entries = doc["config"]["submodels"]
    entries.append(copy.deepcopy(entries[-1]))
    entries[-2]["max_value"] = entries[-1]["max_value"] + src.choice([0.0, 0.5], "excess")
    return doc


@drawn("the last max_value is below 1.0", "SlimmableContainer")
def last_threshold_below_one(doc, src):
    doc = copy.deepcopy(doc)
    entries = doc["config"]["submodels"]
    for i, entry in enumerate(entries):
        entry["max_value"] = (i + 1) / (len(entries) + 1)
    return doc


def container_entry_kinds() -> None:  # [CONT-1]
    subs = (CFG, "submodels")
    declare("container.submodels.missing", "CONT-1", "schema", "config.submodels is missing",
            From("container", (subs, DELETE)))
    declare("container.submodels.empty", "CONT-1", "schema", "config.submodels is []", From("container", (subs, [])),
            drawn=no_submodels)
    declare("container.submodels.object", "CONT-1", "schema", "config.submodels is an object",
            From("container", (subs, base("container")[CFG]["submodels"][1])))
    declare("container.submodel.not_object", "CONT-1", "schema", "a submodel entry is a bare model name",
            From("container", (SUB0, "Linear")))
    declare("container.submodel.max_value_missing", "CONT-1", "schema", "a submodel entry has no max_value",
            From("container", (SUB0 + ("max_value",), DELETE)))
    declare("container.submodel.model_missing", "CONT-1", "schema", "a submodel entry has no model",
            From("container", (SUB0 + ("model",), DELETE)))
    declare("container.submodel.max_value_string", "CONT-1", "schema", "max_value \"0.5\"",
            From("container", (SUB0 + ("max_value",), "0.5")))


@drawn(architecture="SlimmableContainer")
def container_in_container(doc, src):
    doc = copy.deepcopy(doc)
    entry = doc["config"]["submodels"][0]
    entry["model"] = {"version": "0.7.0", "architecture": "SlimmableContainer",
                      "config": {"submodels": [{"max_value": 1.0, "model": entry["model"]}]}, "weights": []}
    return doc


@drawn("a submodel with two output channels", "SlimmableContainer")
def two_output_submodel(doc, src):
    doc = copy.deepcopy(doc)
    doc["config"]["submodels"][0]["model"] = {"version": "0.5.0", "architecture": "Linear", "config": {
        "receptive_field": 1, "bias": False, "in_channels": 2, "out_channels": 2}, "weights": [1.0]}
    return doc


def container_threshold_and_submodel_kinds() -> None:  # [CONT-3], [CONT-4]
    declare("container.thresholds.not_increasing", "CONT-3", "consistency", "max_values repeated or decreasing",
            drawn=thresholds_not_increasing)
    for name, values in (("repeated", (1.0, 1.0)), ("decreasing", (1.0, 0.5)), ("last_below_one", (0.3, 0.9))):
        declare(f"container.thresholds.{name}", "CONT-3", "consistency", f"max_values {list(values)}",
                From("container", (SUB0 + ("max_value",), values[0]), (SUB1 + ("max_value",), values[1])),
                drawn=last_threshold_below_one if name == "last_below_one" else None)
    declare("container.submodel.container", "CONT-4", "consistency", "a submodel is itself a SlimmableContainer",
            From("container", (SUB0 + ("model",), base("container"))), drawn=container_in_container)
    declare("container.submodel.slimmable_wavenet", "CONT-4", "consistency", "a submodel is a slimmable WaveNet",
            From("container", (SUB1 + ("model",), base("wavenet_slimmable"))))
    declare("container.submodel.two_outputs", "CONT-4", "consistency", "a submodel (an LSTM) has two output channels",
            From("container", (SUB0 + ("model",), edit(base("lstm"), ((CFG, "out_channels"), 2))), fit=True),
            drawn=two_output_submodel)
    declare("container.submodel.two_channels", "CONT-4", "consistency",
            "a submodel (a Linear) has two input and output channels",
            From("container", (SUB0 + ("model", CFG, "in_channels"), 2), (SUB0 + ("model", CFG, "out_channels"), 2)))


# ---------------------------------------------------------------------------------------------
# Sequential ([SEQ-*]); the strategy puts a drawn document first in a chain.


def chain(*models, weights=()) -> dict:
    doc = {"version": "0.7.0", "architecture": "Sequential", "config": {"models": list(models)},
           "weights": list(weights)}
    rate = models[0].get("sample_rate") if isinstance(models[0], dict) else None
    return doc if rate is None else dict(doc, sample_rate=rate)  # the children's rate ([SEQ-3])


def identity_linear(channels: int) -> dict:
    return {"version": "0.7.0", "architecture": "Linear",
            "config": {"receptive_field": 1, "bias": False, "in_channels": channels, "out_channels": channels},
            "weights": [0.5]}


@drawn("a Sequential without models")
def empty_chain(doc, src):
    return dict(chain(doc), config={"models": []})


@drawn("the experimental form: a bare config in config.models and its weights at the top")
def experimental_chain(doc, src):
    return chain(doc["config"], weights=doc["weights"])


@drawn("a Sequential with a top-level weight")
def chain_with_weight(doc, src):
    return chain(doc, weights=[src.choice([0.0, 0.5, 1.0], "weight")])


@drawn("the next model takes one more channel than given")
def chain_channel_mismatch(doc, src):
    from nam_reference import load_spec

    return chain(doc, identity_linear(load_spec(doc).out_channels + 1))


def sequential_entry_kinds() -> None:  # [SEQ-1], [SEQ-10]
    models = (CFG, "models")
    children = base("sequential")[CFG]["models"]
    both_blobs = children[0]["weights"] + children[1]["weights"]
    declare("sequential.models.missing", "SEQ-1", "schema", "config.models is missing",
            From("sequential", (models, DELETE)))
    declare("sequential.models.empty", "SEQ-1", "schema", "config.models is []", From("sequential", (models, [])),
            drawn=empty_chain)
    declare("sequential.models.object", "SEQ-1", "schema", "config.models is one model object, not a list",
            From("sequential", (models, children[0])))
    declare("sequential.model.not_object", "SEQ-1", "schema", "an entry of config.models is a model name",
            From("sequential", (models + (0,), "Linear")))
    declare("sequential.model.weights_missing", "ENV-2", "schema", "the second model has no weights ([ENV-5])",
            From("sequential", (models + (1, "weights"), DELETE)))
    # The experimental form: bare configs, the weights concatenated in the wrapper ([SEQ-10]).
    declare("sequential.experimental_form", "SEQ-10", "schema",
            "the experimental form: config.models holds bare configs and the weights are concatenated at the top",
            From("sequential", (models, [m[CFG] for m in children]), (("weights",), both_blobs)),
            drawn=experimental_chain)
    declare("sequential.experimental_named", "SEQ-10", "schema",
            "entries of the form {name, config} without weights (an experimental export)",
            From("sequential", (models, [{"name": m["architecture"], "config": m[CFG]} for m in children]),
                 (("weights",), both_blobs)))
    declare("sequential.wrapped_entries", "SEQ-10", "schema", "each entry wraps its model as {\"model\": ...}",
            From("sequential", (models, [{"model": m} for m in children])))


def sequential_rule_kinds() -> None:  # [SEQ-2], [SEQ-4], and rules of the models in a chain
    models = (CFG, "models")
    seq = base("sequential")
    children = seq[CFG]["models"]
    declare("sequential.weights.not_empty", "SEQ-2", "weight_count",
            "complete models, and the top-level weights repeat their weights",
            From("sequential", (("weights",), children[0]["weights"] + children[1]["weights"])),
            drawn=chain_with_weight)
    declare("sequential.weights.one", "SEQ-2", "weight_count", "the top-level weights are [0.5]",
            From("sequential", (("weights",), [0.5])))
    two_channels = edit(linear_model(rf=2, version="0.7.0"), ((CFG, "in_channels"), 2), ((CFG, "out_channels"), 2))
    declare("sequential.channels.mismatch", "SEQ-4", "consistency",
            "a two-channel Linear follows the one-channel first model",
            From("sequential", (models + (1,), refit(two_channels))), drawn=chain_channel_mismatch)
    declare("sequential.nested_weights.one_missing", "W-3", "weight_count", "the second model's blob is one weight short",
            From("sequential", (models + (1, "weights"), children[1]["weights"][1:])))
    declare("sequential.sample_rate.child_differs", "SR-4", "consistency",
            "the first model runs at 44100 Hz, the Sequential at 48000",
            From("sequential", (models + (0, "sample_rate"), 44100)))
    declare("sequential.version.child_out_of_range", "VER-2", "version", "the second model's version is 0.4.0",
            From("sequential", (models + (1, "version"), "0.4.0")))
    declare("sequential.in_container.slimmable", "CONT-4", "consistency",
            "a container submodel is a Sequential holding a slimmable WaveNet (two sizes for one parameter)",
            From("container", (SUB1 + ("model",), edit(seq, (models + (1,), base("wavenet_slimmable"))))))
    declare("sequential.as_condition_dsp.slimmable", "WN-COND-1", "consistency",
            "a condition_dsp is a Sequential holding a container",
            From("wavenet_condition_dsp", (COND, edit(seq, (models, [base("container"), condition_convnet()])))))


# ---------------------------------------------------------------------------------------------
# Limits ([LIM-1] to [LIM-3]) and huge declared sizes.


def deep(levels: int) -> Raw:
    return Raw("[" * levels + "]" * levels)


@drawn()
def deep_metadata(doc, src):
    return text_with(doc, lambda d: d.update(metadata={"training": SENTINEL}), '{"a": ' * 70 + "1" + "}" * 70)


def wavenet_chain(levels: int) -> dict:
    model = linear_model(rf=2, version="0.7.0")
    for _ in range(levels):
        model = tiny_wavenet(condition=model)
    return model


def sequential_chain(levels: int) -> dict:
    model = linear_model(rf=2, version="0.7.0")
    for _ in range(levels):
        model = make_model("0.7.0", "Sequential", {"models": [model]})
    return model


@drawn("five nested model levels")
def container_chain(doc, src):
    for _ in range(4):
        doc = {"version": "0.7.0", "architecture": "SlimmableContainer",
               "config": {"submodels": [{"max_value": 1.0, "model": doc}]}, "weights": []}
    return doc


def depth_limit_kinds() -> None:  # [LIM-1], [LIM-2]
    declare("limit.json_depth.65", "LIM-1", "limit", "arrays nested 65 levels deep (the root object is level 1)",
            From("linear", (("extra",), deep(64))))
    declare("limit.json_depth.100000", "LIM-1", "limit", "arrays nested 100000 levels deep",
            From("linear", (("extra",), deep(100000))))
    declare("limit.json_depth.in_metadata", "LIM-1", "limit", "objects nested 70 levels deep inside metadata.training",
            From("linear", (("metadata", "training"), Raw('{"a": ' * 68 + "{}" + "}" * 68))), drawn=deep_metadata)
    declare("limit.model_depth.condition_chain", "LIM-2", "limit",
            "WaveNet, condition_dsp WaveNet, again twice, then a Linear: five model levels", lambda: wavenet_chain(4))
    declare("limit.model_depth.sequential_chain", "LIM-2", "limit",
            "a Sequential inside a Sequential, four deep, around a Linear: five model levels",
            lambda: sequential_chain(4))
    declare("limit.model_depth.container_chain", "LIM-2", "limit",
            "a container, a WaveNet and two condition_dsp WaveNets above a Linear: five model levels",
            lambda: make_model("0.7.0", "SlimmableContainer",
                               {"submodels": [{"max_value": 1.0, "model": wavenet_chain(3)}]}),
            drawn=container_chain)


@drawn(architecture=["Linear", "LSTM"])
def huge_size(doc, src):
    doc = copy.deepcopy(doc)
    doc["config"]["receptive_field" if doc["architecture"] == "Linear" else "hidden_size"] = 10**9
    return doc


def huge_size_kinds() -> None:
    # Rejected by the weight count ([W-3]) before anything of that size is allocated ([W-5]).
    huge = 10 ** 9
    declare("config.huge_size", "W-3", "weight_count", "a size of 10**9 with the blob of a small model ([W-5])",
            drawn=huge_size)
    declare("linear.receptive_field.huge", "W-3", "weight_count", "receptive_field 10**12 with 5 weights",
            From("linear", ((CFG, "receptive_field"), 10 ** 12)))
    declare("convnet.channels.huge", "W-3", "weight_count", "channels 10**9 with 19 weights",
            From("convnet", ((CFG, "channels"), huge)))
    declare("lstm.hidden_size.huge", "W-3", "weight_count", "hidden_size 10**9 with 83 weights",
            From("lstm", ((CFG, "hidden_size"), huge)))
    declare("wavenet.channels.huge", "W-3", "weight_count", "layers[1].channels 10**9 (bottleneck 2) with 68 weights",
            From("wavenet", (L1 + ("channels",), huge), (L1 + ("bottleneck",), 2)))
    declare("wavenet.kernel_size.huge", "W-3", "weight_count", "kernel_size 10**9 with 68 weights",
            From("wavenet", (L1 + ("kernel_size",), huge)))
    declare("wavenet.post_head.channels.huge", "W-3", "weight_count", "a post-stack head of 10**9 channels",
            From("wavenet_modern", ((CFG, "head", "channels"), huge), ((CFG, "head", "activation"), "ReLU")))
    declare("wavenet_slimmable.channels.huge", "W-3", "weight_count",
            "a slimmable array of 10**9 channels with the default allowed_channels (1 to 10**9)",
            From("wavenet_slimmable", (L0 + ("channels",), huge), (L0 + ("slimmable", "kwargs"), DELETE)))


@drawn(architecture="ConvNet")
def dilation_past_limit(doc, src):
    doc = copy.deepcopy(doc)
    doc["config"]["dilations"][0] = 1 << 20
    return doc


def receptive_field_limit_kinds() -> None:  # [LIM-3]: the weight count does not depend on a dilation
    huge = 10 ** 9
    declare("limit.receptive_field.dilation", "LIM-3", "limit",
            "a dilation that makes the receptive field exceed 2**20", drawn=dilation_past_limit)
    declare("wavenet.dilation.huge", "LIM-3", "limit", "a dilation of 10**9 (the weight count does not depend on it)",
            From("wavenet", (L1 + ("dilations",), [huge])))
    declare("convnet.dilation.huge", "LIM-3", "limit", "a ConvNet dilation of 10**9",
            From("convnet", ((CFG, "dilations"), [1, huge])))
    declare("convnet.dilation.one_past_limit", "LIM-3", "limit", "receptive field 1 + 2**20, one sample over the limit",
            From("convnet", ((CFG, "dilations"), [2 ** 19, 2 ** 19])))
    declare("wavenet.head_dilation.huge", "LIM-3", "limit", "a layer-array head_dilation of 10**9",
            From("wavenet_modern", (L0 + ("head", "head_dilation"), huge)))
    declare("wavenet_condition_dsp.receptive_field.sum_past_limit", "LIM-3", "limit",
            "a condition_dsp of receptive field 600001 and layers of 600000: each within the limit, not their sum",
            From("wavenet_condition_dsp", (COND + (CFG, "dilations"), [600000]), (L0 + ("dilations",), [600000])))


# ---------------------------------------------------------------------------------------------
# The catalogue, in the order of the corpus index.

for declare_group in (json_encoding_kinds, json_number_kinds, json_non_finite_kinds, json_duplicate_kinds,
                      envelope_kinds, version_kinds, sample_rate_kinds, metadata_kinds, weight_value_kinds,
                      weight_count_kinds, activation_name_kinds, activation_parameter_kinds, prelu_kinds, linear_kinds,
                      convnet_kinds, lstm_kinds, wavenet_config_kinds, wavenet_array_key_kinds, wavenet_kernel_kinds,
                      wavenet_gating_kinds, wavenet_1x1_kinds, wavenet_groups_and_film_kinds, wavenet_head_form_kinds,
                      wavenet_divisibility_kinds, wavenet_film_after_1x1_kinds, wavenet_chaining_kinds,
                      wavenet_prelu_kinds, wavenet_post_head_kinds, condition_dsp_kinds, slimmable_kinds,
                      slimming_restriction_kinds, container_entry_kinds, container_threshold_and_submodel_kinds,
                      sequential_entry_kinds, sequential_rule_kinds, depth_limit_kinds, huge_size_kinds,
                      receptive_field_limit_kinds):
    declare_group()

FIXED = [k for k in CATALOGUE.values() if k.fixed is not None]  # the corpus files, in the index's order
DRAWN = {id: k for id, k in CATALOGUE.items() if k.drawn is not None}  # the kinds the strategy draws


def invalid_file(kind_id: str, base_doc: dict, src: Source) -> InvalidFile:
    """The drawn kind `kind_id` made from the drawn valid document `base_doc`."""
    k = DRAWN[kind_id]
    return InvalidFile(k.drawn.mutate(base_doc, src), k.id, k.clause, k.error_class, k.reject_level,
                       k.drawn.description or k.description)
