"""One time budget per request, checked between the steps of the work (matching, ranking, snippets, facets, pages).

The web layer opens a budget when a request starts; the search code calls ``check_budget`` at each step, so a
request that would hold a worker past its budget stops with ``QueryTooExpensive`` at the next step instead of
running on after its client has given up. Nested budgets keep the earliest deadline. A context variable rather
than an argument, because every route's work (search, facet search, suggestions, reports, pages) has steps to check
and none of it should care who set the budget; outside a budget (the CLI without one) checks pass.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from searchsvc.errors import QueryTooExpensive

_deadline: ContextVar[float | None] = ContextVar("searchsvc_deadline", default=None)


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Run the block within ``seconds`` from now (or within the budget already open, if it ends sooner)."""
    deadline = time.monotonic() + seconds
    outer = _deadline.get()
    token = _deadline.set(deadline if outer is None else min(outer, deadline))
    try:
        yield
    finally:
        _deadline.reset(token)


def check_budget() -> None:
    """Stop the request if its budget is spent."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise QueryTooExpensive("Yêu cầu cần quá nhiều thời gian để trả lời; hãy rút gọn câu tìm kiếm hoặc bớt bộ lọc.",
                                param="q")
