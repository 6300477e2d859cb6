"""The nam-conformance suite: `pytest conformance --impl=...` (see README.md, "Testing your engine")."""

SUITE_VERSION = "2026.11.0"
