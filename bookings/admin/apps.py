"""The admin app with the portal's own site (:class:`bookings.admin.site.PortalAdminSite`).

Listed in ``INSTALLED_APPS`` instead of ``django.contrib.admin``. Settings import this module before
any model exists, so the ``bookings.admin`` package imports nothing at import time; :meth:`ready`
imports the modules that register the model admins, once the models are loaded.
"""

from __future__ import annotations

from importlib import import_module

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "bookings.admin.site.PortalAdminSite"

    def ready(self) -> None:
        super().ready()
        from . import MODULES

        for name in MODULES:
            import_module(f"{__package__}.{name}")
