"""Reads a textgen model file with numpy and json only, as any safetensors reader would.

Usage: python3 read_textgen_model.py FILE
Prints one JSON line: the metadata's format and version, the vocabulary size, every tensor's shape,
the sum of each tensor's values, and whether the CRC-32C checksum matches.
"""
import json
import struct
import sys

import numpy as np


def crc32c(data, crc=0):
    table = crc32c.table
    crc ^= 0xFFFFFFFF
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


crc32c.table = _table()


def main(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header_bytes = raw[8:8 + n]
    header = json.loads(header_bytes.decode("utf-8"))
    data = raw[8 + n:]
    metadata = header.pop("__metadata__")
    tensors = {}
    sums = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", name
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype="<f4").reshape(info["shape"])
        tensors[name] = list(array.shape)
        sums[name] = float(array.astype(np.float64).sum())
    stored = metadata["checksum"]
    marker = b'"checksum":"crc32c:'
    at = header_bytes.index(marker) + len(marker)
    zeroed = header_bytes[:at] + b"00000000" + header_bytes[at + 8:]
    actual = "crc32c:%08x" % crc32c(raw[:8] + zeroed + data)
    print(json.dumps({
        "format": metadata["format"],
        "version": metadata["format_version"],
        "vocabulary": len(metadata["vocabulary"]),
        "hiddenSize": json.loads(metadata["config"])["model"]["hiddenSize"],
        "shapes": tensors,
        "sums": sums,
        "checksumOk": actual == stored,
    }))


if __name__ == "__main__":
    main(sys.argv[1])
