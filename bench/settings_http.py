"""Settings for ``bench/http_throughput.py`` only: the portal as deployed, on a throw-away database.

Everything is the portal's (middleware, templates, static files, persistent database connections
with health checks) except what a benchmark must not touch or wait on: the URLConf adds the bare
view the other pages are compared with (``bench/_http_urls.py``), the database is a private
PostgreSQL database ``bench_http`` (dropped and created by the benchmark, never the portal's own),
e-mails and Celery messages stay in memory, and only warnings are logged.
"""

import os

# The portal's settings build the database connection from DATABASE_URL, with their production
# options (prepared statements, timeouts); point it at the benchmark's own database first, never
# at whatever DATABASE_URL the shell holds (CI's holds the test suite's).
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_HTTP_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_http"
)

from portal.settings import *  # noqa: F403
from portal.settings import LOGGING

ROOT_URLCONF = "bench._http_urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

# The confirmation e-mail is still rendered and built on commit, as in production; it is not sent.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_IN_WORKER = True  # as deployed: e-mails are a worker's job, queued on commit

# Work a booking hands to Celery (the outbox push) is queued in this process's memory: enqueued as
# in production, but never on a broker that other runs or a real worker read.
CELERY_BROKER_URL = "memory://"

# The benchmark collects the static files here, so pages resolve them through the manifest as
# deployed (``CompressedManifestStaticFilesStorage`` refuses a file missing from it).
STATIC_ROOT = os.environ.get("BENCH_HTTP_STATIC_ROOT", "/tmp/bench-http-static")

LOGGING = {
    **LOGGING,
    "root": {**LOGGING["root"], "level": "WARNING"},
    # The in-memory transport has no host, which kombu warns about on every connection.
    "loggers": {**LOGGING["loggers"], "kombu.connection": {"level": "ERROR"}},
}

# All 50 clients come from 127.0.0.1, which the booking limit (per client address) would stop after a
# few bookings; the limit stays on, so its bookkeeping is measured, but far above what a run sends.
BOOKING_RATE_LIMIT = "1000000/1m"
