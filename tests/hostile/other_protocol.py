"""Speaks protocol 2: the handshake names a version the suite does not speak."""

import json
import sys

for line in sys.stdin:
    request = json.loads(line)
    print(json.dumps({"id": request["id"], "status": "ok", "protocol": 2,
                      "implementation": {"name": "future-engine", "version": "9"}, "capabilities": {}}), flush=True)
