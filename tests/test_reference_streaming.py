"""Streaming ([STREAM-2], [STREAM-5], [STREAM-7]), reset ([STATE-6]) and independence ([STATE-8]).

Block invariance is checked against the same reference's whole-signal output: the reference holds
itself to rounding (a few float32 ulps of the output's scale), far inside the [NUM-4] tolerance it
grants engines. On the shared example models, streamed output is also checked against the engine oracle.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

import nam_reference
from conformance.metrics import BLOCK_TOLERANCE, compare, max_error
from conftest import shared_path
from random_models import random_document

SHARED = ["A2", "A2@0.5", "lstm", "slimmable_container", "slimmable_container@0.1", "slimmable_wavenet",
          "slimmable_wavenet@0.5", "wavenet", "wavenet_a1_standard", "wavenet_a2_max", "wavenet_condition_dsp"]
RANDOM = {
    "linear": ("Linear", ()),
    "convnet": ("ConvNet", ("convnet.batchnorm",)),
    "lstm": ("LSTM", ("lstm.multilayer", "env.multichannel")),
    "wavenet-condition": ("WaveNet", ("wavenet.condition_dsp", "wavenet.head_dilation", "wavenet.multi_array")),
    "wavenet-post-head": ("WaveNet", ("wavenet.post_head", "wavenet.film.conv_pre", "wavenet.gating.blended")),
    "container": ("SlimmableContainer", ("container.mixed",)),
}
MODELS = SHARED + [f"random:{name}" for name in RANDOM]
LENGTH = 5000  # longer than the largest block, so a 4096 block is followed by another
SHORT = 400  # for blocks of 1 to 3 samples
# Matrix products of other widths may sum in other orders: a few float32 ulps of the output's scale
# (max_error is relative to max(1, peak)), far inside [NUM-4].
ROUNDING = 4 * float(np.finfo(np.float32).eps)


@functools.lru_cache(maxsize=None)
def load(name: str, dtype=np.float32) -> tuple[nam_reference.Model, float | None]:
    """(model, size) for a MODELS entry: a shared model, optionally '@size', or 'random:kind'."""
    name, _, size = name.partition("@")
    if name.startswith("random:"):
        architecture, want = RANDOM[name.split(":")[1]]
        document = random_document(7, architecture, want)
    else:
        document = shared_path("models", f"{name}.nam")
    return nam_reference.load(document, dtype=dtype), (float(size) if size else None)


def signal(model, length: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-1, 1, (model.in_channels, length)).astype(np.float32)


def stream_blocks(stream, x: np.ndarray, lengths) -> np.ndarray:
    out, start = [], 0
    for n in lengths:
        out.append(stream.process(x[:, start:start + n]))
        start += n
    assert start == x.shape[1]
    return np.concatenate(out, axis=1)


def cut(total: int, block: int) -> list[int]:
    return [min(block, total - start) for start in range(0, total, block)]


def random_cut(total: int, seed: int) -> list[int]:
    rng, lengths = np.random.default_rng(seed), []
    while sum(lengths) < total:
        lengths.append(int(min(rng.choice([1, 2, 3, 7, 64, 100, 511, 1000]), total - sum(lengths))))
    return lengths


@pytest.mark.clause("STREAM-2", "NUM-4", "STREAM-1", "STATE-1", "CONV-5")
@pytest.mark.parametrize("blocks", ["1", "2", "3", "64", "333", "4096", "random-1", "random-2"])
@pytest.mark.parametrize("name", MODELS)
def test_block_invariance(name, blocks):
    model, size = load(name)
    length = SHORT if blocks in ("1", "2", "3") else LENGTH
    x = signal(model, length)
    whole = model.process(x, size=size)
    lengths = random_cut(length, int(blocks[-1])) if blocks.startswith("random") else cut(length, int(blocks))
    streamed = stream_blocks(model.stream(size), x, lengths)
    assert max_error(streamed, whole) <= ROUNDING


@pytest.mark.clause("STREAM-2", "STATE-2")
@pytest.mark.parametrize("name", ["wavenet", "slimmable_wavenet@0.5", "random:wavenet-condition", "random:container"])
def test_block_invariance_from_the_cold_state(name):
    model, size = load(name)
    x = signal(model, 1500)
    whole = model.process(x, size=size, initial_state="cold")
    streamed = stream_blocks(model.stream(size, initial_state="cold"), x, random_cut(1500, 3))
    assert max_error(streamed, whole) <= BLOCK_TOLERANCE


@pytest.mark.clause("STREAM-2", "STATE-4")
@pytest.mark.parametrize("name,which", [("wavenet", "core"), ("lstm", "core"), ("wavenet_condition_dsp", "core"),
                                        ("slimmable_wavenet@0.5", "core"), ("wavenet_a2_max", "trainer")])
def test_streamed_output_matches_the_oracle(name, which):
    model, size = load(name)
    x = np.fromfile(shared_path("signals", "test_2s_48k.f32"), dtype="<f4")[None, :]
    streamed = stream_blocks(model.stream(size), x, random_cut(x.shape[1], 5))
    oracle_name = name.replace("@", "@slim")
    oracle = np.fromfile(shared_path("oracle", f"{oracle_name}.{which}.f32"), dtype="<f4")
    assert max_error(streamed[0], oracle) <= 1e-5


@pytest.mark.clause("STREAM-5")
@pytest.mark.parametrize("name", ["wavenet", "lstm", "slimmable_container", "random:lstm", "random:wavenet-post-head"])
def test_empty_blocks_change_nothing(name):
    model, size = load(name)
    x = signal(model, 300)
    stream = model.stream(size)
    out = []
    for start in range(0, 300, 50):
        empty = stream.process(np.zeros((model.in_channels, 0), dtype=np.float32))
        assert empty.shape == (model.out_channels, 0)
        out.append(stream.process(x[:, start:start + 50]))
    if model.in_channels == 1 and model.out_channels == 1:
        assert stream.process(np.zeros(0, dtype=np.float32)).shape == (0,)
    assert max_error(np.concatenate(out, axis=1), model.process(x, size=size)) <= BLOCK_TOLERANCE


@pytest.mark.clause("STATE-6", "DIV-28")
@pytest.mark.parametrize("name", ["wavenet", "lstm", "wavenet_condition_dsp", "slimmable_container@0.1",
                                  "random:linear", "random:convnet", "random:lstm", "random:wavenet-condition"])
def test_reset_restores_the_initial_state(name):
    model, size = load(name)
    x, other = signal(model, 500, seed=1), signal(model, 700, seed=2)
    stream = model.stream(size)
    first = stream.process(x)
    stream.process(other)
    stream.reset()
    np.testing.assert_array_equal(stream.process(x), first)
    assert max_error(first, model.process(x, size=size)) <= BLOCK_TOLERANCE


@pytest.mark.clause("STATE-6", "STREAM-7")
def test_reset_keeps_the_selected_size():
    model, _ = load("slimmable_container")
    x = signal(model, 400)
    stream = model.stream(1.0)
    stream.set_size(0.1)
    stream.process(x)
    stream.reset()
    assert max_error(stream.process(x), model.process(x, size=0.1)) <= BLOCK_TOLERANCE
    assert max_error(model.process(x, size=0.1), model.process(x, size=1.0)) > 1e-3


@pytest.mark.clause("STATE-8")
@pytest.mark.parametrize("name", ["wavenet", "lstm", "slimmable_wavenet@0.5", "random:wavenet-condition"])
def test_two_streams_and_two_instances_are_independent(name):
    model, size = load(name)
    x, z = signal(model, 600, seed=3), signal(model, 600, seed=4)
    document = shared_path("models", f"{name.split('@')[0]}.nam") if not name.startswith("random:") else (
        random_document(7, *RANDOM[name.split(":")[1]]))
    pairs = [(model.stream(size), model.stream(size)),
             (nam_reference.load(document).stream(size), nam_reference.load(document).stream(size))]
    for first, second in pairs:
        out_x, out_z = [], []
        for start in range(0, 600, 150):  # interleaved: one block of x, then one of z
            out_x.append(first.process(x[:, start:start + 150]))
            out_z.append(second.process(z[:, start:start + 150]))
        assert max_error(np.concatenate(out_x, axis=1), model.process(x, size=size)) <= BLOCK_TOLERANCE
        assert max_error(np.concatenate(out_z, axis=1), model.process(z, size=size)) <= BLOCK_TOLERANCE


@pytest.mark.clause("STREAM-7", "STATE-1", "CONT-6", "WN-SLIM-5")
@pytest.mark.parametrize("name,small", [("slimmable_container", 0.1), ("slimmable_wavenet", 0.1), ("A2", 0.1),
                                        ("random:container", 0.0)])
def test_a_new_selection_starts_from_its_initial_state(name, small):
    model, _ = load(name)
    a, b, c = signal(model, 300, seed=5), signal(model, 200, seed=6), signal(model, 250, seed=7)
    stream = model.stream(1.0)
    y_a = stream.process(a)
    stream.set_size(small)  # takes effect at the next block
    y_b = stream.process(b)
    stream.set_size(1.0)
    y_c = stream.process(c)
    assert max_error(y_a, model.process(a, size=1.0)) <= BLOCK_TOLERANCE
    assert max_error(y_b, model.process(b, size=small)) <= BLOCK_TOLERANCE
    assert max_error(y_c, model.process(c, size=1.0)) <= BLOCK_TOLERANCE
    resumed = model.process(np.concatenate([a, c], axis=1), size=1.0)[:, 300:]
    assert max_error(resumed, y_c) > 1e-4  # resuming the state left by `a` would have been different


@pytest.mark.clause("STREAM-7")
# A2 is a container with thresholds [0.5, 1.0]: size 0.5, exactly at the threshold, selects the full model.
@pytest.mark.parametrize("name,same", [("slimmable_container", 0.99), ("slimmable_wavenet", 0.99), ("A2", 0.5),
                                       ("wavenet", 0.1), ("lstm", 0.1)])
def test_a_size_with_the_same_selection_changes_nothing(name, same):
    model, _ = load(name)
    a, c = signal(model, 300, seed=8), signal(model, 300, seed=9)
    stream = model.stream(1.0)
    stream.process(a)
    stream.set_size(same)
    y_c = stream.process(c)
    whole = model.process(np.concatenate([a, c], axis=1), size=1.0)
    assert max_error(y_c, whole[:, 300:]) <= BLOCK_TOLERANCE
    if not model.slimmable:  # models that are not slimmable ignore the size
        assert max_error(model.process(c, size=same), model.process(c)) == 0


@pytest.mark.clause("NUM-1", "NUM-5")
@pytest.mark.parametrize("name", MODELS)
def test_float64_agrees_with_float32_within_the_strict_tier(name):
    model, size = load(name)
    wide, _ = load(name, np.float64)
    x = signal(model, 3000, seed=10)
    result = compare(model.process(x, size=size), wide.process(x.astype(np.float64), size=size))
    assert result.within("strict"), result.as_json()
