"""Declares a maximum block of 4096 samples and, given a longer block, overruns its buffers and dies
(SIGSEGV in a native engine) instead of reporting an error. The fixture input is shorter than
2·4096 + 1 samples, so the check continues it with the standard signal.

Catalogue: 15 (blocks larger than the declared maximum)
Caught by: max_block
Status: ERROR
Run: test_blocks.py -k "test_block_longer and hand.wavenet and not gated"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _jsonl import Server, serve  # noqa: E402

MAX_BLOCK = 4096


class CrashOnLongBlocks(Server):
    def cmd_hello(self, request):
        reply = super().cmd_hello(request)
        return {**reply, "capabilities": {**reply["capabilities"], "max_block": MAX_BLOCK}}

    def cmd_process(self, request):
        if max(request.get("blocks") or [request["frames"]]) > MAX_BLOCK:
            os._exit(139)  # what a segmentation fault looks like from outside
        return super().cmd_process(request)


if __name__ == "__main__":
    serve(CrashOnLongBlocks())
