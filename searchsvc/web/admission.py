"""Admission control in each worker: bounded work at once, and a fast refusal instead of a queue that grows.

A worker has many threads so that slow clients cannot take them all (``web.worker``), but only ``WORK_SLOTS`` of
them search at once: more would share the same core and each answer later. A request waits at most ``SLOT_WAIT``
seconds for a slot, then gets 503 with ``Retry-After``. A heavy search (``engine.query_cost`` past ``HEAVY_COST``)
also needs the worker's one heavy lane; while it is taken another heavy search gets 429 at once, so a flood of
expensive queries keeps one slot per worker and leaves the rest to everyone else.
"""

from __future__ import annotations

import threading

from searchsvc.errors import SearchError
from searchsvc.web.fallback import MESSAGES

WORK_SLOTS = 4
SLOT_WAIT = 0.5
# Posting lists read, in multiples of the index size, past which a search is heavy: an ordinary query of a few
# common words reads about one index worth; a flood of 30 common words reads ten or more.
HEAVY_COST = 4.0


class Overloaded(SearchError):
    """Every work slot stayed busy: try again shortly."""

    status = 503
    code = MESSAGES[503][0]


class TooManyHeavy(SearchError):
    """Another heavy search is running in this worker: try again shortly."""

    status = 429
    code = MESSAGES[429][0]


class Admission:
    def __init__(self, slots: int = WORK_SLOTS, wait: float = SLOT_WAIT):
        self._slots = threading.BoundedSemaphore(slots)
        self._heavy = threading.Lock()
        self._wait = wait

    def enter(self, cost: float) -> bool:
        """Admit a request whose search costs ``cost``, or refuse it; True when it took the heavy lane.

        ``leave`` (with what this returned) gives back what it took.
        """
        heavy = cost > HEAVY_COST
        if heavy and not self._heavy.acquire(blocking=False):
            raise TooManyHeavy(MESSAGES[429][1])
        if not self._slots.acquire(timeout=self._wait):
            if heavy:
                self._heavy.release()
            raise Overloaded(MESSAGES[503][1])
        return heavy

    def leave(self, heavy: bool) -> None:
        self._slots.release()
        if heavy:
            self._heavy.release()
