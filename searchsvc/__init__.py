"""searchsvc: full-text search over Vietnamese local-government news.

The folders are the pipeline, top to bottom; arrows point down it and never back up:

- ``ingest/``  raw files and JSON Lines -> ``Article``; the extractors (dates, bylines, places over the gazetteer,
  cited directives).
- ``text/``    Vietnamese text: ICU normalization, one tone-mark placement, folding, syllable tokens, and the
  vocabulary of official document names shared by the extractor and the query parser.
- ``index/``   ``Article`` -> Whoosh document: schema, the writer, the W3 codec adapter, generations (build aside,
  swap).
- ``search/``  what people type -> parsed query; postings -> engine -> results, facets, snippets, catalogue,
  suggestions. Knows nothing of Flask or of the extractors.
- ``web/``     HTTP <-> the search layer: app factory, request parameters, routes, page models, feeds, charts,
  OpenAPI. The only package that imports Flask.

Beside them: ``article.py`` (the ``Article`` every stage passes on), ``config.py`` (every setting), ``errors.py``
(the errors every stage raises) and ``cli.py`` (the ``searchsvc`` command, a few lines per command).
"""
