import os

from django.core.asgi import get_asgi_application

# Servers (gunicorn, uvicorn) run production unless told otherwise; manage.py defaults to dev.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

application = get_asgi_application()
