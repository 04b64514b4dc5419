from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "spotme.accounts"
    label = "accounts"
    verbose_name = "Accounts"
