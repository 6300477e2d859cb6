"""WaveNet (spec sections 12 and 13): config in config.py and model.py, computation in network.py,
slimming in slimming.py."""

from .model import WaveNetConfig, parse_config

__all__ = ["WaveNetConfig", "parse_config"]
