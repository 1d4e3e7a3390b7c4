"""Raw input -> ``Article``: reading files in any encoding and JSON Lines, then the extractors that read metadata
from the text (publication date, bylines, places over the gazetteer, cited directives), each in its own module and
knowing nothing of the others; ``extract.py`` runs them in order.
"""
