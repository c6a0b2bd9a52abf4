from django.db import models


class Currency(models.Model):
    """A currency Bookings can price services in (``bookingCurrency``), keyed by ISO 4217 code."""

    id = models.CharField("ISO 4217 code", max_length=3, primary_key=True)
    symbol = models.CharField(max_length=16)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "currencies"

    def __str__(self) -> str:
        return f"{self.id} ({self.symbol})"
