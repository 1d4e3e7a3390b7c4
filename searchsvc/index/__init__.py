"""``Article`` -> the live Whoosh index: the schema, the indexer (extract and analyse in worker processes), the
block writer over Whoosh's W3 codec (``w3.py`` is the only module that touches Whoosh internals), and generations
(built aside, swapped in atomically).
"""
