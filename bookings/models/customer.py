from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from ..fields import ValueField
from ..values import Phone, PhysicalAddress
from .base import MirroredResource
from .business import Business


class Customer(MirroredResource):
    """Someone who books (``bookingCustomer``). One active customer per business and e-mail address."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="customers")
    display_name = models.CharField(max_length=255)
    email_address = models.EmailField(max_length=320, blank=True)
    phones = ValueField(value_type=Phone, many=True, default=tuple, blank=True)
    addresses = ValueField(value_type=PhysicalAddress, many=True, default=tuple, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="booking_customers",
    )

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(fields=["business", "graph_id"], name="customer_graph_id_unique"),
            models.UniqueConstraint(
                "business",
                Lower("email_address"),
                condition=Q(is_active=True) & ~Q(email_address=""),
                name="customer_email_unique_per_business",
                violation_error_message="This business already has a customer with that e-mail address.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} <{self.email_address}>" if self.email_address else self.display_name
