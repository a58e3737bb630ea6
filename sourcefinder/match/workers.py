"""Parallel work of the matcher: a map over items in forked processes, owned by the caller (a context manager).

Forked children inherit the caller's objects (the factory index, the retail listings) instead of receiving them
pickled; only each item's result travels back. Nothing is kept in module state: the function a child runs is
handed to it at the fork, as a closure.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import traceback
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class WorkerError(RuntimeError):
    """A worker process failed: the message names the exception it raised, or how it ended."""


def _serve(
    function: Callable[[Any], Any],
    items: Sequence[Any],
    tasks: Any,
    results: Any,
    setup: Callable[[], None] | None,
) -> None:
    """A child's loop: take item numbers until None, put (number, ok, result or error text) for each."""
    gc.disable()  # the children's objects hold no cycles; collections would copy the pages they share
    if setup is not None:
        setup()
    while (number := tasks.get()) is not None:
        try:
            results.put((number, True, function(items[number])))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
            detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
            results.put((number, False, detail))


class Workers:
    """Runs ``map`` on ``processes`` forked children (in the calling process when there is one core or one item).

    Use it as a context manager: ``with Workers() as workers: index = FactoryIndex.build(rows, workers)``.
    Each ``map`` forks its children and joins them before it returns; ``close`` ends any that are left."""

    def __init__(self, processes: int | None = None) -> None:
        self.processes = max(1, processes or os.cpu_count() or 1)
        self._children: list[multiprocessing.process.BaseProcess] = []
        self.closed = False

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def parallel(self) -> bool:
        """Whether ``map`` forks (several processes, and a platform that can fork)."""
        return self.processes > 1 and "fork" in multiprocessing.get_all_start_methods()

    def close(self) -> None:
        """End any child still running (after an interrupted map); the workers take no more work."""
        for child in self._children:
            if child.is_alive():
                child.terminate()
            child.join()
        self._children = []
        self.closed = True

    def map(
        self,
        function: Callable[[T], R],
        items: Sequence[T],
        setup: Callable[[], None] | None = None,
        meanwhile: Callable[[], None] | None = None,
    ) -> list[R]:
        """``[function(item) for item in items]``, on the children when there are several items; ``setup`` runs
        once in each child first; ``meanwhile`` runs in this process while the children work (after the items
        when there are no children)."""
        if self.closed:
            raise WorkerError("these workers are closed")
        if not self.parallel or len(items) < 2:
            results = [function(item) for item in items]
            if meanwhile is not None:
                meanwhile()
            return results
        return self._forked(function, items, setup, meanwhile)

    def _forked(
        self,
        function: Callable[[T], R],
        items: Sequence[T],
        setup: Callable[[], None] | None,
        meanwhile: Callable[[], None] | None,
    ) -> list[R]:
        context = multiprocessing.get_context("fork")
        tasks, results = context.SimpleQueue(), context.Queue()
        for number in range(len(items)):
            tasks.put(number)
        count = min(self.processes, len(items))
        for _ in range(count):
            tasks.put(None)
        gc.freeze()  # the parent's objects leave the collector, so the children's pages stay shared
        try:
            self._children = [
                context.Process(target=_serve, args=(function, items, tasks, results, setup), daemon=True)
                for _ in range(count)
            ]
            for child in self._children:
                child.start()
            if meanwhile is not None:
                meanwhile()
            out = self._collect(results, len(items))
        finally:
            gc.unfreeze()
            self.close()
            self.closed = False
        return out

    def _collect(self, results: Any, expected: int) -> list:
        """The results in item order; raises WorkerError when a child failed or died."""
        out: list = [None] * expected
        for _ in range(expected):
            while True:
                try:
                    number, ok, value = results.get(timeout=1.0)
                    break
                except queue.Empty:
                    dead = [c for c in self._children if c.exitcode not in (None, 0)]
                    if dead:
                        raise WorkerError(
                            f"a worker process ended with exit code {dead[0].exitcode}"
                        ) from None
            if not ok:
                raise WorkerError(f"a worker failed: {value}")
            out[number] = value
        return out
