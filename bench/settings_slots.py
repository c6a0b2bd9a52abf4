"""Settings for ``bench/slots.py`` only: the portal plus the ``django-appointment`` package.

Both apps live in one process and one throw-away database, so the two slot engines read the same
kind of database over the same connection. Our app label is ``bookings``, theirs ``appointment``.

The database is a fresh SQLite file in a temporary folder, or, when ``DATABASE_URL`` points at
PostgreSQL, a private database ``bench_slots`` on that server (``bench/slots.py`` drops and
creates it), never the portal's own.
"""

import os
import tempfile

from portal.settings import *  # noqa: F403
from portal.settings import DATABASES, INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "phonenumber_field", "appointment"]

# django-appointment keeps working hours and appointments as naive wall-clock times in the site's
# zone (it has no per-business or per-staff zone), so the site runs in the bench business's zone.
# Our engine does not read TIME_ZONE: it works in UTC with explicit zones.
TIME_ZONE = "America/Chicago"

# django-appointment's settings (the same values are also in its Config row and on each of its
# staff members, which take precedence; see bench/slots.py).
APPOINTMENT_WEBSITE_NAME = "Bench salon"
APPOINTMENT_SLOT_DURATION = 15  # minutes: the slot grid
APPOINTMENT_BUFFER_TIME = 120  # minutes between "now" and the first bookable slot (our lead time)
APPOINTMENT_LEAD_TIME = (8, 0)
APPOINTMENT_FINISH_TIME = (18, 0)
# No django-q: reminders and its cleanup task are not part of slot computation.

_database = DATABASES["default"]
if _database["ENGINE"] == "django.db.backends.postgresql":
    _database["NAME"] = "bench_slots"
else:
    _database["NAME"] = os.path.join(tempfile.mkdtemp(prefix="bench-slots-"), "bench.sqlite3")
_database["CONN_MAX_AGE"] = 0
