from rest_framework.permissions import BasePermission


class IsStaffOrOwner(BasePermission):
    """The API serves the business's people: owners (Django staff) and Bookings staff members
    linked to a portal account. Customers use the booking pages instead."""

    message = "Only business owners and staff members may use the API."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        return user.is_staff or user.staff_memberships.filter(is_active=True).exists()
