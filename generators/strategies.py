"""The Hypothesis strategies: valid files, receptive-field probes, signals and block sequences.

    @given(generators.nam_files(architecture="WaveNet", features={"wavenet.film.conv_pre"}))
    def test_something(document): ...

Arguments are checked when the strategy is made: asking for features no single valid file can show
together raises ValueError at once, not after a thousand rejected draws.
"""

from __future__ import annotations

from hypothesis import reject, strategies as st

from . import documents, waveforms
from .models import SIZES
from .plan import ARCHITECTURES, Plan, plans
from .realistic import A1_TAGS, A2_TAGS
from .source import HypothesisSource, Source, note_trace

RF_PROBE_ARCHITECTURES = ("Linear", "ConvNet", "WaveNet")
_REALISTIC_TAGS = A1_TAGS | A2_TAGS | {
    "wavenet.slimmable", "arch.container", "container.packed", "container.mixed", "arch.lstm", "arch.linear",
    "linear.bias", "arch.convnet", "convnet.batchnorm", "env.sample_rate_absent", "env.sample_rate_other",
    "env.metadata_absent"}


def _architectures(architecture) -> tuple[str, ...]:
    if architecture is None:
        return ARCHITECTURES
    names = (architecture,) if isinstance(architecture, str) else tuple(architecture)
    unknown = set(names) - set(ARCHITECTURES)
    if unknown or not names:
        raise ValueError(f"unknown architecture(s) {sorted(unknown) or names}; expected some of {ARCHITECTURES}")
    return names


def root_plans(architecture=None, features=None, size: str = "small", metadata=None) -> list[Plan]:
    """Every plan that fits the arguments; raises ValueError when there is none."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}")
    if metadata not in documents.METADATA_MODES:
        raise ValueError(f"metadata must be one of {documents.METADATA_MODES}")
    want = frozenset(features or ())
    if "env.metadata_absent" in want and metadata in (True, "loudness"):
        raise ValueError("env.metadata_absent contradicts metadata=True or 'loudness'")
    if size == "realistic" and not want <= _REALISTIC_TAGS:
        raise ValueError(f"size='realistic' draws A1- and A2-shaped models, which cannot show "
                         f"{sorted(want - _REALISTIC_TAGS)}")
    found = plans(want, _architectures(architecture))
    if not found:
        raise ValueError(f"no valid file of architecture {architecture or 'any'} shows all of {sorted(want)}")
    return found


def draw_document(src: Source, options: list[Plan], size: str = "small", metadata=None, **kwargs) -> dict:
    plan = src.choice(options, "architecture plan")
    return documents.generate(src, plan, size, metadata, **kwargs)


def nam_files(architecture=None, features=None, size: str = "small", metadata=None):
    """Complete, valid `.nam` documents (dicts) that use every tag in `features`.

    `architecture`: a root architecture name or a list of them. `size`: "small" or "realistic"
    (A1- and A2-shaped WaveNets). `metadata`: None (drawn), False (none), True (informational keys
    only) or "loudness" (plus the loudness and gain of [LOUD-2]/[LOUD-3], which needs the stimulus).
    """
    options = root_plans(architecture, features, size, metadata)

    @st.composite
    def documents_(draw):
        src = HypothesisSource(draw)
        try:
            doc = draw_document(src, options, size, metadata)
        except documents.Unusable:
            reject()
        note_trace(src, "nam_files draws")
        return doc

    return documents_()


def configs(architecture=None, features=None, size: str = "small"):
    """`{"architecture", "config"}` pairs of valid files; nested models (`condition_dsp`, submodels) are
    complete documents with their own weights."""
    return nam_files(architecture, features, size, metadata=False).map(
        lambda doc: {"architecture": doc["architecture"], "config": doc["config"]})


def rf_probe_files(architecture=None):
    """Linear, ConvNet and WaveNet documents whose receptive field is exact ([WN-RF-4]) and whose oldest
    sample moves the output measurably in float32: for the black-box receptive-field check."""
    names = _architectures(architecture or RF_PROBE_ARCHITECTURES)
    if set(names) - set(RF_PROBE_ARCHITECTURES):
        raise ValueError(f"receptive-field probes exist for {RF_PROBE_ARCHITECTURES} only")
    options = [Plan(a, frozenset({f"arch.{a.lower()}"})) for a in names]

    @st.composite
    def probes(draw):
        src = HypothesisSource(draw)
        try:
            doc = draw_document(src, options, metadata=False, exact_rf=True)
        except documents.Unusable:
            reject()
        note_trace(src, "rf_probe_files draws")
        return doc

    return probes()


def signals(min_length: int = 1, max_length: int = 4096, channels: int = 1, kinds=None):
    """float32 signals (1-D, or channels × samples): silence, impulses, sines, sweeps, noise, a full-scale
    square wave, tiny and subnormal levels, steps."""
    if not 0 <= min_length <= max_length:
        raise ValueError("need 0 <= min_length <= max_length")
    kinds = tuple(kinds or waveforms.KINDS)

    @st.composite
    def signals_(draw):
        src = HypothesisSource(draw)
        length = src.integer(min_length, max_length, "signal length")
        if length == 0:
            return waveforms.signal(src, 0, channels, "silence")
        return waveforms.signal(src, length, channels, src.choice(kinds, "signal kind"))

    return signals_()


def block_sequences(total: int, receptive_field: int | None = None):
    """Lists of block lengths >= 1 adding up to `total`: all ones, primes, divisors of the receptive field,
    blocks longer than it, a constant length, random lengths, or one block."""

    @st.composite
    def blocks(draw):
        return waveforms.block_sequence(HypothesisSource(draw), total, receptive_field)

    return blocks()


def invalid_nam_files(kinds=None):
    """Invalid files: `InvalidFile(document, kind, clause, error_class, reject_level, description)`, a drawn
    valid document with one defect. `kinds` restricts the kinds (ids of `generators.invalid.DRAWN`)."""
    from . import invalid

    chosen = sorted(invalid.DRAWN) if kinds is None else list(kinds)
    unknown = set(chosen) - set(invalid.DRAWN)
    if unknown or not chosen:
        raise ValueError(f"unknown invalid kinds {sorted(unknown) or chosen}; see generators.invalid.DRAWN")
    bases = {}
    for kind_id in chosen:
        d = invalid.DRAWN[kind_id].drawn
        key = (str(d.architecture), d.features)
        if key not in bases:
            bases[key] = nam_files(d.architecture, d.features, metadata=False)

    @st.composite
    def invalid_files(draw):
        src = HypothesisSource(draw)
        k = invalid.DRAWN[src.choice(chosen, "invalid kind")]
        base = draw(bases[(str(k.drawn.architecture), k.drawn.features)])
        return invalid.invalid_file(k.id, base, src)

    return invalid_files()
