"""Factories for the Bookings models: realistic defaults, override what a test is about."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import factory

from bookings import models
from bookings.enums import StaffRole


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Business

    display_name = factory.Sequence(lambda n: f"Business {n}")
    graph_id = factory.Sequence(lambda n: f"business{n}@contoso.onmicrosoft.com")
    slug = factory.Sequence(lambda n: f"business-{n}")
    time_zone = "America/Chicago"


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StaffMember

    business = factory.SubFactory(BusinessFactory)
    display_name = factory.Sequence(lambda n: f"Staff {n}")
    email_address = factory.Sequence(lambda n: f"staff{n}@contoso.com")
    role = StaffRole.ADMINISTRATOR
    time_zone = "America/Chicago"


class CustomQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CustomQuestion

    business = factory.SubFactory(BusinessFactory)
    display_name = factory.Sequence(lambda n: f"Question {n}?")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Service

    business = factory.SubFactory(BusinessFactory)
    display_name = factory.Sequence(lambda n: f"Service {n}")
    default_duration = timedelta(minutes=30)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Customer

    business = factory.SubFactory(BusinessFactory)
    display_name = factory.Sequence(lambda n: f"Customer {n}")
    email_address = factory.Sequence(lambda n: f"customer{n}@example.com")


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Appointment

    business = factory.SubFactory(BusinessFactory)
    service = factory.SubFactory(ServiceFactory, business=factory.SelfAttribute("..business"))
    service_name = factory.SelfAttribute("service.display_name")
    start = datetime(2030, 5, 6, 15, 0, tzinfo=UTC)
    end = factory.LazyAttribute(lambda o: o.start + timedelta(minutes=30))


def graph_guid() -> str:
    return str(uuid.uuid4())
