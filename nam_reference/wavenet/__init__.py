"""WaveNet (spec sections 12 and 13): the parsed config in config.py, reading a layer array in
arrays.py, the model's config and rules in model.py, computation in network.py, slimming in slimming.py."""

from .config import WaveNetConfig
from .model import WaveNet, parse_config

__all__ = ["WaveNet", "WaveNetConfig", "parse_config"]
