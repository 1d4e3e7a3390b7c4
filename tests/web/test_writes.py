"""The write API as another service meets it: keys, 202 with a task, the task's outcome, limits, and errors in the
API's one JSON shape."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest
from click.testing import CliRunner

from searchsvc.cli import cli
from searchsvc.index import indexer, tasks
from searchsvc.index.indexer import index_paths
from searchsvc.index.tasks import TaskQueue
from searchsvc.web.app import create_app
from searchsvc.web.keys import KEYS_FILE, KeyStore
from searchsvc.web.writes import TaskApplier

from conftest import SAMPLES

ARTICLE = {"title": "Xã Văn Giáo ra mắt mô hình dân vận khéo", "body": "Ngày 5/3/2024, xã Văn Giáo tổ chức ra mắt.",
           "published": "2024-03-05"}


@pytest.fixture
def index_dir(tmp_path):
    index_dir = tmp_path / "index"
    index_paths([SAMPLES], index_dir)
    return index_dir


@pytest.fixture
def client(index_dir):
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True, "APPLY_TASKS": False}).test_client()


@pytest.fixture
def key(index_dir):
    return KeyStore(index_dir).create("cong-thong-tin", rate_per_minute=1000, max_body_bytes=4096)


def auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def apply_all(index_dir) -> None:
    while TaskQueue(index_dir).apply_pending(index_dir):
        pass


def test_a_put_is_acknowledged_with_a_task_then_searchable_and_a_delete_removes_it(client, index_dir, key):
    response = client.put("/api/articles/van-giao-1", json=ARTICLE, headers=auth(key))
    assert response.status_code == 202
    task = response.get_json()
    assert task["status"] == "queued" and response.headers["Location"] == f"/api/tasks/{task['uid']}"
    assert client.get(response.headers["Location"]).get_json()["status"] == "queued"
    apply_all(index_dir)
    done = client.get(f"/api/tasks/{task['uid']}").get_json()
    assert (done["status"], done["articles"]) == ("succeeded", 1)
    assert client.get("/api/articles/van-giao-1").get_json()["title"] == ARTICLE["title"]
    assert "van-giao-1" in {hit["id"] for hit in client.get("/api/search?q=dân vận khéo").get_json()["results"]}

    deleted = client.delete("/api/articles/van-giao-1", headers=auth(key))
    assert deleted.status_code == 202
    apply_all(index_dir)
    assert client.get(f"/api/tasks/{deleted.get_json()['uid']}").get_json()["status"] == "succeeded"
    assert client.get("/api/articles/van-giao-1").status_code == 404


def test_a_bulk_post_with_a_bad_line_fails_whole_and_names_the_line(client, index_dir, key):
    lines = [json.dumps({"id": "bulk-1", **ARTICLE}), "{broken", json.dumps({"id": "../x", **ARTICLE})]
    response = client.post("/api/articles", data="\n".join(lines), headers=auth(key))
    assert response.status_code == 202
    apply_all(index_dir)
    task = client.get(f"/api/tasks/{response.get_json()['uid']}").get_json()
    assert task["status"] == "failed"
    assert [error["line"] for error in task["errors"]] == [2, 3]
    assert client.get("/api/articles/bulk-1").status_code == 404


def test_tasks_apply_in_the_order_they_were_acknowledged(client, index_dir, key):
    client.post("/api/articles", data=json.dumps({"id": "thu-tu", **ARTICLE, "title": "Một"}), headers=auth(key))
    client.delete("/api/articles/thu-tu", headers=auth(key))
    client.put("/api/articles/thu-tu", json={**ARTICLE, "title": "Ba"}, headers=auth(key))
    apply_all(index_dir)
    assert client.get("/api/articles/thu-tu").get_json()["title"] == "Ba"


def test_a_backlog_is_applied_in_bounded_commits_in_order(client, index_dir, key, monkeypatch):
    """A worker killed while applying loses one step of a backlog, not all of it: each commit takes a slice."""
    monkeypatch.setattr(tasks, "BATCH_BYTES", 600)
    for number in range(6):
        client.put(f"/api/articles/lo-{number}", json={**ARTICLE, "title": f"Bài {number}"}, headers=auth(key))
    client.put("/api/articles/lo-0", json={**ARTICLE, "title": "Bài 0 sửa"}, headers=auth(key))
    queue = TaskQueue(index_dir)
    steps = []
    while applied := queue.apply_pending(index_dir):
        steps.append([outcome["uid"] for outcome in applied])
    assert len(steps) > 1 and sorted(uid for step in steps for uid in step) == [uid for step in steps for uid in step]
    assert client.get("/api/articles/lo-0").get_json()["title"] == "Bài 0 sửa"
    assert client.get("/api/articles/lo-5").get_json()["title"] == "Bài 5"


def test_a_crash_inside_an_enqueue_never_gives_a_later_task_an_applied_tasks_number(client, index_dir, key,
                                                                                     monkeypatch):
    """A kill between an enqueue's two writes: the next client must see its own task, not an older outcome."""
    write_durably, writes = tasks._write_durably, []

    def crash_on_second_write(path, data):
        writes.append(path)
        if len(writes) == 2:
            raise OSError("killed")
        write_durably(path, data)

    monkeypatch.setattr(tasks, "_write_durably", crash_on_second_write)
    with pytest.raises(OSError):
        TaskQueue(index_dir).enqueue("put", json.dumps({"id": "truoc", **ARTICLE}).encode(), "truoc")
    monkeypatch.setattr(tasks, "_write_durably", write_durably)
    apply_all(index_dir)  # whatever reached the disk is applied before the next client comes
    response = client.put("/api/articles/sau", json=ARTICLE, headers=auth(key))
    status = client.get(response.headers["Location"]).get_json()
    assert (status["id"], status["status"]) == ("sau", "queued")


def test_a_large_bulk_is_applied_without_forking_from_a_threaded_worker(client, index_dir, monkeypatch):
    """A child forked beside the web worker's other threads can inherit a held lock and hang the applier."""
    def refuse_fork(*args, **kwargs):
        raise AssertionError("the task applier forked worker processes")

    monkeypatch.setattr(indexer.multiprocessing, "get_context", refuse_fork)
    big = KeyStore(index_dir).create("bulk", rate_per_minute=1000, max_body_bytes=10_000_000)
    body = "\n".join(json.dumps({"id": f"bulk-{n}", **ARTICLE}) for n in range(indexer.PARALLEL_FROM + 10))
    assert client.post("/api/articles", data=body, headers=auth(big)).status_code == 202
    outcomes = []
    applier = threading.Thread(target=lambda: outcomes.extend(TaskQueue(index_dir).apply_pending(index_dir)))
    applier.start()
    applier.join()
    assert [outcome["status"] for outcome in outcomes] == ["succeeded"]
    assert client.get(f"/api/articles/bulk-{indexer.PARALLEL_FROM}").status_code == 200


@pytest.mark.parametrize("headers, status, code", [
    ({}, 401, "missing_api_key"),
    ({"Authorization": "Bearer ssk_not-a-key"}, 401, "invalid_api_key"),
    ({"Authorization": "Basic dXNlcjpwYXNz"}, 401, "missing_api_key"),
])
def test_writes_without_a_valid_key_are_401_in_the_api_error_shape(client, headers, status, code):
    for method, path in (("put", "/api/articles/a-1"), ("delete", "/api/articles/a-1"), ("post", "/api/articles")):
        response = getattr(client, method)(path, data=json.dumps(ARTICLE), headers=headers)
        assert response.status_code == status
        assert response.get_json() == {"error": {"code": code, "message": response.get_json()["error"]["message"],
                                                 "param": "Authorization"}}
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_key_is_403_and_read_routes_stay_open(client, index_dir, key):
    KeyStore(index_dir).revoke("cong-thong-tin")
    response = client.put("/api/articles/a-1", json=ARTICLE, headers=auth(key))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "api_key_revoked"
    assert client.get("/api/search?q=tịnh biên").status_code == 200
    assert client.get("/api/tasks/1").status_code == 404


def test_bodies_past_the_key_limit_are_413_and_bad_bodies_400(client, key):
    big = client.put("/api/articles/a-1", json={**ARTICLE, "body": "x" * 5000}, headers=auth(key))
    assert big.status_code == 413 and big.get_json()["error"]["code"] == "payload_too_large"
    for body, param in (("[1]", "body"), ("{", "body"), (json.dumps({**ARTICLE, "id": "khac"}), "id"),
                        (json.dumps({"title": 5}), "body")):
        response = client.put("/api/articles/a-1", data=body, headers=auth(key))
        assert (response.status_code, response.get_json()["error"]["param"]) == (400, param), body
    assert client.put("/api/articles/..", json=ARTICLE, headers=auth(key)).status_code in (400, 404)
    assert client.post("/api/articles", data="", headers=auth(key)).status_code == 400


def test_a_key_past_its_rate_is_429_with_retry_after(client, index_dir):
    slow = KeyStore(index_dir).create("cham", rate_per_minute=2)
    statuses = [client.delete("/api/articles/a-1", headers=auth(slow)).status_code for _ in range(3)]
    assert statuses == [202, 202, 429]
    response = client.delete("/api/articles/a-1", headers=auth(slow))
    assert response.get_json()["error"]["code"] == "rate_limited" and int(response.headers["Retry-After"]) >= 1


def _statuses_of_one_worker(index_dir, secret, start, results) -> None:
    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True, "APPLY_TASKS": False}).test_client()
    start.wait()
    results.extend([client.delete("/api/articles/a-1", headers=auth(secret)).status_code for _ in range(4)])


def test_a_keys_rate_holds_across_the_workers_of_a_server(index_dir):
    """Two processes, as two gunicorn workers, share one key's budget: 5 of its 8 requests pass, not 5 per worker."""
    import multiprocessing

    secret = KeyStore(index_dir).create("hai-tien-trinh", rate_per_minute=5)
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(2), context.Manager().list()
    workers = [context.Process(target=_statuses_of_one_worker, args=(index_dir, secret, start, results))
               for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert sorted(results) == [202] * 5 + [429] * 3


def test_finished_task_outcomes_are_kept_for_the_newest_and_recent_tasks_only(client, index_dir, key):
    uids = [client.delete(f"/api/articles/a-{n}", headers=auth(key)).get_json()["uid"] for n in range(5)]
    applier = TaskApplier(index_dir, keep_records=3, keep_days=7).start()
    try:
        deadline = time.monotonic() + 60
        while sorted(path.name for path in TaskQueue(index_dir).done.glob("*.json")) != \
                [f"{uid:012d}.json" for uid in uids[2:]]:
            assert time.monotonic() < deadline, "the applier did not keep only the 3 newest outcomes"
            time.sleep(0.1)
    finally:
        applier.stop()
    week_ago = time.time() - 8 * 86400
    os.utime(TaskQueue(index_dir).done / f"{uids[2]:012d}.json", (week_ago, week_ago))
    assert TaskQueue(index_dir).prune(keep_records=3, keep_days=7) == 1

    assert client.get(f"/api/tasks/{uids[4]}").get_json()["status"] == "succeeded"
    forgotten = client.get(f"/api/tasks/{uids[2]}")
    assert forgotten.status_code == 404 and "không còn được giữ" in forgotten.get_json()["error"]["message"]
    never = client.get("/api/tasks/999")
    assert never.status_code == 404 and never.get_json()["error"]["message"] == "Không có tác vụ 999."


def test_keys_are_printed_once_stored_as_hashes_listed_and_revoked(index_dir):
    runner = CliRunner()
    created = runner.invoke(cli, ["keys", "create", "--index-dir", str(index_dir), "bao-moi"])
    assert created.exit_code == 0, created.output
    secret = created.output.strip().splitlines()[-1].strip()
    assert secret.startswith("ssk_")
    assert secret not in (index_dir / KEYS_FILE).read_text()
    assert KeyStore(index_dir).find(secret).name == "bao-moi"
    listed = runner.invoke(cli, ["keys", "list", "--index-dir", str(index_dir)])
    assert "bao-moi" in listed.output and secret not in listed.output
    revoked = runner.invoke(cli, ["keys", "revoke", "--index-dir", str(index_dir), "bao-moi"])
    assert revoked.exit_code == 0 and KeyStore(index_dir).find(secret).revoked
    unknown = runner.invoke(cli, ["keys", "revoke", "--index-dir", str(index_dir), "khong-co"])
    assert unknown.exit_code == 1 and "khong-co" in unknown.output
