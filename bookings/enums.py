"""Graph's Bookings enumerations, as Django choices.

Values are Graph's wire strings, so models, forms and the API share one spelling. Enums are
"evolvable" in Graph: ``unknownFutureValue`` is a legal value that clients must tolerate.
"""

from django.db import models

# Graph's sentinel for enum members added after a client was written: readable, never writable.
UNKNOWN_FUTURE_VALUE = "unknownFutureValue"


class PriceType(models.TextChoices):
    UNDEFINED = "undefined"
    FIXED_PRICE = "fixedPrice", "Fixed price"
    STARTING_AT = "startingAt", "Starting at"
    HOURLY = "hourly"
    FREE = "free"
    PRICE_VARIES = "priceVaries", "Price varies"
    CALL_US = "callUs", "Call us"
    NOT_SET = "notSet", "Not set"
    UNKNOWN_FUTURE_VALUE = "unknownFutureValue", "Unknown future value"


class StaffRole(models.TextChoices):
    GUEST = "guest"
    ADMINISTRATOR = "administrator"
    VIEWER = "viewer"
    EXTERNAL_GUEST = "externalGuest", "External guest"
    UNKNOWN_FUTURE_VALUE = "unknownFutureValue", "Unknown future value"
    SCHEDULER = "scheduler"
    TEAM_MEMBER = "teamMember", "Team member"


# Graph returns these roles only to callers that send ``Prefer: include-unknown-enum-members``;
# everyone else sees ``unknownFutureValue`` in their place.
EVOLVED_STAFF_ROLES = frozenset({StaffRole.SCHEDULER, StaffRole.TEAM_MEMBER})


class MembershipStatus(models.TextChoices):
    ACTIVE = "active"
    PENDING_ACCEPTANCE = "pendingAcceptance", "Pending acceptance"
    REJECTED_BY_STAFF = "rejectedByStaff", "Rejected by staff"
    UNKNOWN_FUTURE_VALUE = "unknownFutureValue", "Unknown future value"


class ReminderRecipients(models.TextChoices):
    ALL_ATTENDEES = "allAttendees", "All attendees"
    STAFF = "staff"
    CUSTOMER = "customer"
    UNKNOWN_FUTURE_VALUE = "unknownFutureValue", "Unknown future value"


class AnswerInputType(models.TextChoices):
    TEXT = "text"
    RADIO_BUTTON = "radioButton", "Radio buttons"
    UNKNOWN_FUTURE_VALUE = "unknownFutureValue", "Unknown future value"


class ServiceAvailabilityType(models.TextChoices):
    BOOK_WHEN_STAFF_ARE_FREE = "bookWhenStaffAreFree", "Book when staff are free"
    NOT_BOOKABLE = "notBookable", "Not bookable"
    CUSTOM_WEEKLY_HOURS = "customWeeklyHours", "Custom weekly hours"
    UNKNOWN_FUTURE_VALUE = "unknownFutureValue", "Unknown future value"


class PageAccessControl(models.TextChoices):
    UNRESTRICTED = "unrestricted"
    RESTRICTED_TO_ORGANIZATION = "restrictedToOrganization", "Restricted to organization"
    UNKNOWN_FUTURE_VALUE = "unknownFutureValue", "Unknown future value"


class DayOfWeek(models.TextChoices):
    SUNDAY = "sunday"
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"

    @property
    def weekday(self) -> int:
        """Python's numbering: Monday is 0."""
        return ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].index(
            self.value
        )


class PhoneType(models.TextChoices):
    HOME = "home"
    BUSINESS = "business"
    MOBILE = "mobile"
    OTHER = "other"
    ASSISTANT = "assistant"
    HOME_FAX = "homeFax", "Home fax"
    BUSINESS_FAX = "businessFax", "Business fax"
    OTHER_FAX = "otherFax", "Other fax"
    PAGER = "pager"
    RADIO = "radio"


class Origin(models.TextChoices):
    """Where a record was first written: through the portal, or read from Microsoft Graph."""

    PORTAL = "portal"
    GRAPH = "graph"


class SyncState(models.TextChoices):
    NEVER = "never", "Never synced"
    OK = "ok", "In sync"
    PENDING = "pending", "Changes waiting to reach Graph"
    FAILED = "failed", "Last sync failed"
