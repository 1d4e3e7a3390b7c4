"""kill -9 at any moment, a full disk, and readers during a swap: the index that was serving stays intact."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from searchsvc.index.indexer import index_paths
from searchsvc.search.postings import ViewCache

from conftest import write_corpus

KILL_SEED = 7


def run_indexer(index_dir: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "searchsvc", "index", "--index-dir", str(index_dir), *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )


def live_ids(index_dir: Path) -> set[str]:
    view = ViewCache(index_dir).get()
    return {view.stored(doc)["id"] for doc in range(view.doc_count_all) if view.live[doc]}


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpora")
    return write_corpus(folder / "base.jsonl", 60, "base"), write_corpus(folder / "more.jsonl", 900, "more")


@pytest.fixture(scope="module")
def full_run_seconds(corpora, tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("timing")
    started = time.monotonic()
    process = run_indexer(index_dir, "--rebuild", str(corpora[1]))
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr.decode()
    return time.monotonic() - started


@pytest.mark.parametrize("mode", ["add", "rebuild"])
def test_kill_9_at_any_moment_leaves_the_previous_or_the_complete_index_and_the_next_run_works(tmp_path, corpora, full_run_seconds, mode):
    base, more = corpora
    template = tmp_path / "template"
    index_paths([base], template)
    before = live_ids(template)
    rng = random.Random(KILL_SEED)
    extra = ["--rebuild", "--allow-drop"] if mode == "rebuild" else []
    expected = {f"more-{n}" for n in range(900)} | (set() if mode == "rebuild" else before)
    fractions = sorted(rng.uniform(0.05, 0.6) for _ in range(5))
    killed = 0
    for number, fraction in enumerate(fractions):
        # Every kill starts from the same previous index, so a run that happens to finish first changes nothing.
        index_dir = tmp_path / f"index-{number}"
        shutil.copytree(template, index_dir, symlinks=True)
        process = run_indexer(index_dir, *extra, str(more))
        time.sleep(fraction * full_run_seconds)
        if process.poll() is not None:
            process.communicate(timeout=30)
            continue
        os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
        killed += 1
        # A kill after the commit (while the shared arrays are built) leaves the complete new index.
        assert live_ids(index_dir) in (before, expected), f"killed at {fraction:.0%} of a run: a half-written index"
        assert _workers_gone(process.pid), "the killed indexer left worker processes behind"
        finished = run_indexer(index_dir, *extra, str(more))
        _, stderr = finished.communicate(timeout=120)
        assert finished.returncode == 0, stderr.decode()
        assert live_ids(index_dir) == expected
        assert not list(index_dir.glob(".build-*"))
    assert killed >= 3, f"only {killed} of {len(fractions)} kills landed before the indexer finished"


def _workers_gone(group: int, seconds: float = 10) -> bool:
    """Wait until no live process is left in the killed indexer's process group."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = []
        for status in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = status.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if fields[2] == str(group) and fields[0] != "Z":
                alive.append(status.parent.name)
        if not alive:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def tiny_disk(tmp_path):
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1M", "tmpfs", str(mount_point)],
                            capture_output=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill (needs root): {result.stderr.decode().strip()}")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_a_full_disk_is_reported_and_the_old_index_stays_intact(tiny_disk, corpora):
    base, more = corpora
    index_dir = tiny_disk / "index"
    index_paths([base], index_dir)
    before = live_ids(index_dir)
    process = run_indexer(index_dir, "--rebuild", "--allow-drop", str(more))
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1
    message = stderr.decode()
    assert "Không ghi được chỉ mục" in message and "Traceback" not in message
    assert live_ids(index_dir) == before
    assert not list(index_dir.glob(".build-*"))


def test_readers_keep_answering_through_rebuilds_and_never_go_back(tmp_path, corpora):
    base, more = corpora
    index_dir = tmp_path / "index"
    index_paths([base], index_dir)
    cache = ViewCache(index_dir)
    seen, failures, stop = [], [], threading.Event()

    def read():
        while not stop.is_set():
            try:
                view = cache.get()
                seen.append(view.generation)
                assert view.doc_count in (60, 900)
            except Exception as error:  # noqa: BLE001 - any reader failure fails the test
                failures.append(repr(error))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for corpus in (more, base, more):
            index_paths([corpus], index_dir, rebuild=True, allow_drop=True)
    finally:
        stop.set()
        reader.join(10)
    assert not failures
    order = list(dict.fromkeys(seen))
    assert order == sorted(order), "a reader saw an older generation after a newer one"
    assert len(order) >= 2


# Builds one kind of derived arrays (``shared.POSTINGS`` or ``shared.STORIES``, named by its opening function) and
# says when its imports are done and how long the build itself took: under load, start-up time varies more than the
# build, and a kill timed from the process start could land before the build began.
BUILD_DERIVED = ("import sys, time; from pathlib import Path; from whoosh import index; "
                 "from searchsvc.search import shared; shared.HOT_POSTINGS = 2; path = Path(sys.argv[1]); "
                 "reader = index.open_dir(str(path)).reader(); print('building', flush=True); "
                 "started = time.monotonic(); getattr(shared, sys.argv[2])(path, reader); "
                 "print(time.monotonic() - started, flush=True)")


@pytest.mark.parametrize(("kind", "opening"), [("POSTINGS", "open_shared"), ("STORIES", "open_stories")])
def test_kill_9_while_the_shared_or_story_arrays_are_built_leaves_nothing_a_reader_trusts(tmp_path, corpora,
                                                                                          monkeypatch, kind, opening):
    from searchsvc.search import shared

    monkeypatch.setattr(shared, "HOT_POSTINGS", 2)
    derived = getattr(shared, kind)
    index_dir = tmp_path / "index"
    index_paths([corpora[1]], index_dir)
    generation = (index_dir / "current").resolve()
    build_script = [sys.executable, "-c", BUILD_DERIVED, str(generation), opening]
    folder_of_kind = generation / derived.folder
    expected = _answers(index_dir)
    rng = random.Random(KILL_SEED)
    interrupted = 0
    for _ in range(6):
        shutil.rmtree(folder_of_kind)
        build = subprocess.run(build_script, capture_output=True, text=True)
        assert build.returncode == 0, build.stderr
        seconds = float(build.stdout.split()[-1])
        shutil.rmtree(folder_of_kind)
        process = subprocess.Popen(build_script, stdout=subprocess.PIPE)
        process.stdout.readline()
        time.sleep(rng.uniform(0.1, 0.9) * seconds)
        process.kill()
        process.stdout.close()
        process.wait()
        interrupted += bool(list(folder_of_kind.glob(f"{shared.BUILD_PREFIX}*")))
        view = ViewCache(index_dir).get()
        key = shared.generation_key(view.reader, derived)
        for folder in folder_of_kind.iterdir():
            if folder.is_dir() and not folder.name.startswith(shared.BUILD_PREFIX):
                assert folder.name == key["name"] and shared._valid_manifest(folder, key) is not None
        del view
        assert _answers(index_dir) == expected
        assert not list(folder_of_kind.glob(f"{shared.BUILD_PREFIX}*"))
    assert interrupted, "no kill landed during a build"


def _answers(index_dir: Path) -> list:
    from searchsvc.search.service import SearchRequest, search

    view = ViewCache(index_dir).get()
    return [[h.id for h in search(view, SearchRequest(q=q, per_page=100)).hits] for q in ("hội nghị", "xa", "tinh")]
