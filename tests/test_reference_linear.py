"""Linear models worked by hand ([LIN-5]): the expected outputs are written out in each test."""

from __future__ import annotations

import numpy as np
import pytest

import nam_reference
from hand_written import make_document


def linear(taps, bias=None, channels=None):
    config = {"receptive_field": len(taps), "bias": bias is not None}
    if channels is not None:
        config["in_channels"] = config["out_channels"] = channels
    return nam_reference.load(make_document("Linear", config, list(taps) + ([bias] if bias is not None else [])))


@pytest.mark.clause("LIN-5", "CONV-4")
def test_the_first_tap_multiplies_the_current_sample():
    y = linear([0.5, -0.25, 0.125]).process(np.array([1, 2, 3, 4], dtype=np.float32))
    expected = [0.5 * 1,
                0.5 * 2 - 0.25 * 1,
                0.5 * 3 - 0.25 * 2 + 0.125 * 1,
                0.5 * 4 - 0.25 * 3 + 0.125 * 2]
    assert expected == [0.5, 0.75, 1.125, 1.5]
    np.testing.assert_allclose(y, expected, rtol=0, atol=1e-7)


@pytest.mark.clause("LIN-5")
def test_an_impulse_returns_the_taps_in_stored_order():
    taps = [0.75, -0.5, 0.25, 0.125, -0.0625]
    y = linear(taps).process(np.array([1, 0, 0, 0, 0, 0, 0], dtype=np.float32))
    np.testing.assert_array_equal(y, taps + [0, 0])


@pytest.mark.clause("LIN-5", "LIN-4")
def test_bias():
    y = linear([1.0, 0.5], bias=0.25).process(np.array([1, 0, -2, 0], dtype=np.float32))
    expected = [1 * 1 + 0.25,
                1 * 0 + 0.5 * 1 + 0.25,
                1 * -2 + 0.5 * 0 + 0.25,
                1 * 0 + 0.5 * -2 + 0.25]
    np.testing.assert_allclose(y, expected, rtol=0, atol=1e-7)


@pytest.mark.clause("LIN-5", "LIN-2", "STREAM-8")
def test_each_channel_is_filtered_on_its_own_with_the_same_taps_and_bias():
    x = np.array([[1, 2, 4], [0, 3, 3]], dtype=np.float32)
    y = linear([1.0, -1.0], bias=0.5, channels=2).process(x)
    expected = [[1 + 0.5, 2 - 1 + 0.5, 4 - 2 + 0.5],
                [0 + 0.5, 3 - 0 + 0.5, 3 - 3 + 0.5]]
    np.testing.assert_allclose(y, expected, rtol=0, atol=1e-7)


@pytest.mark.clause("LIN-5", "STATE-4", "STATE-7")
def test_silent_past_and_cold_state_agree_for_a_linear_model():
    # A Linear model's only state is its input history; zero input before t = 0 is both states.
    model = linear([0.5, 0.25, 2.0], bias=1.0)
    x = np.array([1, -1, 0.5, 2], dtype=np.float32)
    np.testing.assert_array_equal(model.process(x), model.process(x, initial_state="cold"))
