"""Benchmarks: generated and real corpora, indexing, warm queries against a SQLite FTS5 baseline, HTTP under load.

Run everything with ``python -m bench.run``; see ``docs/PERFORMANCE.md``.
"""
