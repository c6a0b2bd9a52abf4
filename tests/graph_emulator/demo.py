"""The demo tenant: Microsoft's own sample business ("Contoso Lunch Delivery", with the ids the
docs' examples use, so their request bodies resolve here) and a second business, Fabrikam.

Used by ``seed_demo()``, the ``demo_emulator`` fixture and ``--seed demo`` (the sandbox tenant a
newcomer syncs from).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import Emulator

CONTOSO = "Contosolunchdelivery@contoso.onmicrosoft.com"
FABRIKAM = "Fabrikam@contoso.onmicrosoft.com"

DANA = "8ee1c803-a1fa-406d-8259-7ab53233f148"
SAMANTHA = "71d64d0e-7225-49b6-b0b1-070d476cda51"
ALEX = "e3e3a1b4-4c2f-4e1a-9a55-0c8a1c1f2b61"
BENTO = "57da6774-a087-4d69-b0e6-6fb82c339976"
INITIAL = "f9b9121f-aed7-4c8c-bb3a-a1796a0b0b2d"
KAISEKI = "635a7b7c-4230-4d3b-a42b-698e89927528"
COOKING_CLASS = "0b1a44a2-37a4-4fd1-8a4f-6b1f0f5d7c3e"
AGE_QUESTION = "3bc6fde0-4ad3-445d-ab17-0fc15dba0774"
NATIONALITY_QUESTION = "dbb865a6-530d-46e1-8e88-5d76789034b2"
JORDAN = "7ed53fa5-9ef2-4f2f-975b-27447440bc09"
ADELE = "8bb19078-0f45-4efb-b2c5-da78b860f73a"
BOB = "829e3cb5-3d4d-4319-a8de-1953aedaa166"
LEE = "5c0a9a3e-9d8e-4a53-8f0e-3c2b7d1e4f50"
CONSULTATION = "a6f4c1d2-3b5e-4f60-9a7b-8c9d0e1f2a3b"
TOPIC_QUESTION = "c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f"
# Exchange ids carry "/", "+" and "=": the demo has one of each so clients must encode ids.
LUNCH_APPOINTMENT = "AAMkADKnAAA="
CLASS_APPOINTMENT = "AAMkADc7zF4J0AAA8v/Kn+AAA="

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
ADDRESS = {
    "street": "4567 First Street",
    "city": "Buffalo",
    "state": "NY",
    "countryOrRegion": "USA",
    "postalCode": "98052",
}


def _hours(
    start: str = "08:00:00", end: str = "17:00:00", days: tuple[str, ...] = WEEKDAYS
) -> list[dict[str, Any]]:
    return [{"day": d, "timeSlots": [{"startTime": start, "endTime": end}]} for d in days]


def seed(emulator: Emulator) -> None:
    """Load both demo businesses into ``emulator`` (which should be empty). Every id is fixed, so a
    restarted sandbox emulator serves the same items and a re-sync is a no-op."""
    _contoso(emulator)
    _fabrikam(emulator)


def _contoso(emulator: Emulator) -> None:
    b = emulator.add_business(
        {
            "id": CONTOSO,
            "displayName": "Contoso Lunch Delivery",
            "businessType": "Food delivery",
            "phone": "206-555-0100",
            "email": "manager@contoso.com",
            "webSiteUrl": "https://www.contoso.com",
            "defaultCurrencyIso": "USD",
            "languageTag": "en-US",
            "address": {"postOfficeBox": "P.O. Box 123", **ADDRESS},
            "isPublished": True,
        }
    )
    staff = [
        (DANA, "Dana Swope", "danas@contoso.com", "externalGuest", True, []),
        (SAMANTHA, "Samantha Booth", "samanthab@contoso.onmicrosoft.com", "administrator", True, []),
        (
            ALEX,
            "Alex Wilber",
            "alexw@contoso.onmicrosoft.com",
            "guest",
            False,
            _hours("10:00:00", "14:00:00"),
        ),
    ]
    for staff_id, name, email, role, business_hours, hours in staff:
        emulator.add_staff_member(
            b,
            {
                "id": staff_id,
                "displayName": name,
                "emailAddress": email,
                "role": role,
                "timeZone": "America/Chicago",
                "useBusinessHours": business_hours,
                "workingHours": hours or _hours(),
                "isEmailNotificationEnabled": False,
                "availabilityIsAffectedByPersonalCalendar": role == "administrator",
            },
        )
    emulator.add_custom_question(
        b,
        {
            "id": AGE_QUESTION,
            "displayName": "What is your age?",
            "answerInputType": "text",
            "answerOptions": [],
        },
    )
    emulator.add_custom_question(
        b,
        {
            "id": NATIONALITY_QUESTION,
            "displayName": "What is your nationality?",
            "answerInputType": "radioButton",
            "answerOptions": ["US", "UK", "Canada", "India"],
        },
    )
    location = {"displayName": "Contoso Lunch Delivery", "address": ADDRESS}
    policy = {"timeSlotInterval": "PT1H", "minimumLeadTime": "PT10H", "maximumAdvance": "P10D"}
    services = [
        {
            "id": BENTO,
            "displayName": "Bento",
            "description": "Individual bento box lunch delivery",
            "notes": "Home-cooked special",
            "defaultDuration": "PT30M",
            "defaultPrice": 10.0,
            "defaultPriceType": "fixedPrice",
            "preBuffer": "PT5M",
            "postBuffer": "PT10M",
            "staffMemberIds": [DANA, SAMANTHA],
            "customQuestions": [{"questionId": AGE_QUESTION, "isRequired": True}],
            "defaultReminders": [
                {
                    "offset": "P1D",
                    "recipients": "allAttendees",
                    "message": "Please be reminded that this service is tomorrow.",
                }
            ],
            "schedulingPolicy": policy,
            "isLocationOnline": True,
            "smsNotificationsEnabled": True,
            "isCustomerAllowedToManageBooking": True,
            "languageTag": "en-US",
        },
        {
            "id": INITIAL,
            "displayName": "Initial service",
            "description": "Not sure how to choose? Let us introduce you to our traditional family recipes.",
            "defaultDuration": "PT10M",
            "defaultPriceType": "notSet",
            "staffMemberIds": [SAMANTHA],
            "languageTag": "en-US",
        },
        {
            "id": KAISEKI,
            "displayName": "Kaiseki",
            "description": "Individual kaiseki lunch delivery",
            "notes": "Home-cooked special",
            "defaultDuration": "PT90M",
            "defaultPrice": 30.0,
            "defaultPriceType": "fixedPrice",
            "preBuffer": "PT5M",
            "postBuffer": "PT10M",
            "staffMemberIds": [DANA],
            "schedulingPolicy": policy,
            "languageTag": "en-US",
        },
        {
            "id": COOKING_CLASS,
            "displayName": "Cooking class",
            "description": "Learn to cook a bento with our chef, up to five guests.",
            "defaultDuration": "PT2H",
            "defaultPrice": 45.0,
            "defaultPriceType": "startingAt",
            "maximumAttendeesCount": 5,
            "staffMemberIds": [ALEX],
            "customQuestions": [{"questionId": NATIONALITY_QUESTION, "isRequired": False}],
            "languageTag": "en-US",
        },
    ]
    for service in services:
        emulator.add_service(b, {"defaultLocation": location, **service})
    customers = [
        (JORDAN, "Jordan Miller", "jordanm@contoso.com", [], []),
        (
            ADELE,
            "Adele Vance",
            "adelev@proseware.com",
            [
                {
                    "postOfficeBox": "",
                    "street": "4567 Main Street",
                    "city": "Buffalo",
                    "state": "NY",
                    "countryOrRegion": "USA",
                    "postalCode": "98052",
                    "type": "home",
                }
            ],
            [{"number": "206-555-0100", "type": "home"}],
        ),
        (BOB, "Bob Kelly", "bobk@tailspintoys.com", [], [{"number": "213-555-0108", "type": "mobile"}]),
    ]
    for customer_id, name, email, addresses, phones in customers:
        emulator.add_customer(
            b,
            {
                "id": customer_id,
                "displayName": name,
                "emailAddress": email,
                "addresses": addresses,
                "phones": phones,
            },
        )
    answer = {
        "questionId": AGE_QUESTION,
        "question": "What is your age?",
        "answerInputType": "text",
        "answerOptions": [],
        "isRequired": True,
        "answer": "25",
        "selectedOptions": [],
    }
    emulator.add_appointment(
        b,
        {
            "id": LUNCH_APPOINTMENT,
            "serviceId": BENTO,
            "serviceName": "Catered bento",
            "startDateTime": {"dateTime": "2018-05-01T12:00:00", "timeZone": "UTC"},
            "endDateTime": {"dateTime": "2018-05-01T12:30:00", "timeZone": "UTC"},
            "staffMemberIds": [DANA],
            "serviceNotes": "Customer requires punctual service.",
            "serviceLocation": {
                "displayName": "Customer location",
                "address": {**ADDRESS, "street": "123 First Avenue"},
            },
            "reminders": [
                {"offset": "P1D", "recipients": "allAttendees", "message": "This service is tomorrow"}
            ],
            "customerTimeZone": "America/Chicago",
            "customers": [
                {
                    "customerId": JORDAN,
                    "name": "Jordan Miller",
                    "emailAddress": "jordanm@contoso.com",
                    "phone": "213-555-0199",
                    "timeZone": "America/Chicago",
                    "customQuestionAnswers": [answer],
                }
            ],
        },
    )
    emulator.add_appointment(
        b,
        {
            "id": CLASS_APPOINTMENT,
            "serviceId": COOKING_CLASS,
            "startDateTime": {"dateTime": "2018-05-03T10:00:00", "timeZone": "Central Standard Time"},
            "endDateTime": {"dateTime": "2018-05-03T12:00:00", "timeZone": "Central Standard Time"},
            "staffMemberIds": [ALEX],
            "customers": [
                {"customerId": ADELE, "name": "Adele Vance", "emailAddress": "adelev@proseware.com"},
                {
                    "customerId": BOB,
                    "name": "Bob Kelly",
                    "emailAddress": "bobk@tailspintoys.com",
                    "phone": "213-555-0108",
                },
            ],
        },
    )


def _fabrikam(emulator: Emulator) -> None:
    b = emulator.add_business(
        {
            "id": FABRIKAM,
            "displayName": "Fabrikam",
            "phone": "206-555-0200",
            "email": "manager@fabrikam.com",
            "webSiteUrl": "https://www.fabrikam.com/",
            "address": {
                "street": "4567 Main Street",
                "city": "Buffalo",
                "state": "NY",
                "countryOrRegion": "USA",
                "postalCode": "98052",
            },
            "businessHours": [
                *_hours("09:00:00", "18:00:00", (*WEEKDAYS, "saturday")),
                {"day": "sunday", "timeSlots": []},
            ],
        }
    )
    advisor = emulator.add_staff_member(
        b,
        {
            "id": LEE,
            "displayName": "Lee Gu",
            "emailAddress": "leeg@fabrikam.com",
            "role": "administrator",
            "timeZone": "America/New_York",
        },
    )
    question = emulator.add_custom_question(
        b, {"id": TOPIC_QUESTION, "displayName": "What would you like to discuss?"}
    )
    emulator.add_service(
        b,
        {
            "id": CONSULTATION,
            "displayName": "Consultation",
            "description": "A one-hour conversation with an advisor.",
            "defaultDuration": "PT1H",
            "defaultPrice": 0.0,
            "defaultPriceType": "free",
            "staffMemberIds": [advisor],
            "customQuestions": [{"questionId": question, "isRequired": True}],
            "isLocationOnline": True,
        },
    )
