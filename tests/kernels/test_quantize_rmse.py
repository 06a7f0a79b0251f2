"""Quantization accuracy: for every format hearth can quantize, the RMSE of hearth's quantize -> dequantize
round trip must be within 1% of a reference's, on random data (several distributions) and on real weights
(the F16 tensors of tiny-llama).

The reference, per row of the printed table:
  gguf-py   gguf.quants.quantize, where gguf-py implements the format;
  llama.cpp the same tensor as llama-quantize stored it in a shared model (real data only);
  baseline  a plain numpy round-to-nearest quantizer written below (per (sub-)block abs-max or min-max with
            the format's own scale encoding), where neither of the above exists.
Run with -s, or read the summary table the last test prints.
"""
import functools
import os
import subprocess
import tempfile

import gguf
import numpy as np
import pytest
from gguf.quants import dequantize as ref_dequantize
from gguf.quants import quantize as ref_quantize

import format_oracle as fo

FORMATS = ["F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K",
           "IQ4_NL", "IQ4_XS"]
TOLERANCE = 1.01  # hearth's RMSE may exceed the reference's by at most 1%.
N_RANDOM = 1 << 17
MODEL_F16 = "tiny-llama-F16.gguf"
# llama.cpp-quantized copies of the same weights, searched for a tensor of the same name and format.
MODELS_QUANTIZED = ["tiny-llama-Q4_K_M.gguf", "tiny-llama-Q6_K.gguf", "tiny-llama-Q4_0.gguf",
                    "tiny-llama-Q8_0.gguf"]
# (tensor name, rows kept): the leading rows of the embedding are enough; rows are quantized independently.
REAL_TENSORS = [("blk.0.attn_q.weight", None), ("blk.0.ffn_down.weight", None), ("blk.1.attn_v.weight", None),
                ("blk.1.ffn_down.weight", None), ("token_embd.weight", 1024)]
KVALUES = np.array([-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113], np.float32)

RESULTS = []  # (format, data, reference kind, hearth rmse, reference rmse, verdict)


# ---- hearth ----

def _tool_supports(op, name):
    """False when format_tool reports that the kernel is not registered."""
    block_elems, block_bytes = gguf.GGML_QUANT_SIZES[gguf.GGMLQuantizationType[name]]
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in.bin")
        if op == "quantize":
            np.zeros(block_elems, np.float32).tofile(src)
        else:
            np.zeros(block_bytes, np.uint8).tofile(src)
        r = subprocess.run([fo.TOOL, op, name, src, os.path.join(tmp, "out.bin")], capture_output=True)
        if r.returncode != 0 and f"no {op} for".encode() in r.stderr:
            return False
        r.check_returncode()
        return True


def hearth_roundtrip(name, x):
    for op in ("quantize", "dequantize"):
        if not _tool_supports(op, name):
            pytest.skip(f"hearth has no scalar {op}_row for {name} registered yet")
    q = fo.quantize(name, x.reshape(-1))
    return fo.dequantize(name, q.tobytes()).reshape(x.shape)


# ---- references ----

def gguf_roundtrip(name, x):
    """gguf-py's quantize -> dequantize, or None where gguf-py cannot quantize this format."""
    qtype = gguf.GGMLQuantizationType[name]
    try:
        q = ref_quantize(x, qtype)
    except NotImplementedError:
        return None
    return np.asarray(ref_dequantize(q, qtype), dtype=np.float32).reshape(x.shape)


def _f16(a):
    return np.asarray(a, np.float32).astype(np.float16).astype(np.float32)


def _safe_div(a, b):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b != 0, a / np.where(b != 0, b, 1), 0).astype(np.float32)


def _signed_absmax(a):
    idx = np.abs(a).argmax(axis=-1)[..., None]
    return np.take_along_axis(a, idx, axis=-1)[..., 0]


def _baseline_minmax(x, sub, qmax, smax):
    """x ~ d*sc*q - dmin*m per sub-block (Q2_K, Q4_K, Q5_K): sub-block min-max, 4/6-bit scales and mins."""
    xb = x.reshape(-1, 256 // sub, sub)
    mins = -np.minimum(xb.min(-1), 0)
    scales = (xb.max(-1) + mins) / qmax
    d = _f16(scales.max(-1) / smax)[:, None]
    dmin = _f16(mins.max(-1) / smax)[:, None]
    sc = np.clip(np.round(_safe_div(scales, d)), 0, smax)
    mq = np.clip(np.round(_safe_div(mins, dmin)), 0, smax)
    eff_scale, eff_min = (d * sc)[..., None], (dmin * mq)[..., None]
    q = np.clip(np.round(_safe_div(xb + eff_min, eff_scale)), 0, qmax)
    return (eff_scale * q - eff_min).reshape(x.shape)


def _baseline_symmetric(x, sub, qlo, qhi, slo, shi):
    """x ~ d*sc*q per sub-block (Q3_K, Q6_K): sub-block abs-max mapped to qlo, signed scales."""
    xb = x.reshape(-1, 256 // sub, sub)
    scales = _signed_absmax(xb) / qlo
    d = _f16(_signed_absmax(scales) / slo)[:, None]
    sc = np.clip(np.round(_safe_div(scales, d)), slo, shi)
    eff = (d * sc)[..., None]
    q = np.clip(np.round(_safe_div(xb, eff)), qlo, qhi)
    return (eff * q).reshape(x.shape)


def _nearest_kvalue(v):
    return KVALUES[np.abs(v[..., None] - KVALUES).argmin(-1)]


def _baseline_iq4_nl(x):
    xb = x.reshape(-1, 32)
    d = _f16(_signed_absmax(xb) / KVALUES[0])[:, None]
    return (d * _nearest_kvalue(_safe_div(xb, d))).reshape(x.shape)


def _baseline_iq4_xs(x):
    xb = x.reshape(-1, 8, 32)
    scales = _signed_absmax(xb) / KVALUES[0]
    d = _f16(_signed_absmax(scales) / -32)[:, None]
    dl = (d * np.clip(np.round(_safe_div(scales, d)), -32, 31))[..., None]
    return (dl * _nearest_kvalue(_safe_div(xb, dl))).reshape(x.shape)


BASELINES = {
    "Q2_K": lambda x: _baseline_minmax(x, 16, 3, 15),
    "Q3_K": lambda x: _baseline_symmetric(x, 16, -4, 3, -32, 31),
    "Q4_K": lambda x: _baseline_minmax(x, 32, 15, 63),
    "Q5_K": lambda x: _baseline_minmax(x, 32, 31, 63),
    "Q6_K": lambda x: _baseline_symmetric(x, 16, -32, 31, -128, 127),
    "IQ4_NL": _baseline_iq4_nl,
    "IQ4_XS": _baseline_iq4_xs,
}


# ---- data ----

def random_data(kind):
    rng = np.random.default_rng({"normal": 1, "uniform": 2, "heavy_tailed": 3}[kind])
    if kind == "normal":
        x = rng.standard_normal(N_RANDOM)
    elif kind == "uniform":
        x = rng.uniform(-1.0, 1.0, N_RANDOM)
    else:  # Student-t with 3 degrees of freedom plus 0.5% large outliers.
        x = rng.standard_t(3, N_RANDOM)
        outliers = rng.random(N_RANDOM) < 0.005
        x[outliers] *= 30.0
    return x.astype(np.float32).reshape(-1, 256)


@functools.lru_cache(maxsize=None)
def _reader(filename):
    path = fo.SHARED / "data" / "models" / filename
    return gguf.GGUFReader(str(path)) if path.exists() else None


def _tensor(reader, name):
    for t in reader.tensors:
        if t.name == name:
            return t
    return None


def real_data(tensor_name, rows):
    reader = _reader(MODEL_F16)
    if reader is None:
        pytest.skip(f"shared reference data not found at {fo.SHARED}")
    data = np.asarray(_tensor(reader, tensor_name).data).astype(np.float32)
    return data[:rows] if rows else data


def llama_cpp_roundtrip(name, tensor_name, rows):
    for filename in MODELS_QUANTIZED:
        reader = _reader(filename)
        t = _tensor(reader, tensor_name) if reader is not None else None
        if t is not None and t.tensor_type.name == name:
            y = np.asarray(ref_dequantize(np.asarray(t.data), t.tensor_type), dtype=np.float32)
            return (y[:rows] if rows else y), filename
    return None, None


# ---- tests ----

def rmse(a, b):
    return float(np.sqrt(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)))


def check(name, data_label, x, reference):
    ref, ref_kind = reference
    ours = hearth_roundtrip(name, x)
    assert np.isfinite(ours).all(), f"{name} produced non-finite values on {data_label}"
    ours_rmse, ref_rmse = rmse(ours, x), rmse(ref, x)
    ok = ours_rmse <= ref_rmse * TOLERANCE + 1e-12
    RESULTS.append((name, data_label, ref_kind, ours_rmse, ref_rmse, "ok" if ok else "WORSE"))
    print(f"{name:7s} {data_label:28s} hearth {ours_rmse:.6g}  {ref_kind} {ref_rmse:.6g}")
    assert ok, (f"{name} on {data_label}: hearth RMSE {ours_rmse:.6g} is more than 1% worse than the "
                f"{ref_kind} reference {ref_rmse:.6g}")


@pytest.mark.parametrize("kind", ["normal", "uniform", "heavy_tailed"])
@pytest.mark.parametrize("name", FORMATS)
def test_random_data(name, kind):
    x = random_data(kind)
    ref = gguf_roundtrip(name, x)
    reference = (ref, "gguf-py") if ref is not None else (BASELINES[name](x), "baseline")
    check(name, f"random {kind}", x, reference)


@pytest.mark.parametrize("tensor", REAL_TENSORS, ids=lambda t: t[0])
@pytest.mark.parametrize("name", FORMATS)
def test_real_weights(name, tensor):
    tensor_name, rows = tensor
    x = real_data(tensor_name, rows)
    ref = gguf_roundtrip(name, x)
    if ref is not None:
        reference = (ref, "gguf-py")
    else:
        ref, filename = llama_cpp_roundtrip(name, tensor_name, rows)
        reference = (ref, f"llama.cpp ({filename})") if ref is not None else (BASELINES[name](x), "baseline")
    check(name, tensor_name + (f"[:{rows}]" if rows else ""), x, reference)


def test_zz_summary_table(capsys):
    """Prints every row measured above (outside pytest's capture, so it shows in CI logs)."""
    lines = [f"{'format':7s} {'data':28s} {'hearth rmse':>12s} {'ref rmse':>12s} {'ratio':>7s}  reference",
             "-" * 100]
    for name, data, kind, ours, ref, verdict in RESULTS:
        ratio = ours / ref if ref > 0 else (1.0 if ours == 0 else float("inf"))
        lines.append(f"{name:7s} {data:28s} {ours:12.6g} {ref:12.6g} {ratio:7.4f}  {kind} {verdict}")
    with capsys.disabled():
        print("\nQuantization RMSE (hearth vs reference)\n" + "\n".join(lines))
