from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    """Tatacara Permohonan: agencies apply, JDN operators review (public schema)."""

    name = "shared_apps.onboarding"
    label = "onboarding"
    verbose_name = "Agency onboarding"
