"""hearth: run quantized GGUF language models on the local machine.

    import hearth
    model = hearth.Model("model.gguf")
    print(model.generate("The capital of France is", max_tokens=16, temperature=0))
    for piece in model.stream("Once upon a time", max_tokens=64):
        print(piece, end="", flush=True)

Thin bindings over the hearth C library (include/hearth/hearth.h); ``hearth.__version__`` is the version of the
library actually loaded.
"""

from pkgutil import extend_path

# In a build tree the compiled module sits in <build>/bindings/python/hearth/, a second directory of this
# package on sys.path; an installed package has it here.
__path__ = extend_path(__path__, __name__)

from . import _hearth  # noqa: E402
from ._context import Context, GenerateResult, StopReason  # noqa: E402
from ._errors import (  # noqa: E402
    BufferTooSmallError,
    CancelledError,
    ContextFullError,
    HearthError,
    HearthIOError,
    InternalError,
    InvalidArgumentError,
    InvalidFileError,
    NotFoundError,
    OutOfMemoryError,
    UnsupportedError,
    WrongTypeError,
)
from ._file import GGUFFile, Metadata, TensorInfo, ValueType  # noqa: E402
from ._model import Model, ModelInfo  # noqa: E402
from ._sampler import Sampler  # noqa: E402

__version__: str = _hearth.version_string()


def open_file(path: str) -> GGUFFile:
    """Opens any GGUF file for its metadata and tensor table (see GGUFFile)."""
    return GGUFFile(path)


__all__ = [
    "BufferTooSmallError",
    "CancelledError",
    "Context",
    "ContextFullError",
    "GGUFFile",
    "GenerateResult",
    "HearthError",
    "HearthIOError",
    "InternalError",
    "InvalidArgumentError",
    "InvalidFileError",
    "Metadata",
    "Model",
    "ModelInfo",
    "NotFoundError",
    "OutOfMemoryError",
    "Sampler",
    "StopReason",
    "TensorInfo",
    "UnsupportedError",
    "ValueType",
    "WrongTypeError",
    "__version__",
    "open_file",
]
