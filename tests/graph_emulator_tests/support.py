"""Helpers for the emulator's own tests: httpx clients holding the emulator's tokens, and paths."""

from __future__ import annotations

import json
import ssl
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from tests.graph_emulator import Emulator

EXAMPLES = Path(__file__).resolve().parents[1] / "graph_examples"
CONTOSO = "Contosolunchdelivery@contoso.onmicrosoft.com"
FABRIKAM = "Fabrikam@contoso.onmicrosoft.com"
BENTO = "57da6774-a087-4d69-b0e6-6fb82c339976"
DANA = "8ee1c803-a1fa-406d-8259-7ab53233f148"
JORDAN = "7ed53fa5-9ef2-4f2f-975b-27447440bc09"
ADELE = "8bb19078-0f45-4efb-b2c5-da78b860f73a"
AGE_QUESTION = "3bc6fde0-4ad3-445d-ab17-0fc15dba0774"
# Building an SSL context costs ~40 ms; every client shares one (plain-http clients still build it).
TLS = ssl.create_default_context()
LUNCH_APPOINTMENT = "AAMkADKnAAA="
CLASS_APPOINTMENT = "AAMkADc7zF4J0AAA8v/Kn+AAA="


def example(name: str) -> Any:
    """One of Microsoft's example bodies (vendored in tests/graph_examples)."""
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def client(emulator: Emulator, token: str | None = None, **kwargs: Any) -> httpx.Client:
    """An httpx client on ``base_url`` sending ``token`` (the delegated token by default)."""
    headers = {"Authorization": f"Bearer {token or emulator.delegated_token}"}
    kwargs.setdefault("timeout", 10)
    return httpx.Client(base_url=emulator.base_url, headers=headers, verify=TLS, **kwargs)


def app_client(emulator: Emulator, **kwargs: Any) -> httpx.Client:
    return client(emulator, emulator.app_token, **kwargs)


def business_path(business_id: str, *parts: str) -> str:
    """``/solutions/bookingBusinesses/{b}/…`` with every id percent-encoded, as clients must."""
    encoded = "/".join(quote(p, safe="") for p in (business_id, *parts))
    return f"/solutions/bookingBusinesses/{encoded}"


def odata_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """Graph's error envelope with ``status`` (and ``code``, when given); returns ``error``."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    body = response.json()
    assert list(body) == ["error"], body
    error = body["error"]
    assert isinstance(error["code"], str) and isinstance(error["message"], str) and error["message"]
    assert set(error["innerError"]) >= {"date", "request-id", "client-request-id"}
    if code is not None:
        assert error["code"] == code, error
    return error
