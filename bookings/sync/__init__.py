"""Keeping the local mirror and Microsoft Graph in step: ``pull`` reads definitions from Graph,
``calendar`` refreshes the appointments and busy time Bookings holds."""

from .calendar import CalendarRefresh, refresh_all_calendars, refresh_calendar
from .pull import pull_all, pull_business

__all__ = ["CalendarRefresh", "pull_all", "pull_business", "refresh_all_calendars", "refresh_calendar"]
