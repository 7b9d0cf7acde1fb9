import os

from django.core.wsgi import get_wsgi_application

# Servers (gunicorn, uvicorn) run production unless told otherwise; manage.py defaults to dev.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

application = get_wsgi_application()
