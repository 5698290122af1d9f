"""Reading many repositories: in this process, or in worker processes for a large farm."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import chain, islice
from pathlib import Path
from typing import TypeVar

from jenkins_docker_sdk.errors import InputError
from jenkins_docker_sdk.model import (
    FarmSettings,
    Problem,
    TeamRepo,
)
from jenkins_docker_sdk.reading._dockerfile import (
    go_runtime_loaded,
)
from jenkins_docker_sdk.reading._repo import RepoReader

T = TypeVar("T")


#: Farms with at least this many repositories are read by several processes.
PARALLEL_THRESHOLD = 200


#: Repositories per task handed to a worker: small enough to keep both cores busy to the end.
CHUNK_SIZE = 100


def load_repos(
    root: Path,
    rels: Iterator[Path],
    settings: FarmSettings,
    problems: list[Problem],
    workers: int,
    each_chunk: Callable[[list[TeamRepo]], T],
) -> tuple[list[TeamRepo], list[T]]:
    """Read every repository, in several processes for a large farm, keeping farm order.

    Chunks are handed out while the farm is still being walked, so the walk overlaps with
    the workers' start and work. Workers are forked, so that they start with every module
    this process imported, unless this process has loaded the Dockerfile parser: it is a Go
    library, and a Go runtime does not survive fork (a forked child may hang). Then they
    are spawned, and each imports the SDK itself.
    """
    first = list(islice(rels, PARALLEL_THRESHOLD))
    count = workers or (min(os.cpu_count() or 1, 8) if len(first) >= PARALLEL_THRESHOLD else 1)
    if count < 2:
        chunks = [_load_chunk(root, [*first, *rels], settings, each_chunk)]
    else:
        start = "spawn" if go_runtime_loaded() or not hasattr(os, "fork") else "fork"
        with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context(start)) as pool:
            try:
                futures = [
                    pool.submit(_load_chunk, root, part, settings, each_chunk)
                    for part in _batches(chain(first, rels), CHUNK_SIZE)
                ]
                chunks = [future.result() for future in futures]
            except BaseException:  # Ctrl-C or a failed chunk: do not read the rest first
                pool.shutdown(wait=True, cancel_futures=True)  # only the chunks already started
                raise
    repos: list[TeamRepo] = []
    results: list[T] = []
    for chunk_repos, chunk_problems, chunk_result in chunks:
        repos.extend(chunk_repos)
        problems.extend(chunk_problems)
        if chunk_result is not None:
            results.append(chunk_result)
    return repos, results


def _batches(items: Iterable[Path], size: int) -> Iterator[list[Path]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _load_chunk(
    root: Path, rels: list[Path], settings: FarmSettings, each_chunk: Callable[[list[TeamRepo]], T]
) -> tuple[list[TeamRepo], list[Problem], T | None]:
    problems: list[Problem] = []
    with gc_paused():
        repos = [repo for rel in rels if (repo := _load_repo(root, rel, settings, problems))]
        return repos, problems, None if problems else each_chunk(repos)


def _load_repo(root: Path, rel: Path, settings: FarmSettings, problems: list[Problem]) -> TeamRepo | None:
    """One repository; an input error that escapes its reader is its problem, not the farm's end."""
    try:
        return RepoReader(root, rel, settings, problems).load()
    except InputError as exc:
        problems.extend(exc.problems)
        return None


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a batch of acyclic models is built.

    Reading a large farm allocates millions of small objects that all survive; the
    collector would scan them again and again (measured: 11% of the CPU time of reading
    a 25,000-job farm in one process). It is switched back on afterwards if it was on before; the few
    cycles made meanwhile are collected then.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
