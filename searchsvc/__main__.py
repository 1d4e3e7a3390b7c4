"""``python -m searchsvc``: the same command as ``searchsvc``."""

from searchsvc.cli import cli

cli(prog_name="searchsvc")
