"""Vietnamese text, the same at index and at query time: NFC, one tone-mark placement, case and diacritic folding,
syllable tokens; and the names and codes of official documents, which both the extractor and the query parser read.

Plain Python over PyICU: nothing here knows about files, the index or the web.
"""
