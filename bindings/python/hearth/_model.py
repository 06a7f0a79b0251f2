"""Models: loading, metadata, tokenizer, and one-call generation."""

from __future__ import annotations

import operator
import os
import threading
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, List, Optional, Sequence

from . import _hearth
from ._context import Context
from ._file import Metadata, PathLike
from ._sampler import Sampler


@dataclass(frozen=True)
class ModelInfo:
    """Hyperparameters and size of a loaded model."""

    architecture: str
    n_vocab: int
    n_ctx_train: int
    n_embd: int
    n_layer: int
    n_head: int
    n_head_kv: int
    n_params: int
    n_bytes: int


class Model:
    """A GGUF language model loaded for inference from a memory-mapped file.

    ``n_ctx``, ``n_threads`` and ``n_batch`` configure the context that generate() and stream() use (0: the
    library's defaults). ``vocab_only`` loads metadata and tokenizer only. Weights the CPU kernels have a faster
    interleaved layout for are converted once at load (same size; the file pages are released);
    ``file_layout_only=True`` serves every weight from the mapping as it is. ``progress(fraction)`` is called
    during loading and may return True to cancel it. Raises NotFoundError (a FileNotFoundError) for a missing
    file, InvalidFileError for a malformed one, UnsupportedError for an architecture or tensor type hearth
    cannot run. A model may be shared by threads; each context it creates serves one thread at a time.
    """

    def __init__(
        self,
        path: PathLike,
        *,
        n_ctx: int = 0,
        n_threads: int = 0,
        n_batch: int = 0,
        vocab_only: bool = False,
        progress: Optional[Callable[[float], Optional[bool]]] = None,
        file_layout_only: bool = False,
    ) -> None:
        self.path = os.fspath(path)
        self._native = _hearth.Model.load(self.path, bool(vocab_only), progress, bool(file_layout_only))
        self._context_args = (int(n_ctx), int(n_threads), int(n_batch))
        self._default_context: Optional[Context] = None
        self._default_lock = threading.Lock()
        self._info: Optional[ModelInfo] = None
        self._metadata: Optional[Metadata] = None

    # --- Description -----------------------------------------------------------------------------------------

    @property
    def info(self) -> ModelInfo:
        if self._info is None:
            self._info = ModelInfo(**self._native.info())
        return self._info

    @property
    def metadata(self) -> Metadata:
        """The GGUF metadata, as a read-only mapping (``model.metadata["general.name"]``)."""
        if self._metadata is None:
            self._metadata = Metadata(self._native.file())
        return self._metadata

    # --- Tokens ----------------------------------------------------------------------------------------------

    def tokenize(self, text: str, add_special: bool = False, parse_special: bool = False) -> List[int]:
        """Token ids of ``text``. ``add_special``: BOS/EOS as the model asks; ``parse_special``: recognize the
        text of special tokens (e.g. "<|im_start|>") instead of treating it as plain text."""
        return list(self._native.tokenize(text, bool(add_special), bool(parse_special)))

    def detokenize(self, tokens: Iterable[int], render_special: bool = False) -> str:
        """Text of ``tokens`` (the inverse of tokenize); invalid UTF-8 becomes U+FFFD."""
        return self.detokenize_bytes(tokens, render_special).decode("utf-8", "replace")

    def detokenize_bytes(self, tokens: Iterable[int], render_special: bool = False) -> bytes:
        return bytes(self._native.detokenize([operator.index(t) for t in tokens], bool(render_special)))

    def token_to_piece(self, token: int, render_special: bool = False) -> bytes:
        """The bytes of one token (possibly part of a UTF-8 character)."""
        return bytes(self._native.token_to_piece(int(token), bool(render_special)))

    @property
    def token_bos(self) -> Optional[int]:
        token = int(self._native.token_bos())
        return None if token < 0 else token

    @property
    def token_eos(self) -> Optional[int]:
        token = int(self._native.token_eos())
        return None if token < 0 else token

    def token_is_end(self, token: int) -> bool:
        """Whether ``token`` ends generation (EOS, end of turn...)."""
        return bool(self._native.token_is_end(int(token)))

    # --- Contexts and generation -----------------------------------------------------------------------------

    def context(self, n_ctx: int = 0, n_threads: int = 0, n_batch: int = 0, logits_all: bool = False) -> Context:
        """A new context (KV cache) on this model; see Context."""
        return Context(self, n_ctx, n_threads, n_batch, logits_all)

    def sampler(self, **params: object) -> Sampler:
        """A new Sampler on this model; see Sampler for the parameters."""
        return Sampler(self, **params)  # type: ignore[arg-type]

    def generate(
        self,
        prompt: str,
        max_tokens: int = 128,
        *,
        temperature: float = 0.8,
        top_p: float = 0.95,
        top_k: int = 40,
        min_p: float = 0.05,
        repeat_penalty: float = 1.0,
        frequency_penalty: float = 0.0,
        presence_penalty: float = 0.0,
        penalty_last_n: int = 64,
        seed: Optional[int] = None,
        stop: Optional[Sequence[str]] = None,
        add_special: bool = True,
        parse_special: bool = True,
    ) -> str:
        """Generates a continuation of ``prompt`` from an empty context and returns its text.

        ``temperature <= 0`` is greedy. ``seed=None`` draws a random seed; pass one for repeatable output.
        Generation ends after ``max_tokens``, at an end-of-generation token, or before the first occurrence of
        any ``stop`` string (which is not included). The GIL is released while the model runs; Ctrl-C raises
        KeyboardInterrupt.
        """
        sampler = Sampler(
            self,
            temperature=temperature,
            top_k=top_k,
            top_p=top_p,
            min_p=min_p,
            repeat_penalty=repeat_penalty,
            frequency_penalty=frequency_penalty,
            presence_penalty=presence_penalty,
            penalty_last_n=penalty_last_n,
            seed=seed,
        )
        with self._fresh_context() as context:
            result = context.generate(
                prompt,
                sampler,
                max_tokens=max_tokens,
                stop=stop,
                add_special=add_special,
                parse_special=parse_special,
            )
        return result.text

    def stream(
        self,
        prompt: str,
        max_tokens: int = 128,
        *,
        temperature: float = 0.8,
        top_p: float = 0.95,
        top_k: int = 40,
        min_p: float = 0.05,
        repeat_penalty: float = 1.0,
        frequency_penalty: float = 0.0,
        presence_penalty: float = 0.0,
        penalty_last_n: int = 64,
        seed: Optional[int] = None,
        stop: Optional[Sequence[str]] = None,
        add_special: bool = True,
        parse_special: bool = True,
    ) -> Iterator[str]:
        """Like generate(), but yields text pieces as they are produced; their concatenation is generate()'s
        text for the same arguments and seed. Breaking out of the loop stops generation."""
        sampler = Sampler(
            self,
            temperature=temperature,
            top_k=top_k,
            top_p=top_p,
            min_p=min_p,
            repeat_penalty=repeat_penalty,
            frequency_penalty=frequency_penalty,
            presence_penalty=presence_penalty,
            penalty_last_n=penalty_last_n,
            seed=seed,
        )
        with self._fresh_context() as context:
            yield from context.stream(
                prompt,
                sampler,
                max_tokens=max_tokens,
                stop=stop,
                add_special=add_special,
                parse_special=parse_special,
            )

    def _fresh_context(self) -> "_Lease":
        # The model keeps one context for generate()/stream() (allocating a KV cache per call would be slow);
        # a caller that finds it busy (another thread, an unfinished stream) gets a temporary one.
        if self._default_lock.acquire(blocking=False):
            try:
                if self._default_context is None:
                    self._default_context = Context(self, *self._context_args)
                self._default_context.truncate(0)
            except BaseException:
                self._default_lock.release()
                raise
            return _Lease(self._default_context, self._default_lock.release)
        context = Context(self, *self._context_args)
        return _Lease(context, context.close)

    # --- Lifetime --------------------------------------------------------------------------------------------

    def close(self) -> None:
        """Releases this handle; the weights are unmapped once every context and sampler is gone too."""
        if self._default_lock.acquire(blocking=False):
            try:
                if self._default_context is not None:
                    self._default_context.close()
                    self._default_context = None
            finally:
                self._default_lock.release()
        self._native.close()

    def __enter__(self) -> "Model":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<hearth.Model {self.path!r}>"


class _Lease:
    """A context borrowed for one call, released on exit."""

    def __init__(self, context: Context, release: Callable[[], None]) -> None:
        self._context = context
        self._release = release

    def __enter__(self) -> Context:
        return self._context

    def __exit__(self, *exc: object) -> None:
        self._release()
