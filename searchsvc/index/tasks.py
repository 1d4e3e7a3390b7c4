"""The write queue behind the HTTP write API: a change is acknowledged once it is on disk, and applied later.

Layout, inside the index folder::

    tasks/queued/<uid>.task   one change as received: a JSON header line, then the JSON Lines body (fsync'd)
    tasks/done/<uid>.json     what became of it: succeeded or failed, with the errors of its lines (kept for the
                              newest tasks and the last days only: ``prune``)
    tasks/sequence            the last task number handed out (under ``tasks/.lock``)

Enqueueing writes the task aside, fsyncs it, renames it into ``queued/`` and fsyncs the folder, so an acknowledged
change survives ``kill -9`` and a power cut. One writer at a time (whoever holds the indexer lock) applies the
queued tasks in order, many in one commit, then records each outcome and removes the task. A crash in between
applies the same tasks again, which changes nothing: a put replaces by id and a delete of a missing id is a no-op.
A task whose lines do not all parse fails whole, so no task is ever half applied.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from searchsvc.errors import IndexBusy, ParseError
from searchsvc.index.generations import fsync_dir, indexer_lock
from searchsvc.index.indexer import Deletion, IndexReport, apply_changes
from searchsvc.ingest.parse import article_from_record, parse_json_line

logger = logging.getLogger(__name__)

TASKS_DIR = "tasks"
KINDS = ("put", "delete", "bulk")
BATCH_TASKS = 500
# A commit's share of the queue, in task bytes: a backlog is applied in steps that each finish in seconds, so a
# worker killed while applying loses one step, not the whole backlog over and over.
BATCH_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Task:
    uid: int
    kind: str
    article_id: str | None
    enqueued_at: str
    body: bytes

    def header(self) -> dict:
        """The task as the API names it: the first line of its file, and the start of every status."""
        return {"uid": self.uid, "type": self.kind, "id": self.article_id, "enqueued_at": self.enqueued_at}


class TaskQueue:
    """The queued and finished write tasks of one index folder."""

    def __init__(self, index_dir: Path):
        self.root = Path(index_dir) / TASKS_DIR
        self.queued = self.root / "queued"
        self.done = self.root / "done"

    def enqueue(self, kind: str, body: bytes, article_id: str | None = None) -> dict:
        """Record one change durably and return its status (``queued``); the number orders it after every other."""
        self.queued.mkdir(parents=True, exist_ok=True)
        with self._locked():
            sequence = self.root / "sequence"
            uid = int(sequence.read_text() or 0) + 1 if sequence.exists() else 1
            task = Task(uid, kind, article_id, _now(), body)
            # The number first: a crash between the two writes then skips a number nobody was given, where the
            # other order could hand out again the number of a task already on disk, and applied meanwhile.
            _write_durably(sequence, str(uid).encode())
            _write_durably(self.queued / f"{uid:012d}.task", json.dumps(task.header()).encode() + b"\n" + body)
        return {**task.header(), "status": "queued"}

    def status(self, uid: int) -> dict | None:
        """A task's status: queued, or what applying it did; ``None`` for a number never handed out."""
        try:
            return json.loads((self.done / f"{uid:012d}.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            pass
        task = self._read(self.queued / f"{uid:012d}.task")
        if task is None:
            return None
        return {**task.header(), "status": "queued"}

    def issued(self, uid: int) -> bool:
        """Whether ``uid`` was handed out: a task with no status left is one whose outcome was pruned."""
        try:
            return 0 < uid <= int((self.root / "sequence").read_text() or 0)
        except (FileNotFoundError, ValueError):
            return False

    def prune(self, keep_records: int, keep_days: float, now: float | None = None) -> int:
        """Forget the outcomes of finished tasks beyond the newest ``keep_records`` or finished more than
        ``keep_days`` ago, so ``done/`` does not grow without bound; returns how many were removed."""
        now = time.time() if now is None else now
        outcomes = sorted(self.done.glob("*.json")) if self.done.is_dir() else []  # uid order: names are padded
        removed = 0
        for position, path in enumerate(outcomes):
            try:
                old = path.stat().st_mtime < now - keep_days * 86400
            except FileNotFoundError:
                continue
            if old or position < len(outcomes) - keep_records:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def pending(self) -> list[Path]:
        return sorted(self.queued.glob("*.task")) if self.queued.is_dir() else []

    def apply_pending(self, index_dir: Path) -> list[dict]:
        """Apply the oldest queued tasks (``_first_batch``) in one commit; their outcomes (none when the queue is
        empty or another writer holds the index).

        The queue is read under the indexer lock, so two processes never apply the same tasks, nor an older task
        after a newer one.
        """
        if not self.pending():
            return []
        try:
            with indexer_lock(index_dir):
                return self._apply(index_dir)
        except IndexBusy:
            return []

    def _apply(self, index_dir: Path) -> list[dict]:
        paths = _first_batch(self.pending())
        if not paths:
            return []
        tasks = [task for task in map(self._read, paths) if task is not None]
        changes, outcomes = [], {}
        for task in tasks:
            task_changes, errors = _changes_of(task)
            if errors:
                outcomes[task.uid] = {"status": "failed", "errors": errors}
            else:
                changes.extend(task_changes)
                outcomes[task.uid] = {"status": "succeeded", "articles": len(task_changes)}
        report = apply_changes(changes, index_dir, IndexReport(), locked=True, total=len(changes))
        for error in report.errors:  # an extractor failure on one article: named on its task's line
            uid = int(error.path.removeprefix("task-"))
            outcomes[uid]["errors"] = outcomes[uid].get("errors", []) + [_line_error(error)]
        self.done.mkdir(parents=True, exist_ok=True)
        finished = _now()
        results = []
        for task in tasks:
            result = {**task.header(), "finished_at": finished, **outcomes[task.uid]}
            _write_durably(self.done / f"{task.uid:012d}.json", json.dumps(result, ensure_ascii=False).encode())
            results.append(result)
        for path in paths:
            path.unlink(missing_ok=True)
        fsync_dir(self.queued)
        return results

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with open(self.root / ".lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @staticmethod
    def _read(path: Path) -> Task | None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        header, _, body = data.partition(b"\n")
        fields = json.loads(header)
        return Task(fields["uid"], fields["type"], fields["id"], fields["enqueued_at"], body)


def record_problem(record: object) -> str | None:
    """Why one article record (the body of a PUT) cannot be indexed, or ``None``: checked before it is acknowledged."""
    try:
        article_from_record(record, Path("body"), 1)
    except ParseError as error:
        return error.reason
    return None


def _changes_of(task: Task) -> tuple[list, list[dict]]:
    """The ordered changes a task asks for, or the errors of its lines (then nothing of it is applied)."""
    if task.kind == "delete":
        return [Deletion(task.article_id)], []
    changes, errors = [], []
    source = Path(f"task-{task.uid}")
    for number, raw in enumerate(task.body.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            errors.append({"line": number, "message": "dòng không phải UTF-8"})
            continue
        item = parse_json_line(line, source, number)
        if isinstance(item, ParseError):
            errors.append(_line_error(item))
        elif task.kind == "put" and item.id != task.article_id:
            errors.append({"line": number, "message": f"mã trong nội dung («{item.id}») khác mã trong đường dẫn"})
        else:
            changes.append(item)
    if not changes and not errors:
        errors.append({"line": 1, "message": "không có bài viết nào trong nội dung"})
    return changes, errors


def _line_error(error: ParseError) -> dict:
    return {"line": error.line, "message": error.reason}


def _first_batch(paths: list[Path]) -> list[Path]:
    """The oldest tasks, up to ``BATCH_TASKS`` of them and ``BATCH_BYTES`` together (at least one, however big)."""
    batch, size = [], 0
    for path in paths[:BATCH_TASKS]:
        try:
            size += path.stat().st_size
        except FileNotFoundError:
            continue
        if batch and size > BATCH_BYTES:
            break
        batch.append(path)
    return batch


def _write_durably(path: Path, data: bytes) -> None:
    """Write aside, fsync, rename over ``path`` and fsync the folder: all of ``data`` or nothing, even after a crash."""
    temporary = path.with_name(f".{path.name}-{secrets.token_hex(4)}")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    fsync_dir(path.parent)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
