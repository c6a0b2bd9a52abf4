"""No double booking on PostgreSQL: an exclusion constraint over each staff member's blocked ranges.

``is_exclusive`` marks the staff rows of live portal appointments; only those may not overlap, so
overlaps read from Graph are still stored. SQLite has no exclusion constraints: there the booking
transaction (``BEGIN IMMEDIATE``, one writer at a time) re-checks the slot, which is the guarantee.
"""

from django.db import migrations, models

CONSTRAINT = "appointment_staff_no_overlap"  # bookings.booking.NO_OVERLAP_CONSTRAINT names it too

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_appointmentstaff ADD CONSTRAINT {CONSTRAINT}
    EXCLUDE USING gist (staff_member_id WITH =, tstzrange(blocked_start, blocked_end, '[)') WITH &&)
    WHERE (is_exclusive);
"""
DROP = f"ALTER TABLE bookings_appointmentstaff DROP CONSTRAINT IF EXISTS {CONSTRAINT};"


def mark_exclusive_rows(apps, schema_editor):
    AppointmentStaff = apps.get_model("bookings", "AppointmentStaff")
    AppointmentStaff.objects.filter(
        appointment__origin="portal", appointment__is_active=True, appointment__is_cancelled=False
    ).update(is_exclusive=True)


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0003_sync"),
    ]

    operations = [
        migrations.AddField(
            model_name="appointmentstaff",
            name="is_exclusive",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="A live portal appointment: no other such row of this staff member may overlap it.",
            ),
        ),
        migrations.RunPython(mark_exclusive_rows, migrations.RunPython.noop),
        migrations.RunPython(add_constraint, drop_constraint),
    ]
