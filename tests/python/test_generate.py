"""Generation: generate() vs stream(), stop strings, seeds, callbacks, the GIL, cancellation and Ctrl-C."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import hearth

from conftest import golden, model_path

PROMPT = "The quick brown fox"


def test_generate_greedy_matches_golden_tokens() -> None:
    name = "tiny-qwen2-Q8_0"
    reference = golden(name, "greedy")
    model = hearth.Model(model_path(name))
    prompt = model.detokenize(reference["prompt"])
    assert model.tokenize(prompt) == reference["prompt"]
    ctx = model.context(n_ctx=128)
    result = ctx.generate(prompt, max_tokens=len(reference["greedy"]), add_special=False, parse_special=False)
    assert result.n_prompt_tokens == len(reference["prompt"])
    assert result.n_generated_tokens == len(result.tokens)
    for got, want, margin in zip(result.tokens, reference["greedy"], reference["margin"]):
        if margin < 0.5:
            break
        assert got == want
    assert result.text == model.detokenize(result.tokens)
    # Every sampled token joins the context; an end token is sampled but not counted as generated.
    ended = 1 if result.stop_reason == hearth.StopReason.END_TOKEN else 0
    assert ctx.position == result.n_prompt_tokens + result.n_generated_tokens + ended


@pytest.mark.parametrize("temperature", [0.0, 0.9])
def test_stream_yields_the_text_of_generate(qwen2: hearth.Model, temperature: float) -> None:
    kwargs = dict(max_tokens=48, temperature=temperature, seed=1234)
    text = qwen2.generate(PROMPT, **kwargs)
    pieces = list(qwen2.stream(PROMPT, **kwargs))
    assert len(pieces) > 1
    assert "".join(pieces) == text
    assert qwen2.generate(PROMPT, **kwargs) == text  # Same seed, same text.


def test_stop_strings_cut_the_text(qwen2: hearth.Model) -> None:
    full = qwen2.generate(PROMPT, max_tokens=40, temperature=0)
    words = full.split()
    assert len(words) > 4
    stop = words[3]
    cut = qwen2.generate(PROMPT, max_tokens=40, temperature=0, stop=[stop])
    assert cut == full[: full.index(stop)]
    assert "".join(qwen2.stream(PROMPT, max_tokens=40, temperature=0, stop=[stop])) == cut
    ctx = qwen2.context(n_ctx=128)
    assert ctx.generate(PROMPT, max_tokens=40, stop=[stop]).stop_reason == hearth.StopReason.STOP_STRING


def test_seeds_change_sampled_text(qwen2: hearth.Model) -> None:
    texts = {qwen2.generate(PROMPT, max_tokens=24, temperature=1.5, top_k=0, top_p=1, min_p=0, seed=s)
             for s in range(4)}
    assert len(texts) > 1


def test_callback_sees_each_token_and_can_stop(qwen2: hearth.Model) -> None:
    ctx = qwen2.context(n_ctx=128)
    seen = []

    def on_token(token: int, text: str) -> bool:
        seen.append((token, text))
        return len(seen) == 5

    result = ctx.generate(PROMPT, max_tokens=50, callback=on_token)
    assert len(seen) == 5 and result.stop_reason == hearth.StopReason.CALLBACK
    assert [t for t, _ in seen if t >= 0] == result.tokens
    assert "".join(s for _, s in seen) == result.text

    def boom(token: int, text: str) -> None:
        raise LookupError("from the callback")

    ctx.truncate(0)
    with pytest.raises(LookupError, match="from the callback"):
        ctx.generate(PROMPT, max_tokens=50, callback=boom)


def test_context_continues_after_generate(qwen2: hearth.Model) -> None:
    ctx = qwen2.context(n_ctx=128)
    first = ctx.generate(PROMPT, max_tokens=8)
    position = ctx.position
    second = ctx.generate(" and then", max_tokens=8)
    ended = 1 if second.stop_reason == hearth.StopReason.END_TOKEN else 0
    assert ctx.position == position + second.n_prompt_tokens + second.n_generated_tokens + ended
    assert first.stop_reason == hearth.StopReason.MAX_TOKENS
    full = ctx.generate(" more", max_tokens=1000)
    assert full.stop_reason == hearth.StopReason.CONTEXT_FULL


def test_breaking_out_of_a_stream_stops_it(qwen2: hearth.Model) -> None:
    ctx = qwen2.context(n_ctx=512)
    pieces = ctx.stream(PROMPT, max_tokens=400)
    for i, _ in enumerate(pieces):
        if i == 3:
            break
    pieces.close()
    assert ctx.position < 100  # Stopped at the next token, far before max_tokens.
    ctx.truncate(0)
    assert ctx.generate(PROMPT, max_tokens=4).n_generated_tokens == 4  # Still usable.


def test_generate_releases_the_gil(qwen2: hearth.Model) -> None:
    # With a huge switch interval a thread holding the GIL never hands it over by itself, so the counter can only
    # advance during generate() if generate releases the GIL.
    counter = 0
    running = threading.Event()
    done = threading.Event()

    def count() -> None:
        nonlocal counter
        running.set()
        while not done.is_set():
            counter += 1
            time.sleep(0)  # Lets the main thread take the GIL back when generate() returns.

    old_interval = sys.getswitchinterval()
    thread = threading.Thread(target=count)
    thread.start()
    running.wait()
    sys.setswitchinterval(1000.0)
    try:
        before = counter
        text = qwen2.generate(PROMPT, max_tokens=200, temperature=0)
        after = counter
    finally:
        sys.setswitchinterval(old_interval)
        done.set()
        thread.join()
    assert text
    assert after > before


def test_cancel_from_another_thread(qwen2: hearth.Model) -> None:
    ctx = qwen2.context(n_ctx=512)
    started = threading.Event()

    def on_token(token: int, text: str) -> None:
        started.set()

    canceller = threading.Thread(target=lambda: (started.wait(), ctx.cancel()))
    canceller.start()
    with pytest.raises(hearth.CancelledError):
        ctx.generate(PROMPT, max_tokens=500, callback=lambda t, s: (on_token(t, s), time.sleep(0.001))[1])
    canceller.join()
    assert ctx.position < 500


def test_context_rejects_concurrent_calls(qwen2: hearth.Model) -> None:
    ctx = qwen2.context(n_ctx=128)
    errors = []

    def on_token(token: int, text: str) -> bool:
        try:
            ctx.eval([1])
        except RuntimeError as error:
            errors.append(error)
        return True

    ctx.generate(PROMPT, max_tokens=5, callback=on_token)
    assert errors and "in use" in str(errors[0])


CTRL_C_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys, time
    import hearth

    model = hearth.Model(sys.argv[1])
    ctx = model.context(n_ctx=2048)
    count = 0

    def on_token(token, text):
        global count
        count += 1
        if count == 5:
            os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.002)

    try:
        if sys.argv[2] == "generate":
            ctx.generate("Once upon a time", max_tokens=2000, callback=on_token)
        else:
            for piece in ctx.stream("Once upon a time", max_tokens=2000):
                on_token(0, piece)
    except KeyboardInterrupt:
        ctx.truncate(0)
        after = ctx.generate("Hello", max_tokens=3)
        print("interrupted", count, after.n_generated_tokens)
        sys.exit(0)
    print("finished", count)
    sys.exit(1)
    """
)


@pytest.mark.parametrize("mode", ["generate", "stream"])
def test_ctrl_c_cancels_generation(mode: str, tmp_path: Path) -> None:
    script = tmp_path / "ctrl_c.py"
    script.write_text(CTRL_C_SCRIPT)
    proc = subprocess.run(
        [sys.executable, str(script), str(model_path("tiny-qwen2-Q8_0")), mode],
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    words = proc.stdout.split()
    assert words[0] == "interrupted"
    assert int(words[1]) < 2000
    assert int(words[2]) == 3  # The context works again after the interrupt.
