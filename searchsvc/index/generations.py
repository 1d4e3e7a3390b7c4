"""Where the live index generation is: shared by the indexer, which swaps it, and the readers, which follow it."""

from __future__ import annotations

from pathlib import Path

from searchsvc.errors import IndexMissing

CURRENT = "current"


def live_generation(index_dir: Path) -> Path:
    """The folder of the index that is serving now; ``IndexMissing`` when there is none yet."""
    current = Path(index_dir) / CURRENT
    if not current.exists():
        raise IndexMissing(f"Chưa có chỉ mục trong {index_dir}: hãy chạy «searchsvc index».")
    return current.resolve()
