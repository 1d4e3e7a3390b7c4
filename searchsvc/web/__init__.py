"""HTTP <-> the search layer: the app factory, routes, page view models, Atom feeds, charts and the OpenAPI
document. The only package that imports Flask; it translates requests into search calls and results into HTML or
JSON, and holds no search logic of its own.
"""
