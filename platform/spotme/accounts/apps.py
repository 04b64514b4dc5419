from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "spotme.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import receivers  # noqa: F401  (session start at login, lockout events)
