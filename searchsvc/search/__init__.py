"""What people type -> ranked results with facets: query parsing (words, and the document numbers staff type),
posting lists as numpy arrays per generation, the vectorised engine, facet counts, snippets, the directive
catalogue and reports, suggestions, spelling and type-ahead.

Knows nothing of Flask and imports no extractor: ``directives.py`` here parses what staff type, sharing only the
document vocabulary of ``searchsvc.text.documents`` with the extractor.
"""
