"""Many threads of one worker across index swaps: every answer is the answer a single thread gets.

The expected answers come from serial requests to an app over each corpus alone; the threads then hit one app whose
live index is rebuilt from one corpus and the other while they run. Each answer must be 200 and equal to the serial
answer of one of the two corpora: a request reads one generation from start to end, and no thread moves another's
file position.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.generate import write_corpus
from searchsvc.index.indexer import index_paths
from searchsvc.search import shared
from searchsvc.search.postings import IndexView, ViewCache
from searchsvc.web.admission import Admission
from searchsvc.web.app import ADMISSION_EXTENSION, create_app

THREADS = 6
SWAPS = 3
ROUTES = (
    "/api/search?q=hoi+nghi",
    "/api/search?q=ke+hoach&sort=newest&per_page=20",
    "/api/search?date_from=2018-01-01&date_to=2022-12-31&sort=oldest",
    "/api/facets/locality?q=an",
    "/api/facets/directive?q=ct",
    "/api/facets/author?q=nguyen",
    "/api/suggest?q=hoi+ng",
    "/api/directives",
    "/?q=trien+khai",
    "/directives?sort=date",
)


def answer(response) -> tuple[int, str]:
    """Status and body, without the one part that differs between two equal answers: the time taken."""
    body = response.get_data(as_text=True)
    if response.mimetype == "application/json":
        data = response.get_json()
        if isinstance(data, dict):
            data.pop("took_ms", None)
        body = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return response.status_code, body


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpora")
    first, second = folder / "first.jsonl", folder / "second.jsonl"
    write_corpus(first, 40, seed=1)
    write_corpus(second, 40, seed=2)
    return first, second


def serial_answers(corpus, index_dir) -> dict[str, tuple[int, str]]:
    index_paths([corpus], index_dir)
    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    return {route: answer(client.get(route)) for route in ROUTES}


def test_threads_across_index_swaps_get_the_serial_answers(corpora, tmp_path, monkeypatch):
    # Correctness, not speed: on a busy machine a thread can wait past the 2-second budget for its turn.
    monkeypatch.setattr("searchsvc.search.service.QUERY_TIME_BUDGET", 600.0)
    first, second = corpora
    expected = [serial_answers(first, tmp_path / "first"), serial_answers(second, tmp_path / "second")]
    assert all(status == 200 for answers in expected for status, _ in answers.values())
    assert expected[0] != expected[1], "the two corpora must give different answers, or a mix-up would go unseen"

    live = tmp_path / "live"
    # As ``searchsvc index`` does: each generation's shared arrays are built before it goes live.
    index_paths([first], live, prepare=shared.prepare)
    app = create_app({"INDEX_DIR": str(live), "TESTING": True})
    # Every thread searches at once, and waits its turn however busy the machine: no 503 from admission control.
    app.extensions[ADMISSION_EXTENSION] = Admission(tmp_path / "lane", slots=THREADS, wait=600)
    client = app.test_client()
    wrong, counted, stop = [], [0], threading.Event()

    def hammer(offset: int) -> None:
        turn = offset
        while not stop.is_set():
            route = ROUTES[turn % len(ROUTES)]
            turn += 1
            got = answer(client.get(route))
            counted[0] += 1
            if got not in (expected[0][route], expected[1][route]):
                wrong.append((route, got[0], got[1][:300]))

    threads = [threading.Thread(target=hammer, args=(offset,)) for offset in range(THREADS)]
    for thread in threads:
        thread.start()
    try:
        for swap in range(SWAPS):
            index_paths([second if swap % 2 == 0 else first], live, rebuild=True, allow_drop=True,
                        prepare=shared.prepare)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert counted[0] > len(ROUTES) * THREADS
    assert not wrong, wrong[:5]


def test_requests_while_a_new_generation_opens_read_the_old_one_without_waiting(corpora, tmp_path, monkeypatch):
    first, second = corpora
    live = tmp_path / "live"
    index_paths([first], live, prepare=shared.prepare)
    views = ViewCache(live)
    old = views.acquire()
    index_paths([second], live, rebuild=True, allow_drop=True)
    opening, proceed, warm = threading.Event(), threading.Event(), IndexView.warm

    def slow_warm(view):
        opening.set()
        assert proceed.wait(60)
        return warm(view)

    monkeypatch.setattr(IndexView, "warm", slow_warm)
    with ThreadPoolExecutor(1) as pool:
        opener = pool.submit(views.acquire)
        assert opening.wait(60)
        meanwhile = views.acquire()  # returns while the opener is held: nobody waits on the opening
        proceed.set()
        new = opener.result(60)
    assert meanwhile is old and new is not old and views.acquire() is new
    for view in (meanwhile, new, new):
        views.release(view)
    assert old._closer.alive  # still pinned by the first request
    views.release(old)
    assert not old._closer.alive and new._closer.alive
