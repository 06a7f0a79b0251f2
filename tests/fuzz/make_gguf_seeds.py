#!/usr/bin/env python3
"""Writes small valid GGUF files with gguf-py (the reference writer) as a seed corpus for the GGUF fuzzer.

Usage: make_gguf_seeds.py OUT_DIR
"""
import os
import sys

import numpy as np
import gguf


def write(path, arch, fill, alignment=None):
    w = gguf.GGUFWriter(path, arch)
    if alignment is not None:
        w.add_uint32("general.alignment", alignment)
        w.data_alignment = alignment
    fill(w)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def every_type(w):
    w.add_name("seed")
    w.add_uint8("t.u8", 200)
    w.add_int8("t.i8", -5)
    w.add_uint16("t.u16", 60000)
    w.add_int16("t.i16", -300)
    w.add_uint32("t.u32", 4000000000)
    w.add_int32("t.i32", -7)
    w.add_uint64("t.u64", 1 << 40)
    w.add_int64("t.i64", -(1 << 40))
    w.add_float32("t.f32", 0.5)
    w.add_float64("t.f64", 2.5)
    w.add_bool("t.bool", True)
    w.add_array("t.strings", ["a", "bc", ""])
    w.add_array("t.ints", [1, 2, 3])
    w.add_array("t.floats", [1.5, -2.0])
    w.add_array("t.nested", [[1, 2], [3]])


def tensors(w):
    w.add_uint32("llama.block_count", 1)
    w.add_tensor("output_norm.weight", np.arange(8, dtype=np.float32))
    w.add_tensor("blk.0.ffn.weight", np.ones((3, 4), dtype=np.float16))
    q8 = np.arange(2 * 34, dtype=np.uint8).reshape(2, 34)
    w.add_tensor("blk.0.attn_q.weight", q8, raw_dtype=gguf.GGMLQuantizationType.Q8_0)
    q4k = np.zeros((1, 144), dtype=np.uint8)
    w.add_tensor("blk.0.attn_k.weight", q4k, raw_dtype=gguf.GGMLQuantizationType.Q4_K)


def vocab(w):
    w.add_tokenizer_model("gpt2")
    w.add_token_list(["<s>", "</s>", "a", "b", "ab"])
    w.add_token_scores([0.0, 0.0, -1.0, -2.0, -3.0])
    w.add_token_types([3, 3, 1, 1, 1])
    w.add_token_merges(["a b"])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, "every_type.gguf"), "llama", every_type)
    write(os.path.join(out, "tensors.gguf"), "llama", tensors)
    write(os.path.join(out, "tensors_align64.gguf"), "qwen2", tensors, alignment=64)
    write(os.path.join(out, "vocab.gguf"), "gpt2", vocab)
    # The same file as GGUF v2 (identical layout apart from the version field).
    with open(os.path.join(out, "tensors.gguf"), "rb") as f:
        data = bytearray(f.read())
    data[4:8] = (2).to_bytes(4, "little")
    with open(os.path.join(out, "tensors_v2.gguf"), "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
