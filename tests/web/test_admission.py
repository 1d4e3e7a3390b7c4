"""Admission control: bounded work per worker, a short queue behind it and a fast refusal with Retry-After past
the queue, and heavy searches limited to one lane so a flood of them leaves room for everyone else."""

from __future__ import annotations

import threading

import pytest

from searchsvc.web.admission import HEAVY_COST, REOPENS, Admission, Overloaded, TooManyHeavy
from searchsvc.web.app import ADMISSION_EXTENSION, create_app

HEAVY_Q = "xã huyện tỉnh hội nghị kế hoạch triển khai công tác năm"


class Clock:
    """``time.monotonic`` for admission control, moved by hand: a search held the lane exactly as long as said."""

    now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("searchsvc.web.admission.monotonic", clock)
    return clock


def test_a_worker_admits_its_slots_and_refuses_the_next_at_once(tmp_path):
    admission = Admission(tmp_path / "lane", slots=2, wait=0)
    taken = [admission.enter(0.0), admission.enter(0.0)]
    with pytest.raises(Overloaded):
        admission.enter(0.0)
    admission.leave(taken.pop())
    assert admission.enter(0.0) is False


def in_thread(call):
    """Run ``call`` in a thread; the thread and a list that will hold what it returned or raised."""
    outcome = []

    def run():
        try:
            outcome.append(call())
        except Overloaded as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_a_request_waits_in_the_queue_for_the_next_free_slot(tmp_path):
    admission = Admission(tmp_path / "lane", slots=1, queue=1, wait=3600)
    taken = admission.enter(0.0)
    waiting, outcome = in_thread(lambda: admission.enter(0.0))
    waiting.join(0.2)
    assert waiting.is_alive() and outcome == []  # queued, not refused
    admission.leave(taken)
    waiting.join(10)
    assert outcome == [False]


def test_a_full_queue_refuses_at_once_however_long_the_wait_allowed(tmp_path):
    admission = Admission(tmp_path / "lane", slots=1, queue=1, wait=3600)
    admission.enter(0.0)
    queued, _ = in_thread(lambda: admission.enter(0.0))
    queued.join(0.2)
    refused, outcome = in_thread(lambda: admission.enter(0.0))
    refused.join(10)
    assert not refused.is_alive() and isinstance(outcome[0], Overloaded)


def test_one_heavy_search_at_a_time_and_light_ones_beside_it(tmp_path):
    admission = Admission(tmp_path / "lane", slots=4, wait=0)
    heavy = admission.enter(HEAVY_COST + 1)
    assert heavy is True
    with pytest.raises(TooManyHeavy):
        admission.enter(HEAVY_COST + 1)
    assert admission.enter(1.0) is False
    admission.leave(heavy)
    assert admission.enter(HEAVY_COST + 1) is True


def test_the_heavy_lane_is_shared_by_every_worker_of_one_index(tmp_path):
    first, second = Admission(tmp_path / "lane", wait=0), Admission(tmp_path / "lane", wait=0)  # two workers
    heavy = first.enter(HEAVY_COST + 1)
    with pytest.raises(TooManyHeavy):
        second.enter(HEAVY_COST + 1)
    first.leave(heavy)
    assert second.enter(HEAVY_COST + 1) is True


def test_a_heavy_search_leaves_the_lane_closed_three_times_as_long_as_it_held_it(tmp_path, clock):
    first, second = Admission(tmp_path / "lane", wait=0), Admission(tmp_path / "lane", wait=0)  # two workers
    heavy = first.enter(HEAVY_COST + 1)
    clock.now += 2.0
    first.leave(heavy)
    clock.now += 5.5
    with pytest.raises(TooManyHeavy):
        second.enter(HEAVY_COST + 1)
    assert second.enter(1.0) is False  # light searches go on
    clock.now += 0.5
    assert second.enter(HEAVY_COST + 1) is True


def test_a_closing_time_from_before_a_reboot_is_ignored(tmp_path, clock):
    (tmp_path / "lane").write_bytes(REOPENS.pack(clock.now + 86400.0))  # the clock restarts at boot
    assert Admission(tmp_path / "lane", wait=0).enter(HEAVY_COST + 1) is True


@pytest.fixture
def fresh_app(sample_index_dir, tmp_path):
    """An app whose heavy lane is its own: a lane these tests leave taken would stay locked for every later test
    on the sample index until the garbage collector closed this app's file."""
    app = create_app({"INDEX_DIR": str(sample_index_dir), "TESTING": True})
    app.extensions[ADMISSION_EXTENSION] = Admission(tmp_path / "own-lane")
    return app


def test_a_busy_heavy_lane_answers_429_with_retry_after_and_light_searches_go_on(fresh_app, monkeypatch):
    monkeypatch.setattr("searchsvc.web.admission.HEAVY_COST", 0.0)
    client = fresh_app.test_client()
    assert fresh_app.extensions[ADMISSION_EXTENSION].enter(1.0) is True  # a heavy search holds the lane
    response = client.get("/api/search", query_string={"q": HEAVY_Q})
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"
    assert response.get_json()["error"]["code"] == "too_many_requests"
    assert client.get("/api/search").status_code == 200
    page = client.get("/", query_string={"q": HEAVY_Q}, headers={"Accept": "text/html"})
    assert page.status_code == 429 and page.mimetype == "text/html"


def test_a_flood_of_one_query_is_costed_once_and_each_repeat_refused_without_it(fresh_app, monkeypatch, tmp_path):
    monkeypatch.setattr("searchsvc.web.admission.HEAVY_COST", 0.0)
    costed = []
    monkeypatch.setattr("searchsvc.web.routes.query_cost", lambda view, terms: costed.append(terms) or 100.0)
    admission = fresh_app.extensions[ADMISSION_EXTENSION] = Admission(tmp_path / "lane", wait=0)
    client = fresh_app.test_client()
    assert admission.enter(1.0) is True  # a heavy search holds the lane
    statuses = [client.get("/api/search", query_string={"q": HEAVY_Q}).status_code for _ in range(5)]
    assert statuses == [429] * 5 and len(costed) == 1


def test_no_free_slot_is_a_503_with_retry_after_in_the_error_shape(fresh_app, tmp_path):
    fresh_app.extensions[ADMISSION_EXTENSION] = Admission(tmp_path / "lane", slots=1, wait=0)
    fresh_app.extensions[ADMISSION_EXTENSION].enter(0.0)
    response = fresh_app.test_client().get("/api/search", query_string={"q": "giao ban"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    assert response.get_json()["error"]["code"] == "service_unavailable"


def test_every_request_gives_its_slot_back(fresh_app, tmp_path):
    fresh_app.extensions[ADMISSION_EXTENSION] = Admission(tmp_path / "lane", slots=1, wait=0)
    client = fresh_app.test_client()
    for path in ("/api/search?q=giao+ban", "/api/search?page=0", "/khong-co", "/?q=hội+nghị", "/api/articles/x"):
        client.get(path)
    assert client.get("/api/search").status_code == 200
