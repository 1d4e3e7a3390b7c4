"""Admission control in each worker: bounded work at once, a short queue, and a fast refusal past it.

A worker has many threads so that slow clients cannot take them all (``web.worker``), but only ``WORK_SLOTS`` of
them search at once: more would share the same core and each answer later. Behind them at most ``QUEUE`` requests
wait their turn, each for at most ``SLOT_WAIT`` seconds; a request that finds the queue full, or whose wait runs
out, gets 503 with ``Retry-After`` at once. The queue absorbs a burst (sixteen clients at once against two workers'
eight slots are all answered, even on a busy machine) and its bound keeps a real overload from holding every
thread: whether to refuse is decided by how many wait, not only by how long.

A heavy search (``engine.query_cost`` past ``HEAVY_COST``) also needs the service's one heavy lane, shared by every
worker through an ``flock``; while it is taken another heavy search gets 429 at once. A heavy search leaves the lane
closed behind it for ``CLOSED_FOR`` times as long as it held it (the time it reopens is written in the lock file, so
every worker sees it): a flood of expensive queries keeps at most a quarter of one core busy, where it had kept a
whole core of two, and leaves the rest to everyone else.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import struct
import tempfile
import threading
import weakref
from pathlib import Path
from time import monotonic
from typing import NoReturn

from searchsvc.errors import SearchError
from searchsvc.web.fallback import MESSAGES

WORK_SLOTS = 4
# With the slots, half of a worker's 32 threads (``gunicorn.conf.py``): a burst of sixteen clients that all land on
# one worker is still queued, and the other half of the threads stays free to read, refuse and answer.
QUEUE = 12
# No longer than the request's own budget (``service.QUERY_TIME_BUDGET``): an answer later than that is not wanted.
SLOT_WAIT = 2.0
# Posting lists read, in multiples of the index size, past which a search is heavy: each common syllable (and each
# pair of neighbours) reads up to one index worth, so a query of four common words reads up to seven; 32 of them,
# the most expensive query there is, read up to 63.
HEAVY_COST = 12.0
# The lane's duty cycle under a flood is 1 / (1 + CLOSED_FOR): at 1 (half a core) a normal query's p99 still
# passed 500 ms beside the flood on a busy machine (docs/ATTACK.md).
CLOSED_FOR = 3.0
# The lock file's content: when the lane reopens, in ``time.monotonic`` seconds. No search holds the lane longer than
# gunicorn lets a request run (30 s), so a time further ahead than the lane stays closed after that was written
# before a reboot (the clock restarts) and is void.
REOPENS = struct.Struct("d")
LONGEST_CLOSED = CLOSED_FOR * 30.0


class Overloaded(SearchError):
    """Every work slot stayed busy: try again shortly."""

    status = 503
    code = MESSAGES[503][0]


class TooManyHeavy(SearchError):
    """Another heavy search is running in this worker: try again shortly."""

    status = 429
    code = MESSAGES[429][0]


class Admission:
    def __init__(self, lane: Path, slots: int = WORK_SLOTS, wait: float = SLOT_WAIT, queue: int = QUEUE):
        """``lane``: the lock file of the heavy lane, the same for every worker serving one index."""
        self._slots = threading.BoundedSemaphore(slots)
        self._queue = threading.BoundedSemaphore(slots + queue)  # a slot or a place in the queue
        self._heavy = threading.Lock()  # flock is per process: threads of one worker are told apart here
        self._lane = os.open(lane, os.O_RDWR | os.O_CREAT, 0o644)
        weakref.finalize(self, os.close, self._lane)
        self._wait = wait
        self._lane_taken = 0.0

    def enter(self, cost: float) -> bool:
        """Admit a request whose search costs ``cost``, or refuse it; True when it took the heavy lane.

        ``leave`` (with what this returned) gives back what it took.
        """
        heavy = cost > HEAVY_COST
        if heavy and not self._take_lane():
            raise TooManyHeavy(MESSAGES[429][1])
        if not self._queue.acquire(blocking=False):
            self._refuse(heavy)
        if not self._slots.acquire(timeout=self._wait):
            self._queue.release()
            self._refuse(heavy)
        return heavy

    def leave(self, heavy: bool) -> None:
        self._slots.release()
        self._queue.release()
        if heavy:
            self._give_lane()

    def _refuse(self, heavy: bool) -> NoReturn:
        if heavy:
            self._give_lane()
        raise Overloaded(MESSAGES[503][1])

    def _take_lane(self) -> bool:
        if not self._heavy.acquire(blocking=False):
            return False
        try:
            fcntl.flock(self._lane, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._heavy.release()
            return False
        written, now = os.pread(self._lane, REOPENS.size, 0), monotonic()
        if len(written) == REOPENS.size and now < REOPENS.unpack(written)[0] <= now + LONGEST_CLOSED:
            self._release_lane()
            return False
        self._lane_taken = monotonic()
        return True

    def _give_lane(self) -> None:
        """Back to the lane, closed for a while after (``monotonic`` is the same clock in every process)."""
        now = monotonic()
        os.pwrite(self._lane, REOPENS.pack(now + CLOSED_FOR * (now - self._lane_taken)), 0)
        self._release_lane()

    def _release_lane(self) -> None:
        fcntl.flock(self._lane, fcntl.LOCK_UN)
        self._heavy.release()


def heavy_lane_path(index_dir: Path) -> Path:
    """One lock file per served index, so two services on one machine do not share a lane."""
    digest = hashlib.sha1(str(Path(index_dir).resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"searchsvc-heavy-{digest}.lock"
