from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Bookings"

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed, user_logged_in
        from allauth.socialaccount.signals import social_account_added

        from . import staff_accounts

        # Thin receivers: whenever an account may have gained a verified address, link it to the
        # staff members with that address (staff_accounts.link_staff_members). weak=False: these are
        # local functions, which a weak reference would let the garbage collector take.
        def on_email_confirmed(sender, request=None, email_address=None, **kwargs) -> None:
            staff_accounts.link_staff_members(email_address.user)

        def on_user_logged_in(sender, request=None, user=None, **kwargs) -> None:
            staff_accounts.link_staff_members(user)

        def on_social_account_added(sender, request=None, sociallogin=None, **kwargs) -> None:
            staff_accounts.link_staff_members(sociallogin.user)

        email_confirmed.connect(
            on_email_confirmed, dispatch_uid="bookings.link_staff_on_email_confirmed", weak=False
        )
        user_logged_in.connect(on_user_logged_in, dispatch_uid="bookings.link_staff_on_login", weak=False)
        social_account_added.connect(
            on_social_account_added, dispatch_uid="bookings.link_staff_on_social", weak=False
        )
