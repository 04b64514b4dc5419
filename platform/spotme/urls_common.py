"""URLs served on both the apex and agency hosts: sign-in, language, API schema and docs."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from spotme.accounts import language as account_language
from spotme.accounts import views as account_views
from spotme.web import pwa


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema of the host's own URLs: django-tenants routes the apex and the agencies'
    subdomains to different URLconfs (request.urlconf), which drf-spectacular would not see."""

    @extend_schema(exclude=True)  # the schema itself is not an endpoint of the API
    def get(self, request, *args, **kwargs):
        self.urlconf = getattr(request, "urlconf", None)
        return super().get(request, *args, **kwargs)


urlpatterns = [
    path("favicon.ico", pwa.favicon, name="favicon"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", account_views.LogoutView.as_view(), name="logout"),
    path("password/change/", account_views.password_change, name="password_change"),
    path("login/verify/", account_views.login_verify, name="login_verify"),
    path("password/reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", account_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        account_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/two-factor/", account_views.two_factor_settings, name="two_factor"),
    path("account/two-factor/disable/", account_views.two_factor_disable, name="two_factor_disable"),
    path(
        "account/two-factor/backup-codes/",
        account_views.two_factor_backup_codes,
        name="two_factor_backup_codes",
    ),
    # Django's language switch, which also saves the choice on the account (spotme.accounts.language)
    path("i18n/setlang/", account_language.set_language, name="set_language"),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script (Content-Security-Policy).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
