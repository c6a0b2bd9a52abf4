"""Load the currencies Bookings can price services in (``bookingCurrency``).

The list lives in ``bookings/data/currencies.json``, as data rather than code, so it can be reviewed
and extended without touching a migration. ``update_or_create`` keeps the migration safe on a
database where some currencies already exist (for instance pulled from Graph); reversing it leaves
the rows alone, since businesses may still name them.
"""

import json
from pathlib import Path

from django.db import migrations

CURRENCIES_FILE = Path(__file__).resolve().parent.parent / "data" / "currencies.json"


def load_currencies(apps, schema_editor):
    Currency = apps.get_model("bookings", "Currency")
    for entry in json.loads(CURRENCIES_FILE.read_text(encoding="utf-8")):
        Currency.objects.update_or_create(id=entry["id"], defaults={"symbol": entry["symbol"]})


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [migrations.RunPython(load_currencies, migrations.RunPython.noop)]
