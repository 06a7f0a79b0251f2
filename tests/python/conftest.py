"""Fixtures of the Python binding tests: shared tiny models (read in place from ../shared) and the library."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict

import pytest

REPO = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    return Path(os.environ.get("HEARTH_SHARED_DIR") or REPO.parent / "shared")


def require_shared(relative: str) -> Path:
    path = shared_dir() / relative
    if not shared_dir().is_dir():
        pytest.skip(f"shared reference data not found at {shared_dir()}")
    assert path.exists(), f"{path} is missing from the shared data"
    return path


def model_path(name: str) -> Path:
    return require_shared(f"data/models/{name}.gguf")


def golden(name: str, kind: str) -> Dict[str, Any]:
    return json.loads(require_shared(f"data/golden/{name}.{kind}.json").read_text())


@pytest.fixture(scope="session")
def qwen2_path() -> Path:
    return model_path("tiny-qwen2-Q8_0")


@pytest.fixture(scope="session")
def qwen2(qwen2_path: Path):
    import hearth

    model = hearth.Model(qwen2_path, n_ctx=512)
    yield model
    model.close()
