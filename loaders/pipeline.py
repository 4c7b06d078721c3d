"""Two cores at work on one upload: a chunk parsed ahead, a chunk written behind, in threads of their own.

polars parsing and ADBC writing release the GIL while Python hashes ID numbers, so reading the
next chunk and writing the last one overlap with the work on this one. Each side holds at most
`depth` chunks waiting, so memory stays bounded; an error in either thread is raised in the caller.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()
_WAIT = 0.1  # seconds between looks at whether the other side has stopped


def ahead(items: Iterable[T], depth: int = 2) -> Iterator[T]:
    """`items` in order, produced in a thread of their own up to `depth` ahead of the caller."""
    waiting: queue.Queue = queue.Queue(maxsize=depth)
    stopped = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if not _put(waiting, (item, None), stopped):
                    return
            _put(waiting, (_DONE, None), stopped)
        except BaseException as error:  # raised again in the caller's thread
            _put(waiting, (_DONE, error), stopped)

    thread = threading.Thread(target=produce, name="dibao-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item, error = waiting.get()
            if item is _DONE:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stopped.set()
        thread.join()


class Behind:
    """Hands items to `consume` in a thread of its own, at most `depth` waiting; `close` waits for the last."""

    def __init__(self, consume: Callable[[T], None], depth: int = 2) -> None:
        self._waiting: queue.Queue = queue.Queue(maxsize=depth)
        self._stopped = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(consume,), name="dibao-write-behind", daemon=True)
        self._thread.start()

    def _run(self, consume: Callable[[T], None]) -> None:
        while (item := self._waiting.get()) is not _DONE:
            if self._error is None:
                try:
                    consume(item)
                except BaseException as error:
                    self._error = error
                    self._stopped.set()

    def put(self, item: T) -> None:
        self._raise()
        _put(self._waiting, item, self._stopped)
        self._raise()

    def close(self) -> None:
        """Wait until every item is consumed; raise the consumer's error, if any."""
        if self._thread.is_alive():
            self._waiting.put(_DONE)
            self._thread.join()
        self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error


def _put(waiting: queue.Queue, item, stopped: threading.Event) -> bool:
    """Put `item` once there is room; False when the other side stopped first."""
    while not stopped.is_set():
        try:
            waiting.put(item, timeout=_WAIT)
            return True
        except queue.Full:
            continue
    return False
