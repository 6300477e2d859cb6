"""Random small valid `.nam` documents, drawn from a seed, to cross-check the reference against the
per-sample interpreter (tests/per_sample.py).

`random_document(seed, architecture, want)` draws a document of `architecture` whose root model has
every wanted feature tag of spec/features.txt; the draws are a pure function of the seed, so a failing
test id (`tag-seed`) names its model. The models are small (a few channels, kernels up to 3, signals
of 40 samples in the tests) because the interpreter is pure Python. The Hypothesis strategies of
generators/ draw richer and realistic models for the conformance suite; this generator stays
separate so that the seeds of the existing test ids keep naming the same models.
"""

from __future__ import annotations

import numpy as np

from per_sample import FILM_SLOTS, build, layout

ACTIVATION_TAGS = {"act.tanh": "Tanh", "act.fasttanh": "Fasttanh", "act.hardtanh": "Hardtanh",
                   "act.hardtanh_bounds": "Hardtanh", "act.relu": "ReLU", "act.leaky_relu": "LeakyReLU",
                   "act.prelu": "PReLU", "act.prelu_per_channel": "PReLU", "act.sigmoid": "Sigmoid",
                   "act.silu": "SiLU", "act.hardswish": "Hardswish", "act.leaky_hardtanh": "LeakyHardtanh",
                   "act.softsign": "Softsign"}
ACTIVATIONS = sorted(set(ACTIVATION_TAGS.values()))
# Tags that need even widths (a group count of 2), and those that also need an even condition width.
EVEN_TAGS = {"wavenet.layer1x1_groups", "wavenet.head1x1_groups", "wavenet.groups_input",
             "wavenet.groups_input_mixin", "wavenet.film.groups"}
EVEN_CONDITION_TAGS = {"wavenet.groups_input_mixin", "wavenet.film.groups"}
FILM_SETTING_TAGS = {"wavenet.film.no_shift", "wavenet.film.groups", "wavenet.film.implicit_active"}


class Randomizer:
    """Builds random valid documents; the root model has every wanted tag of spec/features.txt."""

    def __init__(self, seed: int, want=()):
        self.rng = np.random.default_rng(seed)
        self.want = set(want)

    def coin(self, p: float = 0.5) -> bool:
        return bool(self.rng.random() < p)

    def int(self, lo: int, hi: int) -> int:
        return int(self.rng.integers(lo, hi + 1))

    def choice(self, options):
        return options[int(self.rng.integers(len(options)))]

    def number(self, lo: float, hi: float) -> float:
        return round(float(self.rng.uniform(lo, hi)), 3)

    def activation(self, width: int | None = None, name: str | None = None):
        """A random activation spec; a per-channel PReLU only when `width` (its row count) is given."""
        name = name or self.choice(ACTIVATIONS)
        u = self.number
        if name == "Hardtanh" and self.coin():
            return {"type": name, "min_val": u(-1.5, -0.2), "max_val": u(0.2, 1.5)}
        if name == "LeakyReLU" and self.coin():
            return {"type": name, "negative_slope": u(0, 0.5)}
        if name == "PReLU":
            if width is not None and self.coin():
                return {"type": name, "negative_slopes": [u(-0.5, 0.5) for _ in range(width)]}
            return self.choice(["PReLU", {"type": name, "negative_slope": u(-0.5, 0.5)}])
        if name == "LeakyHardtanh":
            alias = self.choice(["LeakyHardtanh", "LeakyHardTanh"])
            if self.coin():
                return {"type": alias, "min_val": u(-1.5, -0.2), "max_val": u(0.2, 1.5), "min_slope": u(0, 0.3),
                        "max_slope": u(0, 0.3)}
            return alias
        return name if self.coin() else {"type": name}

    def wanted_activation(self, width: int | None):
        """The activation a wanted act.* tag asks for, or a random one."""
        if "act.hardtanh_bounds" in self.want:
            return {"type": "Hardtanh", "min_val": -0.5, "max_val": 0.75}
        if "act.prelu_per_channel" in self.want and width is not None:
            return {"type": "PReLU", "negative_slopes": [round(0.1 * (r + 1), 2) for r in range(width)]}
        if "act.prelu" in self.want:
            return {"type": "PReLU", "negative_slope": 0.2}
        names = [ACTIVATION_TAGS[t] for t in sorted(self.want) if t in ACTIVATION_TAGS]
        return self.activation(width, names[0] if names else None)

    def envelope(self, architecture: str, config: dict, root: bool) -> dict:
        document = {"version": self.choice(["0.5.4", "0.6.0", "0.7.0"]), "architecture": architecture,
                    "config": config}
        if root and "env.sample_rate_absent" not in self.want:
            document["sample_rate"] = 44100 if "env.sample_rate_other" in self.want or self.coin(0.2) else 48000
        if root and "env.metadata_absent" not in self.want and self.coin(0.7):
            document["metadata"] = {"loudness": -18.5, "gain": 0.4}
        document["weights"] = self.weights(document)
        return document

    def weights(self, document) -> list[float]:
        """Random weights for the document's layout, with positive batch-norm variances."""
        out = []
        for name, n in layout(document):
            if name.endswith(".var"):
                values = self.rng.uniform(0.5, 2.0, n)
            elif name.endswith(".eps"):
                values = [1e-3]
            elif name == "head_scale":
                values = [self.choice([-1, 1]) * self.rng.uniform(0.3, 1.5)]
            else:
                values = self.rng.uniform(-0.7, 0.7, n)
            out += [round(float(v), 6) for v in values]
        return out

    def channels_key(self, config: dict, key: str, value: int) -> None:
        """Write an optional channel count when it differs from its default of 1, sometimes also when not."""
        if value != 1 or self.coin(0.2):
            config[key] = value

    # Architectures. in_channels / out_channels fix the widths of a nested model.

    def linear(self, channels: int | None = None, root: bool = True) -> dict:
        if channels is None:
            channels = 2 if "env.multichannel" in self.want or self.coin(0.2) else 1
        config = {"receptive_field": self.int(1, 6), "bias": "linear.bias" in self.want or self.coin()}
        self.channels_key(config, "in_channels", channels)
        if "in_channels" in config:
            config["out_channels"] = channels
        if self.coin(0.2):
            config["implementation"] = self.choice(["auto", "direct", "fft"])
        return self.envelope("Linear", config, root)

    def convnet(self, in_channels: int | None = None, out_channels: int | None = None, root: bool = True) -> dict:
        grouped = "convnet.groups" in self.want or self.coin(0.2)
        if in_channels is None:
            in_channels = 2 if grouped or "env.multichannel" in self.want or self.coin(0.2) else 1
        grouped = grouped and in_channels % 2 == 0
        channels = self.choice([2, 4]) if grouped else self.int(1, 4)
        config = {"channels": channels, "dilations": [self.int(1, 4) for _ in range(self.int(1, 3))],
                  "batchnorm": "convnet.batchnorm" in self.want or self.coin(),
                  "activation": self.wanted_activation(channels) if root else self.activation(channels)}
        if grouped:
            config["groups"] = 2
        self.channels_key(config, "in_channels", in_channels)
        self.channels_key(config, "out_channels", out_channels or self.int(1, 2))
        return self.envelope("ConvNet", config, root)

    def lstm(self, in_channels: int | None = None, out_channels: int | None = None, root: bool = True) -> dict:
        if in_channels is None:
            in_channels = 2 if "env.multichannel" in self.want or self.coin(0.2) else 1
        config = {"input_size": in_channels, "hidden_size": self.int(1, 3),
                  "num_layers": 2 if "lstm.multilayer" in self.want or self.coin(0.4) else 1}
        self.channels_key(config, "in_channels", in_channels)
        self.channels_key(config, "out_channels", out_channels or self.int(1, 2))
        return self.envelope("LSTM", config, root)

    def wavenet(self, slimmable: bool = False, in_channels: int | None = None, out_channels: int | None = None,
                root: bool = True, allow_condition: bool = True) -> dict:
        want = self.want if root else set()
        even = bool(want & EVEN_TAGS) or (not slimmable and self.coin(0.25))
        if in_channels is None:
            in_channels = 2 if (want & EVEN_CONDITION_TAGS or "env.multichannel" in want or self.coin(0.2)) else 1
        condition = None
        if allow_condition and ("wavenet.condition_dsp" in want or self.coin(0.2)):
            width = 2 if want & EVEN_CONDITION_TAGS else self.int(1, 2)
            kind = self.choice(["Linear", "ConvNet", "LSTM", "WaveNet"])
            condition = {"Linear": lambda: self.linear(in_channels, root=False),
                         "ConvNet": lambda: self.convnet(in_channels, width, root=False),
                         "LSTM": lambda: self.lstm(in_channels, width, root=False),
                         "WaveNet": lambda: self.wavenet(in_channels=in_channels, out_channels=width, root=False,
                                                         allow_condition=False)}[kind]()
        S = build(condition).out_channels if condition else in_channels
        count = self.int(2, 3) if "wavenet.multi_array" in want or self.coin(0.3) else 1
        slim = [slimmable and (a == 0 or self.coin()) for a in range(count)]  # at least one slimmable array
        arrays = [self.layer_array(want if a == 0 else set(), even, S, slimmable, slim[a]) for a in range(count)]
        arrays[0]["input_size"] = in_channels
        for a in range(1, count):
            arrays[a]["input_size"] = arrays[a - 1]["channels"]
            set_head_size(arrays[a - 1], head_path_width(arrays[a]))  # [WN-ARR-19]
        post = not slimmable and ("wavenet.post_head" in want or self.coin(0.2))
        last_size = out_channels if out_channels and not post else self.int(1, 2)
        set_head_size(arrays[-1], last_size)
        config: dict = {"layers": arrays, "head_scale": 0.0}
        self.channels_key(config, "in_channels", in_channels)
        if condition is not None:
            config["condition_dsp"] = condition
        if post:
            config["head"] = self.post_head(last_size, out_channels, want)
        elif self.coin(0.2):
            config["head"] = None
        document = self.envelope("WaveNet", config, root)
        used = document["weights"][-1]  # [WN-3]: config.head_scale is informational
        config["head_scale"] = used + 0.25 if "wavenet.head_scale_mismatch" in want or self.coin(0.1) else used
        return document

    def layer_array(self, want: set, even: bool, S: int, slimmable: bool, slim_array: bool) -> dict:
        """A layer array with every wanted array-level tag; input_size and the head size are set later.
        In a slimmable WaveNet (`slimmable`) every array obeys [WN-SLIM-4]; `slim_array` makes this one
        slimmable. The keys are drawn in the order of section 12.2 (the order of the draws is part of
        what a seed means: keep it)."""
        n = self.int(1, 3)
        C = self.choice([2, 4]) if even else self.int(1, 4)
        raw = {"input_size": 0, "condition_size": S, "channels": C, "dilations": [self.int(1, 4) for _ in range(n)]}
        B, inactive = self.bottleneck_and_layer1x1(raw, want, even, slim_array)
        per_channel_width = None if slimmable else B  # [WN-SLIM-4]: no per-channel PReLU
        n = self.kernels(raw, want, n)
        self.primary_activations(raw, want, n, per_channel_width)
        self.gating(raw, want, n, per_channel_width)
        self.head1x1(raw, want, even, slimmable)
        self.group_counts(raw, want, even, S)
        for slot in FILM_SLOTS if not slimmable else ():
            self.film(raw, want, even, S, slot, inactive)
        self.array_head(raw, want, slimmable)
        if slim_array:
            raw["slimmable"] = self.slimmable(C)
        return raw

    def bottleneck_and_layer1x1(self, raw: dict, want: set, even: bool, slim_array: bool) -> tuple[int, bool]:
        """[WN-ARR-8], [WN-ARR-9]: the bottleneck B and whether layer1x1 is inactive."""
        C = raw["channels"]
        needs_layer1x1 = want & {"wavenet.bottleneck", "wavenet.layer1x1_groups", "wavenet.film.layer1x1_post"}
        inactive = "wavenet.layer1x1_inactive" in want or (not needs_layer1x1 and self.coin(0.25))
        B = C
        if not inactive and not slim_array and ("wavenet.bottleneck" in want or self.coin(0.3)):
            B = self.choice([b for b in ([2, 4] if even else [1, 2, 3, 4]) if b != C])
        if B != C or self.coin(0.2):
            raw["bottleneck"] = B
        if inactive:
            raw["layer1x1"] = {"active": False, "groups": 1}
        elif even and ("wavenet.layer1x1_groups" in want or self.coin(0.3)):
            raw["layer1x1"] = {"active": True, "groups": 2}
        elif self.coin(0.3):
            raw["layer1x1"] = {"active": True, "groups": 1}
        return B, inactive

    def kernels(self, raw: dict, want: set, n: int) -> int:
        """[WN-ARR-3]; returns the layer count, which a per-layer activation raises to 2."""
        kernels = [self.int(1, 3) for _ in range(n)]
        if "wavenet.per_layer_activation" in want and n == 1:
            n += 1
            raw["dilations"].append(1)
            kernels.append(kernels[0])
        if "wavenet.kernel_sizes" in want or ("wavenet.kernel_size" not in want and self.coin(0.4)):
            raw["kernel_sizes"] = kernels
        else:
            raw["kernel_size"] = kernels[0]
        return n

    def primary_activations(self, raw: dict, want: set, n: int, per_channel_width: int | None) -> None:
        """[WN-ARR-4]."""
        primaries = [self.activation(per_channel_width) for _ in range(n)]
        if want & set(ACTIVATION_TAGS):
            primaries[0] = self.wanted_activation(per_channel_width)
        if "wavenet.per_layer_activation" in want:
            first = primaries[0] if isinstance(primaries[0], str) else primaries[0]["type"]
            primaries[1] = "Tanh" if first == "Softsign" else "Softsign"
        if len({json_key(p) for p in primaries}) > 1 or self.coin(0.2):
            raw["activation"] = primaries
        else:
            raw["activation"] = primaries[0]

    def gating(self, raw: dict, want: set, n: int, per_channel_width: int | None) -> None:
        """Gating and secondary activations ([WN-ARR-5] to [WN-ARR-7])."""
        explicit = want & {"wavenet.gating.gated", "wavenet.gating.blended", "wavenet.secondary_activation"}
        if "wavenet.gated_legacy" in want or (not explicit and self.coin(0.15)):
            raw["gated"] = True
            if self.coin(0.3):
                raw["secondary_activation"] = "ReLU"  # ignored with the legacy key
            return
        modes = [self.choice(["none", "gated", "blended"]) for _ in range(n)]
        if "wavenet.gating.gated" in want or ("wavenet.secondary_activation" in want and modes[0] == "none"):
            modes[0] = "gated"
        if "wavenet.gating.blended" in want:
            modes[-1 if n > 1 and "wavenet.gating.gated" in want else 0] = "blended"
        wanted_secondary = "Softsign" if "wavenet.secondary_activation" in want else None
        if len(set(modes)) == 1 and self.coin():
            raw["gating_mode"] = modes[0]
            if modes[0] != "none" and (wanted_secondary or self.coin()):
                raw["secondary_activation"] = self.activation(per_channel_width, wanted_secondary)
            elif self.coin(0.2):
                raw["secondary_activation"] = None
        else:
            raw["gating_mode"] = modes
            secondaries = []
            for l, mode in enumerate(modes):
                if mode == "none":
                    secondaries.append(self.choice([None, "", "Tanh"]))  # not used
                elif l == 0 and wanted_secondary:
                    secondaries.append(wanted_secondary)
                else:
                    secondaries.append(self.choice([None, self.activation(per_channel_width)]))
            if any(s is not None for s in secondaries) or self.coin():
                raw["secondary_activation"] = secondaries
        if self.coin(0.2):
            raw["gated"] = False  # ignored: gating_mode is present

    def head1x1(self, raw: dict, want: set, even: bool, slimmable: bool) -> None:
        """[WN-ARR-10]; never active in a slimmable WaveNet ([WN-SLIM-4])."""
        wants_head1x1 = want & {"wavenet.head1x1", "wavenet.head1x1_groups", "wavenet.film.head1x1_post"}
        if not slimmable and (wants_head1x1 or self.coin(0.3)):
            h1 = self.choice([2, 4]) if even else self.int(1, 3)
            groups = 2 if even and ("wavenet.head1x1_groups" in want or self.coin()) else 1
            raw["head1x1"] = {"active": True, "out_channels": h1, "groups": groups}
        elif self.coin(0.2):
            raw["head1x1"] = {"active": False, "out_channels": 3, "groups": 1}

    def group_counts(self, raw: dict, want: set, even: bool, S: int) -> None:
        """[WN-ARR-11], [WN-ARR-16]."""
        if even and ("wavenet.groups_input" in want or self.coin()):
            raw["groups_input"] = 2
        elif self.coin(0.1):
            raw["groups_input"] = 1
        if even and S % 2 == 0 and ("wavenet.groups_input_mixin" in want or self.coin()):
            raw["groups_input_mixin"] = 2

    def film(self, raw: dict, want: set, even: bool, S: int, slot: str, layer1x1_inactive: bool) -> None:
        """The FiLM of one slot ([WN-ARR-12]), never after an inactive 1×1 ([WN-ARR-17])."""
        if (slot == "layer1x1_post" and layer1x1_inactive) or (
                slot == "head1x1_post" and not raw.get("head1x1", {}).get("active")):
            return
        forced = slot == "activation_post" and want & FILM_SETTING_TAGS
        if f"wavenet.film.{slot}" in want or forced or self.coin(0.15):
            film = {} if "wavenet.film.implicit_active" in want or self.coin(0.3) else {"active": True}
            if "wavenet.film.no_shift" in want or self.coin(0.3):
                film["shift"] = False
            elif self.coin(0.3):
                film["shift"] = True
            if even and S % 2 == 0 and ("wavenet.film.groups" in want or self.coin()):
                film["groups"] = 2
            raw[slot + "_film"] = film
        elif self.coin(0.05):
            raw[slot + "_film"] = self.choice([False, {"active": False, "shift": True, "groups": 1}])

    def array_head(self, raw: dict, want: set, slimmable: bool) -> None:
        """The array's head ([WN-ARR-13]); its size is set once the next array is known."""
        legacy = "wavenet.legacy_head" in want
        kernel_wanted = want & {"wavenet.head_kernel", "wavenet.head_dilation"}
        if not slimmable and (kernel_wanted or (not legacy and self.coin(0.3))):
            raw["head"] = {"out_channels": 0, "kernel_size": self.int(2, 3), "bias": self.coin()}
            if "wavenet.head_dilation" in want or self.coin():
                raw["head"]["head_dilation"] = self.int(2, 3)
        elif legacy or ("wavenet.head_object" not in want and self.coin()):
            raw["head_size"], raw["head_bias"] = 0, self.coin()
        else:
            raw["head"] = {"out_channels": 0, "kernel_size": 1, "bias": self.coin()}
            if self.coin(0.2):
                raw["head"]["head_dilation"] = self.int(1, 3)

    def slimmable(self, channels: int) -> dict:
        slim = {"method": "slice_channels_uniform"}
        if self.coin(0.6):
            widths = sorted({self.int(1, channels) for _ in range(self.int(0, channels))} | {channels})
            slim["kwargs"] = {"allowed_channels": widths}
            if self.coin(0.3):
                slim["kwargs"]["boosting"] = True  # a training setting, ignored
        return slim

    def post_head(self, head_size: int, out_channels: int | None, want: set) -> dict:
        n = self.int(1, 3)
        channels = self.int(1, 3)
        width = head_size if n == 1 or channels == head_size else None  # [WN-HEAD-3]: one PReLU width
        head = {"channels": channels, "out_channels": out_channels or self.int(1, 2),
                "kernel_sizes": [self.int(1, 3) for _ in range(n)],
                "activation": self.wanted_activation(width) if want & set(ACTIVATION_TAGS) else self.activation(width)}
        if self.coin(0.3):
            head["in_channels"] = head_size
        return head

    def container(self) -> dict:
        if "container.packed" in self.want:
            return self.packed_container()
        kinds = [self.choice(["Linear", "ConvNet", "LSTM", "WaveNet"]) for _ in range(self.int(2, 3))]
        if "container.mixed" in self.want and len(set(kinds)) == 1:
            kinds[0] = "LSTM" if kinds[0] == "Linear" else "Linear"
        thresholds = sorted({self.number(0.05, 0.95) for _ in range(len(kinds) - 1)})
        thresholds.append(self.choice([1.0, 1.5]))
        submodels = []
        for kind, threshold in zip(kinds, thresholds):
            model = {"Linear": lambda: self.linear(1, root=False),
                     "ConvNet": lambda: self.convnet(1, 1, root=False),
                     "LSTM": lambda: self.lstm(1, 1, root=False),
                     "WaveNet": lambda: self.wavenet(in_channels=1, out_channels=1, root=False)}[kind]()
            submodels.append({"max_value": threshold, "model": model})
        return self.envelope("SlimmableContainer", {"submodels": submodels}, root=True)

    def sequential(self, nested: bool = True) -> dict:
        """One-channel models in a chain ([SEQ-4]); a container or a Sequential among them when wanted."""
        kinds = [self.choice(["Linear", "ConvNet", "LSTM", "WaveNet"]) for _ in range(self.int(2, 3))]
        if "sequential.slimmable" in self.want and nested:
            kinds[self.int(0, len(kinds) - 1)] = "SlimmableContainer"
        if "sequential.nested" in self.want and nested:
            kinds.insert(self.int(0, len(kinds)), "Sequential")
        models = []
        for kind in kinds:
            model = {"Linear": lambda: self.linear(1, root=False),
                     "ConvNet": lambda: self.convnet(1, 1, root=False),
                     "LSTM": lambda: self.lstm(1, 1, root=False),
                     "WaveNet": lambda: self.wavenet(in_channels=1, out_channels=1, root=False),
                     "SlimmableContainer": self.container,
                     "Sequential": lambda: self.sequential(nested=False)}[kind]()
            model.pop("sample_rate", None)  # a nested model inherits the chain's rate ([SR-4])
            models.append(model)
        return self.envelope("Sequential", {"models": models}, root=nested)

    def packed_container(self) -> dict:
        """[CONT-10]: WaveNets that differ only in channels, sharing the head scale; thresholds (i+1)/n."""
        n = self.int(2, 3)
        dilations = [self.int(1, 4) for _ in range(self.int(1, 3))]
        kernel = self.int(1, 3)
        scale = self.number(0.3, 1.2)
        submodels = []
        for i in range(n):
            raw = {"input_size": 1, "condition_size": 1, "channels": i + 1, "kernel_size": kernel,
                   "dilations": dilations, "activation": "Tanh", "head_size": 1, "head_bias": True}
            model = self.envelope("WaveNet", {"layers": [raw], "head_scale": scale}, root=False)
            model["weights"][-1] = scale
            submodels.append({"max_value": (i + 1) / n, "model": model})
        return self.envelope("SlimmableContainer", {"submodels": submodels}, root=True)


def json_key(spec) -> str:
    return spec if isinstance(spec, str) else repr(sorted(spec.items()))


def head_path_width(raw: dict) -> int:
    """Dh of a raw layer array: head1x1.out_channels when active, else the bottleneck."""
    h1 = raw.get("head1x1")
    if h1 and h1["active"]:
        return h1["out_channels"]
    return raw.get("bottleneck", raw["channels"])


def set_head_size(raw: dict, size: int) -> None:
    if "head" in raw:
        raw["head"]["out_channels"] = size
    else:
        raw["head_size"] = size


def random_document(seed: int, architecture: str, want=(), slimmable: bool = False) -> dict:
    """A random valid document of `architecture` whose root model has every wanted feature tag."""
    r = Randomizer(seed, want)
    if architecture == "SlimmableContainer":
        return r.container()
    if architecture == "Sequential":
        return r.sequential()
    if architecture == "WaveNet":
        return r.wavenet(slimmable=slimmable)
    return {"Linear": r.linear, "ConvNet": r.convnet, "LSTM": r.lstm}[architecture]()
