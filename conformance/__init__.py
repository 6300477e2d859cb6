"""The nam-conformance suite: `pytest conformance --impl=...` (see README.md, "Testing your engine")."""

from importlib.metadata import PackageNotFoundError, version

try:  # the package's metadata is the one source of the version
    SUITE_VERSION = version("nam-conformance")
except PackageNotFoundError:  # a checkout that was never installed
    SUITE_VERSION = "0+unknown"
