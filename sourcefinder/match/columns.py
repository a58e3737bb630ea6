"""A column of many strings held as one UTF-8 buffer and its offsets (two numpy arrays): saved and memory-mapped
as they are, so a million titles load in no time, and each string decoded only when it is read."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

import numpy as np


class StringColumn(Sequence[str]):
    """Strings ``k`` = ``data[offsets[k]:offsets[k + 1]]`` decoded as UTF-8."""

    def __init__(self, offsets: np.ndarray, data: np.ndarray) -> None:
        self.offsets = offsets
        self.data = data

    @classmethod
    def of(cls, strings: Iterable[str]) -> StringColumn:
        """The column of these strings."""
        encoded = [s.encode("utf-8") for s in strings]
        offsets = np.zeros(len(encoded) + 1, np.int64)
        np.cumsum(np.fromiter(map(len, encoded), np.int64, len(encoded)), out=offsets[1:])
        return cls(offsets, np.frombuffer(b"".join(encoded), np.uint8))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @overload
    def __getitem__(self, k: int) -> str: ...

    @overload
    def __getitem__(self, k: slice) -> list[str]: ...

    def __getitem__(self, k: int | slice) -> str | list[str]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        if k < 0:
            k += len(self)
        start, end = int(self.offsets[k]), int(self.offsets[k + 1])
        return self.data[start:end].tobytes().decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        blob, bounds = self.data.tobytes(), self.offsets.tolist()
        return (blob[a:b].decode("utf-8") for a, b in zip(bounds, bounds[1:], strict=False))

    def __add__(self, other: Sequence[str]) -> list[str]:
        return [*self, *other]

    def to_parts(self, name: str) -> dict[str, Any]:
        """The two arrays, named for saving."""
        return {f"{name}.offsets": self.offsets, f"{name}.data": self.data}

    @classmethod
    def from_parts(cls, parts: dict[str, Any], name: str) -> StringColumn:
        """The column ``to_parts`` wrote under ``name``."""
        return cls(parts[f"{name}.offsets"], parts[f"{name}.data"])


def column(strings: Sequence[str]) -> StringColumn:
    """``strings`` as a StringColumn (itself when it is one)."""
    return strings if isinstance(strings, StringColumn) else StringColumn.of(strings)
