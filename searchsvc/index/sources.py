"""What a generation was built from: each input file with its size and modification time, in ``sources.json``.

An operator can read which folders an index came from before rebuilding it, and ``searchsvc watch`` knows after a
restart which files it already indexed (a file whose size and time are unchanged is not read again).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

SOURCES_FILE = "sources.json"


def read_sources(generation: Path) -> dict[str, tuple[int, int]]:
    """``{absolute path: (size, mtime in ns)}`` of every file indexed into ``generation``."""
    try:
        recorded = json.loads((generation / SOURCES_FILE).read_text(encoding="ascii"))
    except (OSError, ValueError):
        return {}
    return {path: tuple(stat) for path, stat in recorded.get("files", {}).items()}


def stat_files(files: list[Path]) -> dict[str, tuple[int, int]]:
    """``{absolute path: (size, mtime in ns)}`` of ``files``, taken before they are read: a file that changes while
    it is being read then differs from its record, and is read again by the next run."""
    stats = {}
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            continue
        stats[str(path.resolve())] = (stat.st_size, stat.st_mtime_ns)
    return stats


def record_sources(generation: Path, stats: dict[str, tuple[int, int]], rebuilt: bool) -> None:
    """Add ``stats`` (``stat_files``; or, for a rebuild, start over with them). Written aside and renamed:
    compaction links a generation's files into the next one, so this file is never changed in place."""
    if not stats and not rebuilt:
        return
    recorded = {} if rebuilt else read_sources(generation)
    recorded.update(stats)
    temporary = generation / f".{SOURCES_FILE}-{secrets.token_hex(4)}"
    # ASCII escapes keep a file name that is not UTF-8 (a lone surrogate once decoded) writable and exact.
    temporary.write_text(json.dumps({"files": recorded}), encoding="ascii")
    os.replace(temporary, generation / SOURCES_FILE)
