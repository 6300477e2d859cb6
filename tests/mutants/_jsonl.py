"""What the JSON-lines mutants share: the example adapter's server (conformance/adapters/
reference_jsonl.py) in a request loop with one hook on the line each reply is written as."""

from __future__ import annotations

import json
import sys

from conformance.adapters.reference_jsonl import Server


def reply_line(request: dict, reply: dict) -> str:
    return json.dumps({"id": request.get("id"), **reply})


def serve(server: Server, write=reply_line) -> None:
    """Answer requests until `quit`; `write(request, reply)` gives each line written back."""
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("cmd") == "quit":
            print(reply_line(request, {"status": "ok"}), flush=True)
            return
        handler = getattr(server, f"cmd_{request.get('cmd')}", None)
        try:
            reply = {"status": "ok", **handler(request)} if handler else {"status": "error", "message": "unknown command"}
        except Exception as exc:
            reply = {"status": "error", "message": f"{type(exc).__name__}: {exc}"}
        print(write(request, reply), flush=True)
