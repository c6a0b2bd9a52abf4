# The portal's image: gunicorn serves the site; the same image runs the Celery worker and beat
# (see docker-compose.yml). Settings come from the environment (portal/settings.py).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEB_CONCURRENCY=3

WORKDIR /app

# Copy only what the portal needs: never a local .venv, .git or db.sqlite3.
COPY pyproject.toml manage.py README.m[d] ./
COPY portal ./portal
COPY bookings ./bookings
COPY templates ./templates
COPY static ./static

# Static files are collected at build time (WhiteNoise serves them); the site runs as a user that
# cannot change its own code.
RUN pip install . \
    && python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin portal

USER portal
EXPOSE 8000
# gunicorn reads the worker count from WEB_CONCURRENCY; its control socket would need a writable home.
# No access log of its own: the portal logs each request (portal/logging.py), with its request id.
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--no-control-socket"]
