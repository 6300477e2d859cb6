"""The architectures of spec [ENV-3], each with a `parse_config(config, ctx)` function."""

from . import container, convnet, linear, lstm, sequential, wavenet

ARCHITECTURES = {
    "Linear": linear,
    "ConvNet": convnet,
    "LSTM": lstm,
    "WaveNet": wavenet,
    "SlimmableContainer": container,
    "Sequential": sequential,
}
