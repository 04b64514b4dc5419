from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from spotme.audit.events import record_auth_event
from spotme.audit.models import AuthEventKind

from . import actions, backup_codes, idle, language, two_factor
from .forms import LoginCodeForm, TotpCodeForm, login_form_class, password_reset_form_class


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_form_class(self):
        return login_form_class(self.request)

    def get_context_data(self, **kwargs):
        return super().get_context_data(idle_minutes=idle.pop_logout_note(self.request), **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        return language.apply_at_login(self.request, form.get_user(), response)


class LogoutView(auth_views.LogoutView):
    pass


@sensitive_post_parameters()
@login_required
def password_change(request):
    """Voluntary change asks for the old password; the forced first-login change does not (the user
    has just typed the temporary one)."""
    user = request.user
    forced = user.must_change_password
    form_class = SetPasswordForm if forced else PasswordChangeForm
    form = form_class(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save(commit=False)
            user.must_change_password = False
            user.save(update_fields=["password", "must_change_password"])
            record_auth_event(AuthEventKind.PASSWORD_CHANGED, request=request, user=user, forced=forced)
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form, "forced": forced})


# --- forgot password: a one-time link by email, on the host the account lives on -----------------


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for the MyKad number (agency) or username (apex). The same page follows whether or not
    such an account exists."""

    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")

    def get_form_class(self):
        return password_reset_form_class(self.request)

    def form_valid(self, form):
        try:
            actions.request_password_reset(form.cleaned_data["username"], request=self.request)
        except actions.TooManyResetRequests:
            minutes = settings.SPOTME_PASSWORD_RESET_WINDOW_SECONDS // 60
            message = _("Too many password reset requests. Try again in %(minutes)s minutes.")
            form.add_error(None, message % {"minutes": minutes})
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        actions.reset_password(form.user, form.cleaned_data["new_password1"], request=self.request)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- two-factor authentication ------------------------------------------------------------------


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters()
@login_required
def login_verify(request):
    """The second step of a login: the code from the authenticator app."""
    if two_factor.session_state(request) != two_factor.VERIFY:
        return redirect(_next_url(request))
    form = LoginCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = actions.check_login_code(request.user, form.cleaned_data["code"], request=request)
        if check.ok:
            two_factor.mark_verified(request, two_factor.confirmed_device(request.user))
            if check.by_backup_code:
                left = backup_codes.remaining(request.user)
                note = _("You signed in with a backup code. Backup codes left: %(count)d.") % {"count": left}
                messages.warning(request, note)
            return redirect(_next_url(request))
        form.add_error("code", actions.code_error(check))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )


@sensitive_post_parameters()
@login_required
def two_factor_settings(request):
    """Set up (QR code, secret, confirming code) or, once on, the option to turn it off."""
    user = request.user
    if not two_factor.may_use(user):
        raise PermissionDenied
    device = two_factor.confirmed_device(user)
    if device is not None:
        return _enabled_page(request)
    pending = two_factor.pending_device(user)
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = actions.enable_totp(pending, form.cleaned_data["code"], request=request)
        if check.ok:
            two_factor.mark_verified(request, pending)
            messages.success(request, _("Two-factor authentication is on."))
            return _enabled_page(request, new_codes=check.backup_codes)  # shown this once only
        form.add_error("code", actions.code_error(check))
    context = {
        "enabled": False,
        "form": form,
        "qr_svg": two_factor.qr_svg(pending),
        "secret": two_factor.secret(pending),
        "required": two_factor.session_state(request) == two_factor.SETUP,
    }
    return render(request, "accounts/two_factor.html", context, status=400 if form.errors else 200)


def _enabled_page(request, *, new_codes=(), form=None, status=200):
    user = request.user
    context = {
        "enabled": True,
        "form": LoginCodeForm(),
        "codes_form": form or LoginCodeForm(prefix="codes"),
        "required": two_factor.is_required(user, request),
        "new_codes": new_codes,
        "codes_left": backup_codes.remaining(user),
    }
    return render(request, "accounts/two_factor.html", context, status=status)


@sensitive_post_parameters()
@login_required
@require_POST
def two_factor_backup_codes(request):
    """A new set of backup codes, shown once; the old set stops working."""
    if not two_factor.may_use(request.user):
        raise PermissionDenied
    form = LoginCodeForm(request.POST, prefix="codes")
    if form.is_valid():
        try:
            codes = actions.replace_backup_codes(request.user, form.cleaned_data["code"], request=request)
        except ValidationError as exc:
            form.add_error("code", exc.messages[0])
        else:
            messages.success(request, _("New backup codes made. The earlier ones no longer work."))
            return _enabled_page(request, new_codes=codes)
    if two_factor.confirmed_device(request.user) is None:
        return redirect("two_factor")
    return _enabled_page(request, form=form, status=400)


@sensitive_post_parameters()
@login_required
@require_POST
def two_factor_disable(request):
    if not two_factor.may_use(request.user):
        raise PermissionDenied
    form = LoginCodeForm(request.POST)
    if form.is_valid():
        try:
            actions.disable_totp(request.user, form.cleaned_data["code"], request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Two-factor authentication is off."))
    else:
        messages.error(request, " ".join(form.errors["code"]))
    return redirect("two_factor")
