"""Token sampling: temperature, top-k, top-p, min-p, repetition penalties, logit bias, seeded randomness."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Mapping, Optional

from . import _hearth

if TYPE_CHECKING:
    from ._context import Context
    from ._model import Model


def _random_seed() -> int:
    return secrets.randbits(64)


class Sampler:
    """Chooses tokens from a context's logits.

    Defaults are the C library's: temperature 0.8 (<= 0 is greedy), top_k 40 (<= 0 disables), top_p 0.95
    (1 disables), min_p 0.05 (0 disables), no penalties, seed 0 (the same seed gives the same choices;
    ``seed=None`` picks a random one). ``logit_bias`` maps token ids to values added to their logits
    (``-math.inf`` bans a token). A sampler keeps a history of tokens for the penalties; use it from one
    thread at a time.
    """

    def __init__(
        self,
        model: "Model",
        *,
        temperature: float = 0.8,
        top_k: int = 40,
        top_p: float = 0.95,
        min_p: float = 0.05,
        repeat_penalty: float = 1.0,
        frequency_penalty: float = 0.0,
        presence_penalty: float = 0.0,
        penalty_last_n: int = 64,
        seed: Optional[int] = 0,
        logit_bias: Optional[Mapping[int, float]] = None,
    ) -> None:
        self.seed = _random_seed() if seed is None else int(seed)
        if not 0 <= self.seed < 2**64:
            raise ValueError(f"seed must be in [0, 2**64), got {seed}")
        self._sampler = _hearth.Sampler.create(
            model._native,
            float(temperature),
            int(top_k),
            float(top_p),
            float(min_p),
            float(repeat_penalty),
            float(frequency_penalty),
            float(presence_penalty),
            int(penalty_last_n),
            self.seed,
            [(int(token), float(bias)) for token, bias in (logit_bias or {}).items()],
        )

    @classmethod
    def greedy(cls, model: "Model") -> "Sampler":
        """A sampler that always picks the highest logit."""
        return cls(model, temperature=0.0, top_k=0, top_p=1.0, min_p=0.0)

    def sample(self, context: "Context", index: int = -1) -> int:
        """Chooses a token from the logits of token ``index`` of the context's last batch and records it."""
        return int(self._sampler.sample(context._native, index))

    def accept(self, token: int) -> None:
        """Records a token chosen elsewhere (e.g. the prompt) in the penalty history."""
        self._sampler.accept(int(token))

    def reset(self) -> None:
        """Clears the history and restarts the random sequence from the seed."""
        self._sampler.reset()

    def close(self) -> None:
        self._sampler.close()

    def __enter__(self) -> "Sampler":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
