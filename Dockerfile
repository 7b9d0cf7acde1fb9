# Brello 360 Partner Portal: one image for the web process (gunicorn), Celery worker and beat.
# Runs with portal.settings.production, which needs SECRET_KEY, DATABASE_URL, REDIS_URL and
# ALLOWED_HOSTS at run time (see README, "Configuration"). compose.yaml shows a full local stack.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production

# Unprivileged user that runs every process in the container.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first so that code changes do not invalidate this layer.
# All pinned packages ship wheels (psycopg[binary], pillow), so no compiler is needed.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# The code stays owned by root: the app user can read it but not change it.
COPY . .

# Static files into STATIC_ROOT (default /app/var/static). Production settings refuse to load
# without their required variables, so harmless build-only values are given to this command only;
# none of them ends up in the image's environment.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    REDIS_URL=redis://localhost:6379/0 \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && rm -f /tmp/build.sqlite3

# var/ (static files, root-owned and read-only for app) and media/ (uploads without S3, usually a
# volume) are the only places the app user may write to.
RUN mkdir -p /app/var /app/media \
    && chown app:app /app/var /app/media

USER app

EXPOSE 8000

# Liveness only (readiness is /readyz). No curl in the slim image, so Python's urllib is used.
# The request carries X-Forwarded-Proto: https (trusted via SECURE_PROXY_SSL_HEADER) so that
# SECURE_SSL_REDIRECT does not answer with a redirect, and a Host taken from ALLOWED_HOSTS so that
# host validation accepts it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request as u; hosts = [h.strip().lstrip('.') for h in os.environ.get('ALLOWED_HOSTS', '').split(',') if h.strip() not in ('', '*')]; req = u.Request('http://127.0.0.1:8000/healthz', headers={'Host': hosts[0] if hosts else '127.0.0.1', 'X-Forwarded-Proto': 'https'}); sys.exit(0 if u.urlopen(req, timeout=4).status == 200 else 1)"]

# portal/gunicorn_conf.py: every worker's request metrics in one directory, summed by /metrics.
CMD ["gunicorn", "-c", "python:portal.gunicorn_conf", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
