"""Dequantization is bit-exact with gguf-py on random blocks of every format and on every tensor of every
shared model."""
import glob
import os

import gguf
import numpy as np
import pytest
from gguf.quants import dequantize as ref_dequantize

import format_oracle as fo

# Formats hearth implements whose dequantization gguf-py also defines.
FORMATS = ["F32", "F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K",
           "Q6_K", "IQ4_NL", "IQ4_XS"]
# Byte offsets of the f16 scale fields in each block, kept finite so that NaN payloads don't enter.
F16_FIELDS = {"Q4_0": [0], "Q4_1": [0, 2], "Q5_0": [0], "Q5_1": [0, 2], "Q8_0": [0], "Q2_K": [80, 82],
              "Q3_K": [108], "Q4_K": [0, 2], "Q5_K": [0, 2], "Q6_K": [208], "IQ4_NL": [0], "IQ4_XS": [0]}


def random_blocks(qtype, n_blocks, rng):
    block_elems, block_bytes = gguf.GGML_QUANT_SIZES[qtype]
    if qtype == gguf.GGMLQuantizationType.F32:
        return rng.standard_normal(n_blocks).astype(np.float32).view(np.uint8)
    if qtype == gguf.GGMLQuantizationType.F16:
        return rng.standard_normal(n_blocks).astype(np.float16).view(np.uint8)
    if qtype == gguf.GGMLQuantizationType.BF16:
        return (rng.standard_normal(n_blocks).astype(np.float32).view(np.uint32) >> 16).astype(
            np.uint16).view(np.uint8)
    raw = rng.integers(0, 256, size=(n_blocks, block_bytes), dtype=np.uint8)
    for off in F16_FIELDS[qtype.name]:
        scales = (rng.standard_normal(n_blocks) * 0.01).astype(np.float16)
        raw[:, off:off + 2] = scales.view(np.uint8).reshape(n_blocks, 2)
    return raw.reshape(-1)


@pytest.mark.parametrize("name", FORMATS)
def test_random_blocks_bit_exact(name):
    qtype = gguf.GGMLQuantizationType[name]
    rng = np.random.default_rng(1234 + int(qtype))
    raw = random_blocks(qtype, 512, rng)
    ours = fo.dequantize(name, raw.tobytes())
    ref = ref_dequantize(raw, qtype).astype(np.float32).reshape(-1)
    assert ours.shape == ref.shape
    np.testing.assert_array_equal(ours.view(np.uint32), ref.view(np.uint32))


def model_files():
    return sorted(glob.glob(str(fo.SHARED / "data" / "models" / "*.gguf")))


@pytest.mark.parametrize("path", model_files(), ids=os.path.basename)
def test_every_model_tensor_bit_exact(path):
    reader = gguf.GGUFReader(path)
    for t in reader.tensors:
        raw = np.asarray(t.data).view(np.uint8).reshape(-1)
        ours = fo.dequantize(t.tensor_type.name, raw.tobytes())
        ref = ref_dequantize(np.asarray(t.data), t.tensor_type).astype(np.float32).reshape(-1)
        np.testing.assert_array_equal(ours.view(np.uint32), ref.view(np.uint32), err_msg=t.name)


def test_shared_models_present():
    if not fo.SHARED.exists():
        pytest.skip(f"shared reference data not found at {fo.SHARED}")
    assert model_files(), "no models in shared/data/models"
