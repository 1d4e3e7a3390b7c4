"""``searchsvc watch``, run as the operator runs it: a process watching a folder while files are dropped into it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from searchsvc.index.generations import live_generation, live_ids
from searchsvc.search.postings import ViewCache
from searchsvc.search.service import SearchRequest, search

from conftest import PROJECT

WAIT = 120  # seconds: generous, the machine is shared; no test measures speed


def record(article_id: str, title: str) -> dict:
    return {"id": article_id, "title": title,
            "body": f"UBND huyện Tịnh Biên họp bàn về {title.lower()} với các xã trong huyện.",
            "published": "2024-03-05"}


def scraped_text(title: str) -> str:
    return f"Cổng thông tin huyện\n{title}\nHuyện tổ chức hội nghị triển khai {title.lower()}.\nPHAN HỮU\n"


class Watch:
    """A running ``searchsvc watch``: its output lines, read as they come."""

    def __init__(self, folder: Path, index_dir: Path, *options: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "searchsvc", "watch", "--index-dir", str(index_dir), *options, str(folder)],
            cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        )
        self.out: list[str] = []
        self.err: list[str] = []
        self.readers = [threading.Thread(target=self._read, args=(stream, lines), daemon=True)
                        for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err))]
        for reader in self.readers:
            reader.start()
        self.wait_for(lambda: any(line.startswith("Đang theo dõi") for line in self.err), "the watch to start")

    @staticmethod
    def _read(stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line.rstrip("\n"))

    def batches(self) -> list[tuple[int, int, int, int]]:
        """(files, indexed, updated, skipped) of each commit so far."""
        found = []
        for line in list(self.out):
            match = re.search(r"(\d+) tệp: lập chỉ mục (\d+) bài, cập nhật (\d+), bỏ qua (\d+)", line)
            if match:
                found.append(tuple(map(int, match.groups())))
        return found

    def wait_for(self, condition, what: str) -> None:
        deadline = time.monotonic() + WAIT
        while not condition():
            assert self.process.poll() is None, f"the watch ended while waiting for {what}: {self.err}"
            assert time.monotonic() < deadline, f"waited {WAIT} s for {what}: {self.out} {self.err}"
            time.sleep(0.1)

    def wait_for_articles(self, total: int) -> None:
        self.wait_for(lambda: sum(b[1] + b[2] for b in self.batches()) >= total, f"{total} articles")

    def stop(self, signum: int = signal.SIGTERM) -> int:
        self.process.send_signal(signum)
        code = self.process.wait(WAIT)
        self._close()
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._close()

    def _close(self) -> None:
        for reader in self.readers:
            reader.join(10)
        self.process.stdout.close()
        self.process.stderr.close()


@pytest.fixture
def folders(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return inbox, tmp_path / "index"


@pytest.fixture
def watches():
    started = []
    yield started
    for watch in started:
        watch.kill()


def drop_by_rename(folder: Path, name: str, text: str) -> Path:
    """What a careful scraper does: write under a hidden name, then rename into place."""
    temporary = folder / f".{name}.part"
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, folder / name)
    return folder / name


def titles_found(index_dir: Path, query: str) -> list[str]:
    """Titles of the articles found, those shown as near-duplicates of a result included."""
    result = search(ViewCache(index_dir).get(), SearchRequest.from_pairs([("q", query), ("per_page", "100")]))
    return [title for hit in result.hits for title in [hit.title, *(similar["title"] for similar in hit.similar)]]


def test_files_dropped_into_a_watched_folder_become_searchable_in_a_few_commits(folders, watches):
    inbox, index_dir = folders
    watches.append(watch := Watch(inbox, index_dir))
    (inbox / "xa-van-giao").mkdir()
    for number in range(30):
        drop_by_rename(inbox / ("xa-van-giao" if number % 3 == 0 else ""), f"bai-{number}.txt",
                       scraped_text(f"Hội nghị chuyển đổi số lần {number}"))
    watch.wait_for_articles(30)
    assert sum(files for files, *_ in watch.batches()) == 30
    assert len(watch.batches()) <= 5  # 30 arrivals within a moment: a few commits, not one each
    assert live_ids(live_generation(index_dir)) == {f"bai-{number}" for number in range(30)}
    assert "Hội nghị chuyển đổi số lần 7" in titles_found(index_dir, "chuyển đổi số")
    assert watch.stop() == 0
    assert watch.err[-1] == "Đã dừng theo dõi."


def test_a_file_written_in_place_is_read_once_it_is_complete(folders, watches):
    """The writer pauses between parts, as a scraper on a slow link does: never a half-read file (its cut line would
    be a JSON error, and its first half an earlier commit)."""
    inbox, index_dir = folders
    watches.append(watch := Watch(inbox, index_dir, "--settle", "3"))
    lines = [json.dumps(record(f"dong-{number}", f"Tiếp công dân đợt {number}"), ensure_ascii=False) + "\n"
             for number in range(100)]
    data = "".join(lines).encode("utf-8")
    with open(inbox / "tiep-dan.jsonl", "wb") as handle:
        for start in range(0, len(data), len(data) // 5 + 1):  # five parts, the first ending inside a line
            handle.write(data[start:start + len(data) // 5 + 1])
            handle.flush()
            time.sleep(0.3)
    watch.wait_for_articles(100)
    assert watch.batches() == [(1, 100, 0, 0)]
    assert not any("JSON" in line for line in watch.err)
    assert watch.stop() == 0


def test_a_file_renamed_into_place_is_read_at_once_and_one_still_settling_is_not(folders, watches):
    inbox, index_dir = folders
    watches.append(watch := Watch(inbox, index_dir, "--settle", "3600"))
    (inbox / "dang-viet.txt").write_text(scraped_text("Bài đang được ghi"), encoding="utf-8")
    drop_by_rename(inbox, "da-xong.txt", scraped_text("Bài đã ghi xong"))
    watch.wait_for_articles(1)
    assert watch.batches() == [(1, 1, 0, 0)]
    assert live_ids(live_generation(index_dir)) == {"da-xong"}
    assert watch.stop(signal.SIGINT) == 0
    assert not any("Traceback" in line for line in watch.err)


def test_a_restart_reads_only_the_files_that_are_new_or_changed(folders, watches):
    inbox, index_dir = folders
    watches.append(watch := Watch(inbox, index_dir))
    for number in range(5):
        drop_by_rename(inbox, f"bai-{number}.txt", scraped_text(f"Phòng chống thiên tai đợt {number}"))
    watch.wait_for_articles(5)
    assert watch.stop() == 0

    # While the watch is down: two new files, one rewritten, one removed.
    drop_by_rename(inbox, "bai-5.txt", scraped_text("Phòng chống thiên tai đợt 5"))
    drop_by_rename(inbox, "bai-6.txt", scraped_text("Phòng chống thiên tai đợt 6"))
    drop_by_rename(inbox, "bai-0.txt", scraped_text("Tổng kết phòng chống thiên tai"))
    (inbox / "bai-1.txt").unlink()

    watches.append(watch := Watch(inbox, index_dir))
    watch.wait_for_articles(3)
    assert watch.batches() == [(3, 2, 1, 0)]
    found = titles_found(index_dir, "phòng chống thiên tai")
    assert "Tổng kết phòng chống thiên tai" in found and "Phòng chống thiên tai đợt 0" not in found
    # A file that left the folder does not retract its article: that is «searchsvc delete».
    assert live_ids(live_generation(index_dir)) == {f"bai-{number}" for number in range(7)}
    assert watch.stop() == 0


def test_a_bad_file_is_reported_with_its_line_and_the_watch_goes_on(folders, watches):
    inbox, index_dir = folders
    watches.append(watch := Watch(inbox, index_dir))
    good = json.dumps(record("tot-1", "Cải cách hành chính"), ensure_ascii=False)
    drop_by_rename(inbox, "hong.jsonl", good + "\n{\"id\": \"hong-2\", \"title\": \n")
    watch.wait_for(lambda: watch.batches(), "the bad file's batch")
    assert any(re.search(r"hong\.jsonl:2: JSON không hợp lệ", line) for line in watch.err), watch.err
    drop_by_rename(inbox, "sau.txt", scraped_text("Bài đến sau tệp hỏng"))
    watch.wait_for_articles(2)
    assert live_ids(live_generation(index_dir)) == {"tot-1", "sau"}
    assert watch.stop() == 0
