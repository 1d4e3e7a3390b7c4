"""The WSGI entry point: ``gunicorn wsgi:app`` (see ``gunicorn.conf.py``, or ``searchsvc serve``)."""

from searchsvc.web.app import create_app

app = create_app()
