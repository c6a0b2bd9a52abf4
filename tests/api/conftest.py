"""Fixtures of the API specification: the business most tests work in."""

import pytest

from tests.factories import BusinessFactory

# The mailbox of Microsoft's examples, so their context URLs and ids read the same here.
MAILBOX = "Contosolunchdelivery@contoso.onmicrosoft.com"


@pytest.fixture
def business():
    return BusinessFactory(graph_id=MAILBOX)
