#!/usr/bin/env python3
"""Generate text with hearth from Python: streams a continuation of a prompt.

    python examples/python/generate.py MODEL.gguf "Once upon a time" [--max-tokens 64] [--temperature 0.8]
"""

from __future__ import annotations

import argparse
import sys

import hearth


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="path of a GGUF model")
    parser.add_argument("prompt", help="text to continue")
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--temperature", type=float, default=0.8)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()

    try:
        model = hearth.Model(args.model)
    except hearth.HearthError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    info = model.info
    print(f"hearth {hearth.__version__}: {info.architecture}, {info.n_layer} layers, {info.n_vocab} tokens",
          file=sys.stderr)
    print(args.prompt, end="", flush=True)
    try:
        for piece in model.stream(args.prompt, max_tokens=args.max_tokens, temperature=args.temperature,
                                  seed=args.seed):
            print(piece, end="", flush=True)
    except KeyboardInterrupt:
        print("\n[interrupted]", file=sys.stderr)
        return 130
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
