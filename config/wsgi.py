"""WSGI entry point for gunicorn (``gunicorn config.wsgi``).

Under gunicorn the site runs in production mode unless DJANGO_DEBUG says otherwise.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")

application = get_wsgi_application()
