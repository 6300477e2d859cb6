"""A plugin whose module fails to import (a missing native library)."""

raise ImportError("libmy_engine.so: cannot open shared object file")


def create_adapter():
    raise AssertionError("never reached")
