"""One run of a job at a time: an exclusive lock on a file per job (fcntl), released even by a killed run."""

from __future__ import annotations

import fcntl
import os
import re
from pathlib import Path
from types import TracebackType


class JobLocked(RuntimeError):
    """Another run of the same job holds its lock."""


def lock_path(db_path: str | Path, job: str) -> Path:
    """The lock file of ``job`` for the database at ``db_path``: beside it, under locks/."""
    safe = re.sub(r"[^\w.-]", "_", job)
    return Path(db_path).parent / "locks" / f"{safe}.lock"


class JobLock:
    """``with JobLock(path, job):`` holds the job's lock or raises JobLocked at once (it never waits).

    The kernel drops the lock when its process ends, however it ends, so a killed run never blocks the next.
    The file keeps the holder's pid, for the message of the run that was refused."""

    def __init__(self, path: str | Path, job: str) -> None:
        self.path = Path(path)
        self.job = job
        self.handle: int | None = None

    def __enter__(self) -> JobLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(handle, 32).decode(errors="replace").strip() or "unknown"
            os.close(handle)
            raise JobLocked(
                f"job {self.job!r} is already running (pid {holder}); this run is skipped"
            ) from None
        os.ftruncate(handle, 0)
        os.write(handle, str(os.getpid()).encode())
        self.handle = handle
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.handle is not None:
            os.ftruncate(self.handle, 0)
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            os.close(self.handle)
            self.handle = None
