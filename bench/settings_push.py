"""Settings for ``bench/push.py`` only: the portal, on a database of the benchmark's own.

The database is a fresh SQLite file in a temporary folder, or, when ``DATABASE_URL`` points at
PostgreSQL, a private database ``bench_push`` on that server (``bench/push.py`` drops and creates
it), never the portal's own. Bookings made by the benchmark must not publish push tasks to a broker:
the benchmark runs ``sync.push`` itself, timed.
"""

import os
import tempfile

from portal.settings import *  # noqa: F403
from portal.settings import DATABASES

OUTBOX_PUSH_ON_COMMIT = False

_database = DATABASES["default"]
if _database["ENGINE"] == "django.db.backends.postgresql":
    _database["NAME"] = "bench_push"
else:
    _database["NAME"] = os.path.join(tempfile.mkdtemp(prefix="bench-push-"), "bench.sqlite3")
