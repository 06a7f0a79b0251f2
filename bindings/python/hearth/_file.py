"""GGUF files: metadata as a read-only mapping, and the tensor table."""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple, Union

from . import _hearth

PathLike = Union[str, "os.PathLike[str]"]


class ValueType(enum.IntEnum):
    """GGUF metadata value types, numbered as in the format."""

    UINT8 = 0
    INT8 = 1
    UINT16 = 2
    INT16 = 3
    UINT32 = 4
    INT32 = 5
    FLOAT32 = 6
    BOOL = 7
    STRING = 8
    ARRAY = 9
    UINT64 = 10
    INT64 = 11
    FLOAT64 = 12


class Metadata(Mapping[str, Any]):
    """Read-only, dict-like view of a GGUF file's metadata.

    Values convert to Python types: integers to ``int``, floats to ``float``, booleans to ``bool``, strings to
    ``str`` and arrays to ``list``. Values are read on first access and cached.
    """

    def __init__(self, file: _hearth.File) -> None:
        self._file = file
        self._keys: Optional[Dict[str, None]] = None
        self._cache: Dict[str, Any] = {}

    def _key_index(self) -> Dict[str, None]:
        if self._keys is None:
            count = self._file.metadata_count()
            self._keys = dict.fromkeys(self._file.metadata_key(i) for i in range(count))
        return self._keys

    def __getitem__(self, key: str) -> Any:
        if key in self._cache:
            return self._cache[key]
        if not isinstance(key, str) or key not in self._key_index():
            raise KeyError(key)
        value = self._file.metadata_value(key)
        self._cache[key] = value
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._key_index()

    def __iter__(self) -> Iterator[str]:
        return iter(self._key_index())

    def __len__(self) -> int:
        return len(self._key_index())

    def __repr__(self) -> str:
        return f"<hearth.Metadata with {len(self)} keys>"

    def value_type(self, key: str) -> Tuple[ValueType, Optional[ValueType], int]:
        """(type, element type for arrays else None, array length else 0) of the value under ``key``."""
        if key not in self:
            raise KeyError(key)
        value_type, element_type, length = self._file.metadata_type(key)
        if value_type != ValueType.ARRAY:
            return ValueType(value_type), None, 0
        return ValueType(value_type), ValueType(element_type), int(length)

    def json(self, key: str, max_elements: int = 0) -> str:
        """The value under ``key`` rendered as JSON by the library (long arrays cut at ``max_elements``)."""
        if key not in self:
            raise KeyError(key)
        return self._file.metadata_json(key, max_elements)


@dataclass(frozen=True)
class TensorInfo:
    """One entry of a GGUF file's tensor table. ``shape[0]`` is the contiguous dimension."""

    name: str
    type: int
    type_name: str
    shape: Tuple[int, ...]
    offset: int
    n_bytes: int


class GGUFFile:
    """Any valid GGUF file (whether or not hearth can run it): metadata and tensor table.

    The file is memory-mapped; no tensor data is read. Raises NotFoundError (a FileNotFoundError) for a missing
    file and InvalidFileError for a malformed one.
    """

    def __init__(self, path: PathLike) -> None:
        self.path = os.fspath(path)
        self._file = _hearth.File.open(self.path)
        self._metadata = Metadata(self._file)
        self._tensors: Optional[List[TensorInfo]] = None

    @property
    def version(self) -> int:
        """GGUF format version (2 or 3)."""
        return int(self._file.version)

    @property
    def architecture(self) -> str:
        """Value of general.architecture."""
        return str(self._file.architecture)

    @property
    def metadata(self) -> Metadata:
        return self._metadata

    @property
    def tensors(self) -> List[TensorInfo]:
        if self._tensors is None:
            self._tensors = [_tensor_info(self._file.tensor_info(i)) for i in range(self._file.tensor_count())]
        return list(self._tensors)

    def close(self) -> None:
        """Unmaps the file; later calls raise ValueError."""
        self._file.close()

    def __enter__(self) -> "GGUFFile":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<hearth.GGUFFile {self.path!r}>"


def _tensor_info(raw: Dict[str, Any]) -> TensorInfo:
    return TensorInfo(
        name=raw["name"],
        type=int(raw["type"]),
        type_name=raw["type_name"],
        shape=tuple(int(d) for d in raw["shape"]),
        offset=int(raw["offset"]),
        n_bytes=int(raw["n_bytes"]),
    )


__all__ = ["GGUFFile", "Metadata", "TensorInfo", "ValueType"]
