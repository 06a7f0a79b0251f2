"""Contexts: the state of one sequence (KV cache, logits), evaluation, sampling and generation."""

from __future__ import annotations

import enum
import operator
import queue
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence

import numpy as np

from . import _hearth
from ._errors import CancelledError
from ._sampler import Sampler

if TYPE_CHECKING:
    from ._model import Model

TokenCallback = Callable[[int, str], Optional[bool]]


class StopReason(enum.IntEnum):
    """Why generation ended."""

    MAX_TOKENS = 0
    END_TOKEN = 1
    STOP_STRING = 2
    CALLBACK = 3
    CONTEXT_FULL = 4


@dataclass(frozen=True)
class GenerateResult:
    """The outcome of Context.generate."""

    text: str
    tokens: List[int]
    n_prompt_tokens: int
    n_generated_tokens: int
    stop_reason: StopReason
    prompt_seconds: float
    generate_seconds: float


class Context:
    """One sequence being evaluated on a model: positions in a KV cache, and the logits of the last batch.

    Create with ``model.context(...)``. ``n_ctx=0`` uses the model's training context (capped at 4096),
    ``n_threads=0`` one thread per core, ``n_batch=0`` batches of 512. ``logits_all=True`` lets eval() keep
    every token's logits (``logits="all"``), at the cost of computing them for every token. Long calls (eval, generate) release the
    GIL, and Ctrl-C on the main thread cancels them and raises KeyboardInterrupt. A context serves one call
    at a time: a concurrent call from another thread raises RuntimeError.
    """

    def __init__(
        self, model: "Model", n_ctx: int = 0, n_threads: int = 0, n_batch: int = 0, logits_all: bool = False
    ) -> None:
        if n_ctx < 0 or n_threads < 0 or n_batch < 0:
            raise ValueError("n_ctx, n_threads and n_batch must not be negative")
        self.model = model
        self._native = _hearth.Context.create(model._native, n_ctx, n_threads, n_batch, bool(logits_all))

    @property
    def n_ctx(self) -> int:
        """Number of positions the context holds."""
        return int(self._native.n_ctx)

    @property
    def position(self) -> int:
        """Number of positions in use (the next token goes there)."""
        return int(self._native.position)

    @property
    def n_vocab(self) -> int:
        return int(self._native.n_vocab)

    def eval(self, tokens: Iterable[int], logits: str = "last") -> None:
        """Appends ``tokens`` at the current position and runs the model on them.

        ``logits="last"`` keeps only the last token's logits, ``"all"`` keeps every token's (the context must
        have been created with ``logits_all=True``). Raises
        ContextFullError (changing nothing) when they do not fit, InvalidArgumentError for a token outside the
        vocabulary.
        """
        if logits not in ("last", "all"):
            raise ValueError(f'logits must be "last" or "all", got {logits!r}')
        ids = [operator.index(t) for t in tokens]
        self._native.eval(ids, logits == "all")

    def logits(self, index: int = -1, *, copy: bool = False) -> np.ndarray:
        """The n_vocab logits (float32) of token ``index`` of the last batch (-1: the last token).

        Without ``copy`` the array is a read-only view of the library's buffer, made without copying. As in the
        C API, it is valid only until the next eval, generate or truncate on this context, which overwrite or
        reallocate the buffer: do not read it after those (closing the context is fine: the view keeps the
        context's memory alive). Pass ``copy=True`` (or call ``.copy()``) to keep the values. Raises
        IndexError if that position kept no logits.
        """
        view = self._native.logits(int(index))
        return view.copy() if copy else view

    def all_logits(self, *, copy: bool = False) -> np.ndarray:
        """Logits of every row kept by the last eval, shape (rows, n_vocab); same validity rules as logits()."""
        matrix = self._native.logits_matrix()
        return matrix.copy() if copy and not matrix.flags.owndata else matrix

    def sample(self, sampler: Sampler, index: int = -1) -> int:
        """Chooses a token from the logits of token ``index`` of the last batch with ``sampler``."""
        return sampler.sample(self, index)

    def truncate(self, position: int) -> None:
        """Forgets every position from ``position`` on (0 clears the context)."""
        if position < 0:
            raise ValueError("position must not be negative")
        self._native.truncate(int(position))

    def cancel(self) -> None:
        """Asks a running eval or generate (on another thread) to stop soon; it then raises CancelledError."""
        self._native.cancel()

    def generate(
        self,
        prompt: str,
        sampler: Optional[Sampler] = None,
        *,
        max_tokens: int = 128,
        stop: Optional[Sequence[str]] = None,
        add_special: Optional[bool] = None,
        parse_special: bool = True,
        callback: Optional[TokenCallback] = None,
    ) -> GenerateResult:
        """Evaluates ``prompt`` after the current position and samples up to ``max_tokens`` tokens.

        ``sampler`` defaults to a greedy one. ``add_special`` (BOS/EOS as the model asks) defaults to True on an
        empty context and False when continuing. ``callback(token, text)`` runs for each token with the text
        it completes (whole characters, never part of a stop string) and may return True to stop; a final
        call with token -1 may deliver text held back until the end. The stop string itself is not part of
        the result. Like the C call, the last sampled token is returned but not evaluated into the context.
        """
        native_sampler = self._sampler_or_greedy(sampler)
        wrapped = None if callback is None else _text_callback(callback)
        raw = _hearth.generate(
            self._native,
            native_sampler._sampler,
            prompt,
            int(max_tokens),
            _stop_list(stop),
            self.position == 0 if add_special is None else bool(add_special),
            bool(parse_special),
            wrapped,
        )
        return _result(raw)

    def stream(
        self,
        prompt: str,
        sampler: Optional[Sampler] = None,
        *,
        max_tokens: int = 128,
        stop: Optional[Sequence[str]] = None,
        add_special: Optional[bool] = None,
        parse_special: bool = True,
    ) -> Iterator[str]:
        """Like generate(), but yields the text pieces as they are produced.

        Generation runs on a worker thread (GIL released) while this generator waits for pieces, so Ctrl-C
        stays responsive; closing the generator early (``break``) stops generation.
        """
        native_sampler = self._sampler_or_greedy(sampler)
        return _stream(
            self,
            native_sampler,
            prompt,
            int(max_tokens),
            _stop_list(stop),
            self.position == 0 if add_special is None else bool(add_special),
            bool(parse_special),
        )

    def _sampler_or_greedy(self, sampler: Optional[Sampler]) -> Sampler:
        return Sampler.greedy(self.model) if sampler is None else sampler

    def close(self) -> None:
        """Frees the context (logits views stay readable); later calls raise ValueError."""
        self._native.close()

    def __enter__(self) -> "Context":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        try:
            return f"<hearth.Context position={self.position} n_ctx={self.n_ctx}>"
        except (ValueError, RuntimeError):
            return "<hearth.Context>"


def _stop_list(stop: Optional[Sequence[str]]) -> List[str]:
    if stop is None:
        return []
    if isinstance(stop, str):
        return [stop]
    return [str(s) for s in stop]


def _text_callback(callback: TokenCallback) -> Callable[[int, bytes], bool]:
    def on_token(token: int, piece: bytes) -> bool:
        return bool(callback(token, piece.decode("utf-8", "replace")))

    return on_token


def _result(raw: Dict[str, Any]) -> GenerateResult:
    return GenerateResult(
        text=raw["text"],
        tokens=list(raw["tokens"]),
        n_prompt_tokens=int(raw["n_prompt_tokens"]),
        n_generated_tokens=int(raw["n_generated_tokens"]),
        stop_reason=StopReason(raw["stop_reason"]),
        prompt_seconds=float(raw["prompt_seconds"]),
        generate_seconds=float(raw["generate_seconds"]),
    )


_DONE = object()


def _stream(
    context: Context,
    sampler: Sampler,
    prompt: str,
    max_tokens: int,
    stop: List[str],
    add_special: bool,
    parse_special: bool,
) -> Iterator[str]:
    # The worker runs the C generate call (GIL released) and hands pieces over a queue; this generator only
    # waits on the queue, which Ctrl-C interrupts. Stopping early: the token callback returns True at the next
    # token, and a cancel covers a long prompt evaluation before the first token.
    pieces: "queue.SimpleQueue[Any]" = queue.SimpleQueue()
    stopping = threading.Event()
    first_token = threading.Event()
    outcome: Dict[str, BaseException] = {}

    def on_token(token: int, piece: bytes) -> bool:
        first_token.set()
        if stopping.is_set():
            return True
        if piece:
            pieces.put(piece)
        return False

    def work() -> None:
        try:
            _hearth.generate(
                context._native, sampler._sampler, prompt, max_tokens, stop, add_special, parse_special, on_token
            )
        except BaseException as error:  # Handed to the consumer.
            outcome["error"] = error
        finally:
            pieces.put(_DONE)

    worker = threading.Thread(target=work, name="hearth-stream", daemon=True)
    worker.start()
    finished = False
    try:
        while True:
            try:
                item = pieces.get(timeout=0.1)
            except queue.Empty:
                continue
            if item is _DONE:
                finished = True
                break
            yield item.decode("utf-8", "replace")
    finally:
        if not finished:
            stopping.set()
            if not first_token.is_set():
                context._native.cancel()
        _join(worker)
    error = outcome.get("error")
    if error is not None and not (stopping.is_set() and isinstance(error, CancelledError)):
        raise error


def _join(worker: threading.Thread) -> None:
    # Wait for the worker even if a second Ctrl-C arrives, so the context is never freed under it.
    interrupt: Optional[BaseException] = None
    while worker.is_alive():
        try:
            worker.join(0.1)
        except KeyboardInterrupt as error:
            interrupt = error
    if interrupt is not None:
        raise interrupt
