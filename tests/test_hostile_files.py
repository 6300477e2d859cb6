"""The loader under hostile files: sizes declared far beyond the blob, binary32 overflow in parameters,
overflow in a valid model's output, long arrays and the fast reading of long weight arrays.

Each expectation is worked out by hand from the clause it names; none is computed by the reference.
"""

from __future__ import annotations

import json
import math
import random

import numpy as np
import pytest

import nam_reference
from nam_reference import NonFiniteOutputError, jsonfile
from nam_reference.problems import Report
from hand_written import layer_array, make_document, wavenet_document


def errors(document) -> list[tuple[str, str, str]]:
    """(path, clause, class) of every error, validating the document as a file's bytes."""
    report = nam_reference.validate(json.dumps(document).encode())
    return [(p.path, p.clause, p.error_class) for p in report.errors]


def lstm(num_layers, hidden=2):
    return make_document("LSTM", {"input_size": 1, "hidden_size": hidden, "num_layers": num_layers}, [0.0] * 84)


@pytest.mark.clause("W-3", "W-5", "LSTM-3")
@pytest.mark.parametrize("num_layers", [2 ** 31, 10 ** 9, 10 ** 18, 10 ** 30])
def test_lstm_declaring_huge_num_layers_is_a_weight_count_error(num_layers):
    # [LSTM-3] with I = 1, H = 2, O = 1: the first layer has 4·2·3 + 8 + 4 = 36 weights, every other
    # 4·2·4 + 8 + 4 = 44, the head 3: far more than 84 for any of these counts.
    assert errors(lstm(num_layers)) == [("/weights", "W-3", "weight_count")]


@pytest.mark.clause("LSTM-3")
def test_lstm_weight_count_in_closed_form_is_the_sum_over_layers():
    # Two layers as above: 36 + 44 + 3 = 83 weights; the 84-weight blob is one too many.
    report = nam_reference.validate(json.dumps(lstm(2)).encode())
    assert [p.clause for p in report.errors] == ["W-3"]
    assert "needs exactly 83 weights" in report.errors[0].message
    assert errors(make_document("LSTM", {"input_size": 1, "hidden_size": 2, "num_layers": 2}, [0.0] * 83)) == []


def test_lstm_in_a_container_with_huge_num_layers():
    sub = dict(lstm(10 ** 18), version="0.7.0")
    container = make_document("SlimmableContainer", {"submodels": [{"max_value": 1.0, "model": sub}]}, [])
    assert errors(container) == [("/config/submodels/0/model/weights", "W-3", "weight_count")]


@pytest.mark.clause("W-3", "W-5")
def test_a_million_wavenet_layers_fail_before_any_layer_is_read():
    # Every layer has a convolution of at least one weight: 10^6 layers cannot fit in 9 weights.
    doc = wavenet_document([layer_array(dilations=[1] * 10 ** 6)], [0.5] * 9)
    report = nam_reference.validate(json.dumps(doc).encode())
    assert [(p.path, p.clause) for p in report.errors] == [("/weights", "W-3")]
    assert "1000000 layers" in report.errors[0].message


@pytest.mark.clause("W-3", "W-5")
def test_a_million_convnet_blocks_fail_before_any_block_is_read():
    doc = make_document("ConvNet", {"channels": 1, "dilations": [1] * 10 ** 6, "batchnorm": False,
                                    "activation": "Tanh"}, [0.5] * 7)
    assert errors(doc) == [("/weights", "W-3", "weight_count")]


def test_huge_channel_counts_are_weight_count_errors():
    doc = wavenet_document([layer_array(channels=10 ** 9, input_size=1)], [0.5] * 9)
    assert ("/weights", "W-3", "weight_count") in errors(doc)


def test_schema_errors_in_a_long_array_name_the_original_index():
    # The schema sees each distinct item of a long array once; the error path is still the file's.
    doc = make_document("ConvNet", {"channels": 1, "dilations": [1] * 100 + [0] + [1] * 50 + [0],
                                    "batchnorm": False, "activation": "Tanh"}, [0.5] * 7)
    found = [p for p, _, _ in errors(doc)]
    assert found == ["/config/dilations/100"], found  # one per location and value: the first 0


@pytest.mark.clause("ACT-7")
@pytest.mark.parametrize("activation, path", [
    ({"type": "PReLU", "negative_slope": -1e308}, "/negative_slope"),
    ({"type": "LeakyReLU", "negative_slope": 3.5e38}, "/negative_slope"),
    ({"type": "Hardtanh", "min_val": -1e39}, "/min_val"),
    ({"type": "LeakyHardtanh", "max_slope": 1e300}, "/max_slope"),
    ({"type": "PReLU", "negative_slopes": [0.1, -4e38]}, "/negative_slopes/1"),
])
def test_a_parameter_beyond_binary32_is_invalid(activation, path):
    width = len(activation.get("negative_slopes", [0]))
    doc = wavenet_document([layer_array(channels=width, activation=activation)],
                           [0.5] * (width + 3 * width * width + 4 * width + 2))
    assert ("/config/layers/0/activation" + path, "ACT-7", "non_finite") in errors(doc)


@pytest.mark.clause("ACT-7")
def test_the_binary32_limit_is_the_rounding_midpoint():
    # 2^128 − 2^104 is FLT_MAX; values below the midpoint 2^128 − 2^103 round to it, the midpoint rounds
    # to even, which is infinity (FLT_MAX's significand is odd).
    flt_max, midpoint = 2.0 ** 128 - 2.0 ** 104, 2.0 ** 128 - 2.0 ** 103
    below = math.nextafter(midpoint, 0.0)
    with np.errstate(over="ignore"):
        assert np.float32(below) == np.float32(flt_max) and np.isinf(np.float32(midpoint))
    doc = make_document("ConvNet", {"channels": 1, "dilations": [1], "batchnorm": False,
                                    "activation": {"type": "LeakyReLU", "negative_slope": below}}, [0.5] * 5)
    assert errors(doc) == []
    doc["config"]["activation"]["negative_slope"] = -midpoint
    assert errors(doc) == [("/config/activation/negative_slope", "ACT-7", "non_finite")]


@pytest.mark.clause("NUM-10")
def test_overflow_in_a_valid_model_is_reported_not_returned():
    # y[t] = 3e38·x[t]: valid (3e38 is finite in binary32); for x = 2 the product overflows binary32.
    model = nam_reference.load(make_document("Linear", {"receptive_field": 1, "bias": False}, [3e38]))
    np.testing.assert_array_equal(model.process(np.array([0.5], np.float32)), np.float32(1.5e38))
    with pytest.raises(NonFiniteOutputError) as caught:
        model.process(np.array([0.5, 2.0], np.float32))
    assert caught.value.clause == "NUM-10" and (caught.value.channel, caught.value.sample) == (0, 1)
    with pytest.raises(NonFiniteOutputError):
        model.stream().process(np.array([2.0], np.float32))


@pytest.mark.clause("NUM-10")
def test_non_finite_input_gives_non_finite_output_without_an_error():
    model = nam_reference.load(make_document("Linear", {"receptive_field": 1, "bias": False}, [1.0]))
    y = model.process(np.array([np.nan, 1.0], np.float32))
    assert np.isnan(y[0]) and y[1] == 1.0


# The fast path for long weight arrays reads exactly what the general parser reads.

def _tokens(rng: random.Random, n: int) -> list[str]:
    special = ["0", "-0", "1e-400", "5e-324", "2.2250738585072011e-308", "1.7976931348623157e308",
               "9007199254740993", "123456789012345678901234567890", "0.1", "-3.4028235e38", "1E5", "2e+3"]
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.1:
            out.append(rng.choice(special))
        elif r < 0.4:
            out.append(str(rng.randint(-10 ** 20, 10 ** 20)))
        else:
            out.append(repr(rng.uniform(-1, 1) * 10 ** rng.randint(-40, 40)))
    return out


@pytest.mark.parametrize("seed", range(5))
def test_long_weight_arrays_read_the_same_by_both_paths(seed):
    rng = random.Random(seed)
    tokens = _tokens(rng, 3000)
    text = '{"version": "0.7.0", "weights": [' + rng.choice([",", ", ", ",\n  ", " , "]).join(tokens) + "]}"
    fast = jsonfile.decode(text.encode(), Report("f"), number_arrays=True)
    general = jsonfile.decode(text.encode(), Report("g"))
    assert isinstance(fast["weights"], jsonfile.NumberArray)
    np.testing.assert_array_equal(fast["weights"].values, np.array([float(t) for t in tokens]))
    np.testing.assert_array_equal(fast["weights"].values, np.array(general["weights"], dtype=np.float64))


@pytest.mark.parametrize("bad, clause", [
    ("NaN", "JSON-3"), ("1e400", "JSON-3"), ("+1", "JSON-2"), (".5", "JSON-2"), ("1.", "JSON-2"), ("01", "JSON-2"),
    ("true", "W-1"), ('"1"', "W-1"), ("[1]", "W-1"), ("null", "W-1"), ("1" + "0" * 400, "JSON-3"), ("4e38", "W-2"),
])
def test_long_weight_arrays_with_a_bad_item_are_reported_as_by_the_general_path(bad, clause):
    doc = make_document("Linear", {"receptive_field": 2000, "bias": False}, [0.25] * 2000)
    text = json.dumps(doc).replace("0.25", bad, 1).replace("0.25", "0.5", 1)
    fast = nam_reference.validate(text.encode())
    general = nam_reference.validate(json.loads(text) if clause not in ("JSON-2", "JSON-3") else text.encode())
    assert [p.clause for p in fast.errors][:1] == [clause]
    assert [p.line() for p in fast.errors][:1] == [p.line().replace("<document>", "<bytes>") for p in general.errors][:1]


def test_a_weights_key_inside_a_string_is_not_a_blob():
    note = '"weights": [' + ", ".join(["1"] * 3000) + "]"  # escaped quotes inside a string value
    doc = make_document("Linear", {"receptive_field": 2000, "bias": False}, [0.125] * 2000, metadata={"note": note})
    text = json.dumps(doc).encode()
    value = jsonfile.decode(text, Report("x"), number_arrays=True)
    assert isinstance(value["weights"], jsonfile.NumberArray) and value["metadata"]["note"] == note
    assert nam_reference.validate(text).ok


def test_a_long_weights_array_outside_a_model_stays_a_list():
    weights = [0.125] * 2000
    doc = make_document("Linear", {"receptive_field": 2000, "bias": False}, weights, metadata={"weights": weights})
    text = json.dumps(doc).encode()
    value = jsonfile.decode(text, Report("x"), number_arrays=True)
    assert value["metadata"]["weights"] == weights
    assert nam_reference.validate(text).ok


@pytest.mark.clause("NUM-10")
def test_nam_ref_check_reports_overflow_as_a_finding(tmp_path):
    from nam_reference import lint

    path = tmp_path / "overflow.nam"
    path.write_text(json.dumps(make_document("Linear", {"receptive_field": 1, "bias": False}, [3e38])))
    result = lint.check_file(str(path), stimulus=np.full(4800, 2.0, dtype=np.float32))
    assert [(f.clause, f.severity) for f in result.findings if f.clause == "NUM-10"] == [("NUM-10", "error")]
    assert not any("checker failed" in f.message for f in result.findings)


def test_the_schema_check_stops_after_a_thousand_problems_and_says_so():
    # 2000 layer arrays, each with a kernel size of 0: 2000 distinct locations, one problem each.
    doc = wavenet_document([layer_array(kernel_size=0) for _ in range(2000)], [0.5] * 9)
    report = nam_reference.validate(json.dumps(doc).encode())
    assert len(report.errors) == 1000
    assert [(w.clause, w.message) for w in report.warnings][-1:] == [
        ("LIM-4", "the schema check stopped after 1000 problems; there may be more")]
