"""A saved index on disk: a folder of named parts, numpy arrays as ``.npy`` files (memory-mapped when read, so a
large index loads in seconds and its pages are shared), sparse matrices as their three arrays, and everything
else (lists of strings, numbers, settings) in one JSON file. Written to a new folder and swapped in, so a reader
never sees half an index."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

FORMAT = "sourcefinder-index"
VERSION = 3  # 2: strings as columns, cached title-side arrays saved; 3: colour codes
_VALUES = "values.json"


class IndexFileError(ValueError):
    """A saved index that cannot be read: missing, of another format or version, or damaged."""


def _array_file(folder: Path, name: str) -> Path:
    return folder / f"{name}.npy"


def write_parts(path: str | Path, parts: dict[str, Any]) -> Path:
    """Save ``parts`` (name -> numpy array, CSR matrix or JSON value) as the folder ``path``, replacing what was
    there only once everything is written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_name(f".{path.name}.new-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir()
    values: dict[str, Any] = {"format": FORMAT, "version": VERSION, "arrays": [], "matrices": {}}
    for name, value in parts.items():
        if sparse.issparse(value):
            matrix = value.tocsr()
            for piece in ("data", "indices", "indptr"):
                np.save(_array_file(fresh, f"{name}.{piece}"), getattr(matrix, piece), allow_pickle=False)
            values["matrices"][name] = list(matrix.shape)
        elif isinstance(value, np.ndarray) and value.dtype != object:
            np.save(_array_file(fresh, name), value, allow_pickle=False)
            values["arrays"].append(name)
        else:
            values[f"value.{name}"] = value
    (fresh / _VALUES).write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
    old = path.with_name(f".{path.name}.old-{os.getpid()}")
    if path.exists():
        path.rename(old)
    fresh.rename(path)
    shutil.rmtree(old, ignore_errors=True)
    return path


def read_parts(path: str | Path) -> dict[str, Any]:
    """The parts saved by ``write_parts``; arrays memory-mapped copy-on-write (the file is never written; pages are shared until changed)."""
    path = Path(path)
    try:
        values = json.loads((path / _VALUES).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise IndexFileError(f"no saved index at {path}") from exc
    except (OSError, ValueError) as exc:
        raise IndexFileError(f"the index at {path} cannot be read: {exc}") from exc
    if values.get("format") != FORMAT or values.get("version") != VERSION:
        raise IndexFileError(f"{path} is not a sourcefinder index of version {VERSION}: rebuild it")
    try:
        parts: dict[str, Any] = {n: np.load(_array_file(path, n), mmap_mode="c") for n in values["arrays"]}
        for name, shape in values["matrices"].items():
            data, indices, indptr = (
                np.load(_array_file(path, f"{name}.{piece}"), mmap_mode="c")
                for piece in ("data", "indices", "indptr")
            )
            parts[name] = sparse.csr_matrix((data, indices, indptr), shape=tuple(shape), copy=False)
    except (OSError, ValueError) as exc:
        raise IndexFileError(f"the index at {path} is damaged: {exc}") from exc
    parts.update({k.removeprefix("value."): v for k, v in values.items() if k.startswith("value.")})
    return parts


def saved_at(path: str | Path) -> float | None:
    """When the index at ``path`` was last saved (its modification time), None when there is none."""
    try:
        return (Path(path) / _VALUES).stat().st_mtime
    except OSError:
        return None
