"""Runs hearth's format kernels through tests/kernels/format_tool for the Python oracle tests."""
import os
import pathlib
import subprocess
import tempfile

import numpy as np

TOOL = os.environ.get("HEARTH_FORMAT_TOOL", "")
SHARED = pathlib.Path(os.environ.get("HEARTH_SHARED_DIR",
                                     pathlib.Path(__file__).resolve().parents[3] / "shared"))


def _run(op, type_name, inputs, out_dtype, env=None):
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, data in enumerate(inputs):
            p = os.path.join(tmp, f"in{i}.bin")
            np.ascontiguousarray(data).tofile(p)
            paths.append(p)
        out = os.path.join(tmp, "out.bin")
        subprocess.run([TOOL, op, type_name, *paths, out], check=True, env=env)
        return np.fromfile(out, dtype=out_dtype)


def dequantize(type_name, raw_bytes, env=None):
    return _run("dequantize", type_name, [np.frombuffer(raw_bytes, dtype=np.uint8)], np.float32, env)


def quantize(type_name, values, env=None):
    return _run("quantize", type_name, [np.asarray(values, dtype=np.float32)], np.uint8, env)


def vec_dot(type_name, weight_bytes, activations, env=None):
    return _run("vec_dot", type_name,
                [np.frombuffer(weight_bytes, dtype=np.uint8), np.asarray(activations, dtype=np.float32)],
                np.float32, env)
