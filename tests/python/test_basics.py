"""Package basics: version, files and metadata, model info, tokenizer, exceptions."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import hearth
from hearth import _hearth

from conftest import model_path, require_shared


def test_version_is_the_loaded_library_version() -> None:
    assert hearth.__version__ == _hearth.version_string()
    assert hearth.__version__ == _hearth.HEADER_VERSION
    major, minor, patch = (int(p) for p in hearth.__version__.split("."))
    assert _hearth.version_number() == major * 10000 + minor * 100 + patch


def test_gguf_file_metadata_and_tensors(qwen2_path: Path) -> None:
    with hearth.open_file(qwen2_path) as f:
        assert f.version == 3
        assert f.architecture == "qwen2"
        meta = f.metadata
        assert meta["general.architecture"] == "qwen2"
        assert meta["qwen2.block_count"] == 2
        assert isinstance(meta["qwen2.rope.freq_base"], float)
        tokens = meta["tokenizer.ggml.tokens"]
        assert isinstance(tokens, list) and all(isinstance(t, str) for t in tokens[:100])
        assert meta.value_type("tokenizer.ggml.tokens") == (
            hearth.ValueType.ARRAY,
            hearth.ValueType.STRING,
            len(tokens),
        )
        assert meta.json("general.architecture") == '"qwen2"'
        assert "no.such.key" not in meta
        with pytest.raises(KeyError):
            meta["no.such.key"]
        assert meta.get("no.such.key", 7) == 7
        assert set(meta) == set(meta.keys()) and len(meta) == len(list(meta))
        names = {t.name for t in f.tensors}
        assert "token_embd.weight" in names
        embd = next(t for t in f.tensors if t.name == "token_embd.weight")
        assert embd.shape == (256, len(tokens)) and embd.type_name == "Q8_0"
    with pytest.raises(ValueError, match="closed"):
        f.version


def test_model_info_and_metadata(qwen2: hearth.Model) -> None:
    info = qwen2.info
    meta = qwen2.metadata
    assert info.architecture == "qwen2"
    assert info.n_vocab == len(meta["tokenizer.ggml.tokens"])
    assert info.n_ctx_train == meta["qwen2.context_length"]
    assert (info.n_embd, info.n_layer, info.n_head, info.n_head_kv) == (256, 2, 4, 2)
    assert info.n_params > 0 and info.n_bytes > 0
    assert dict(meta)["general.name"] == meta["general.name"]


def test_tokenize_round_trip(qwen2: hearth.Model) -> None:
    text = "Hello world! Grüße, 日本語 🙂"
    ids = qwen2.tokenize(text)
    assert ids and all(isinstance(i, int) for i in ids)
    assert qwen2.detokenize(ids) == text
    assert b"".join(qwen2.token_to_piece(i) for i in ids) == text.encode()
    long_text = "word " * 5000
    assert qwen2.detokenize(qwen2.tokenize(long_text)) == long_text
    assert qwen2.tokenize("") == []


def test_tokenize_matches_shared_vocab_cases() -> None:
    vocab = require_shared("data/vocab/ggml-vocab-qwen2.gguf")
    # Each input is followed by a separator line; the outputs are one line of ids per input.
    inputs = Path(str(vocab) + ".inp").read_text(encoding="utf-8").split("\n__ggml_vocab_test__\n")[:-1]
    outputs = Path(str(vocab) + ".out").read_text(encoding="utf-8").split("\n")[: len(inputs)]
    assert len(outputs) == len(inputs)
    model = hearth.Model(vocab, vocab_only=True)
    checked = 0
    for text, expected in zip(inputs, outputs):
        want = [int(t) for t in expected.split()]
        assert model.tokenize(text) == want, repr(text)
        checked += 1
    assert checked > 10
    with pytest.raises(hearth.InvalidArgumentError, match="vocab_only"):
        model.context()


def test_special_tokens(qwen2: hearth.Model) -> None:
    eos = qwen2.token_eos
    assert eos is not None and qwen2.token_is_end(eos)
    assert not qwen2.token_is_end(qwen2.tokenize("hi")[0])


def test_missing_file_raises_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "missing.gguf"
    with pytest.raises(hearth.NotFoundError) as info:
        hearth.Model(missing)
    assert isinstance(info.value, FileNotFoundError)
    assert isinstance(info.value, hearth.HearthError)
    assert info.value.status == 2
    assert str(missing) in str(info.value)
    with pytest.raises(FileNotFoundError):
        hearth.open_file(missing)


@pytest.mark.parametrize(
    "content",
    [b"", b"not a gguf file at all", b"GGUF" + b"\x03\x00\x00\x00" + b"\xff" * 16],
    ids=["empty", "garbage", "truncated-header"],
)
def test_malformed_file_raises_invalid_file(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(content)
    with pytest.raises(hearth.InvalidFileError) as info:
        hearth.Model(bad)
    assert info.value.status == 4 and str(info.value)
    with pytest.raises(hearth.InvalidFileError):
        hearth.open_file(bad)


def test_truncated_model_raises(tmp_path: Path, qwen2_path: Path) -> None:
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(qwen2_path.read_bytes()[:1_000_000])
    with pytest.raises(hearth.HearthError) as info:
        hearth.Model(cut)
    assert isinstance(info.value, (hearth.InvalidFileError, hearth.HearthIOError))


def test_bad_arguments(qwen2: hearth.Model) -> None:
    ctx = qwen2.context(n_ctx=32)
    with pytest.raises(hearth.InvalidArgumentError, match="outside the vocabulary"):
        ctx.eval([qwen2.info.n_vocab])
    with pytest.raises(hearth.InvalidArgumentError):
        ctx.eval([-5])
    with pytest.raises(ValueError):
        ctx.eval([1, 2], logits="some")
    with pytest.raises(hearth.InvalidArgumentError):
        ctx.eval([])
    with pytest.raises(hearth.ContextFullError):
        ctx.eval(list(range(33)))
    assert ctx.position == 0  # A rejected batch changes nothing.
    with pytest.raises(IndexError):
        ctx.logits()
    with pytest.raises(TypeError):
        ctx.eval(["a"])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        qwen2.context(n_ctx=-1)
    with pytest.raises(ValueError, match="seed"):
        hearth.Sampler(qwen2, seed=-1)
    with pytest.raises(hearth.InvalidArgumentError):
        ctx.eval([1, 2], logits="all")  # Needs a context created with logits_all=True.
    with pytest.raises(hearth.InvalidArgumentError):
        ctx.sample(hearth.Sampler.greedy(qwen2), 5)
    with pytest.raises(ValueError, match="NUL"):
        ctx.generate("a\0b")
    with pytest.raises(ValueError, match="stop"):
        ctx.generate("a", stop=[""])


def test_closed_objects_raise(qwen2_path: Path) -> None:
    model = hearth.Model(qwen2_path, n_ctx=64)
    ctx = model.context(n_ctx=64)
    sampler = hearth.Sampler.greedy(model)
    model.close()
    # The context keeps the weights alive: it still works after the model handle is closed.
    ctx.eval(model_tokens := [1, 2, 3])
    assert ctx.sample(sampler) >= 0 and ctx.position == len(model_tokens)
    view = ctx.logits()
    ctx.close()
    assert view.shape == (len(view),) and math.isfinite(float(view.max()))  # The buffer outlives close().
    with pytest.raises(ValueError, match="closed"):
        ctx.eval([1])
    with pytest.raises(ValueError, match="closed"):
        model.tokenize("x")


def test_progress_callback_and_cancel(qwen2_path: Path) -> None:
    seen = []
    hearth.Model(qwen2_path, progress=lambda p: seen.append(p))
    assert seen and seen[-1] == pytest.approx(1.0)
    with pytest.raises(hearth.CancelledError):
        hearth.Model(qwen2_path, progress=lambda p: True)

    def boom(p: float) -> None:
        raise RuntimeError("from the callback")

    with pytest.raises(RuntimeError, match="from the callback"):
        hearth.Model(qwen2_path, progress=boom)


def test_unsupported_architecture(tmp_path: Path) -> None:
    gguf = pytest.importorskip("gguf")
    import numpy as np

    path = tmp_path / "mamba.gguf"
    writer = gguf.GGUFWriter(str(path), "mamba")
    writer.add_tensor("token_embd.weight", np.zeros((4, 8), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    assert hearth.open_file(path).architecture == "mamba"  # Any valid GGUF file opens...
    with pytest.raises(hearth.HearthError, match="mamba"):  # ...but only known architectures load...
        hearth.Model(path)
    with pytest.raises(hearth.UnsupportedError) as info:  # ...and the error says "unsupported".
        hearth.Model(path)
    assert isinstance(info.value, NotImplementedError) and "mamba" in str(info.value)


def test_other_architectures_load() -> None:
    for name, arch in [("tiny-llama-Q4_K_M", "llama"), ("tiny-qwen3-Q8_0", "qwen3")]:
        assert hearth.Model(model_path(name)).info.architecture == arch
