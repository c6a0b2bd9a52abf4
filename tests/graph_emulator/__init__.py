"""Microsoft Graph Bookings emulator: a real HTTP server on loopback that keeps Graph JSON itself
and answers like Graph v1.0 (contract: ``shared/graph-contract/CONTRACT.md``).

It imports nothing from the ``bookings`` package on purpose: it is the independent oracle the
portal's Graph client and sync are tested against.

    emulator = start_emulator(seed="demo")      # serving on 127.0.0.1:<free port>
    httpx.get(f"{emulator.base_url}/solutions/bookingBusinesses",
              headers={"Authorization": f"Bearer {emulator.delegated_token}"})
    emulator.faults.add(method="GET", path=r"/services$", status=429, times=2)
    emulator.stop()

Attributes: ``base_url``, ``root_url``, ``authority`` (and ``https_root_url``/``https_authority``
with ``ca_file`` for msal, which only accepts https), ``delegated_token``, ``app_token``,
``client_id``, ``client_secret``, ``tenant``, ``page_size`` and ``retry_after`` (settable),
``latency_ms``, ``fault_rate``, ``concurrency_limit``, ``faults``, ``max_concurrency``,
``requests``, ``state``. Methods: ``seed_demo()``, ``add_business()``, ``add_service()``,
``add_staff_member()``, ``add_custom_question()``, ``add_customer()``, ``add_appointment()``,
``business()``, ``businesses()``, ``items()``, ``cancelled()``, ``reset()``, ``expire_tokens()``,
``issue_auth_code()``, ``stop()``.
"""

from .server import Emulator, start_emulator

__all__ = ["Emulator", "start_emulator"]
