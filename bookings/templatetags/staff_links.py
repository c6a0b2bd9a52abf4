"""``{% has_schedule user as flag %}``: whether the header offers "My schedule"."""

from django import template

from ..access import is_owner
from ..staff_accounts import user_has_membership

register = template.Library()


@register.simple_tag
def has_schedule(user) -> bool:
    """Staff members linked to an active business, and owners (who see every business's schedule)."""
    return is_owner(user) or user_has_membership(user)
