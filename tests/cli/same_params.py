#!/usr/bin/python3
"""same_params.py A B: the two model.safetensors hold the same tensors within 1e-5 (CLI tests)."""
import array
import json
import struct
import sys


def load(path):
    b = open(path, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    out = {}
    for k, v in json.loads(b[8:8 + n]).items():
        if k != "__metadata__":
            s, e = v["data_offsets"]
            out[k] = array.array("f", b[8 + n + s:8 + n + e])
    return out


a, b = load(sys.argv[1]), load(sys.argv[2])
assert a.keys() == b.keys()
worst = max((abs(x - y) for k in a for x, y in zip(a[k], b[k])), default=0.0)
assert worst < 1e-5, worst
