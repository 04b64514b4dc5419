from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from .forms import MyKadAuthenticationForm, OperatorAuthenticationForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_form_class(self):
        if self.request.tenant.is_public:
            return OperatorAuthenticationForm
        return MyKadAuthenticationForm


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
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form, "forced": forced})
