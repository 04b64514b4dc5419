"""Data Terbuka pages (org admins): API tokens, webhooks, the delivery log. Views parse, call
`services`, render; a token or secret is shown once, on the page answering the POST that made it."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenant_apps.people.access import require

from . import delivery as sending
from . import events, services
from .forms import TokenForm, WebhookEditForm, WebhookForm
from .models import ApiToken, WebhookDelivery, WebhookEndpoint

org_admin_only = require(lambda access: access.is_org_admin)


def _apply(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _once(response):
    """A page holding a secret: never cached, never kept by the browser's history cache."""
    response["Cache-Control"] = "no-store"
    return response


@org_admin_only
def index(request):
    tokens = ApiToken.objects.annotate(last_used=Max("uses__at")).order_by("-created_at", "-pk")
    webhooks = WebhookEndpoint.objects.order_by("-is_active", "url", "pk")
    return render(request, "opendata/index.html", {"tokens": tokens, "webhooks": webhooks})


@org_admin_only
def token_create(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.create_token(
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
                created_by=request.user,
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            return _once(
                render(
                    request, "opendata/token_created.html", {"token": new.token, "plaintext": new.plaintext}
                )
            )
    return render(request, "opendata/token_form.html", {"form": form}, status=400 if form.errors else 200)


@org_admin_only
def token_detail(request, pk: int):
    token = get_object_or_404(ApiToken.objects.select_related("created_by", "revoked_by"), pk=pk)
    uses = token.uses.order_by("-at", "-pk")[:100]
    return render(request, "opendata/token.html", {"token": token, "uses": uses})


@org_admin_only
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk)
    services.revoke_token(token, by=request.user)
    messages.success(request, _("The token has been revoked: it no longer works."))
    return redirect("opendata:token", pk=pk)


@org_admin_only
def webhook_create(request):
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.create_endpoint(**form.cleaned_data, created_by=request.user)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            return _once(
                render(
                    request,
                    "opendata/webhook_secret.html",
                    {"webhook": result.endpoint, "secret": result.secret},
                )
            )
    return render(
        request,
        "opendata/webhook_form.html",
        {"form": form, "webhook": None},
        status=400 if form.errors else 200,
    )


@org_admin_only
def webhook_detail(request, pk: int):
    webhook = get_object_or_404(WebhookEndpoint, pk=pk)
    deliveries = webhook.deliveries.order_by("-created_at", "-pk")[:50]
    return render(request, "opendata/webhook.html", {"webhook": webhook, "deliveries": deliveries})


@org_admin_only
def webhook_edit(request, pk: int):
    webhook = get_object_or_404(WebhookEndpoint, pk=pk)
    initial = {
        "url": webhook.url,
        "description": webhook.description,
        "events": webhook.events,
        "is_active": webhook.is_active,
    }
    form = WebhookEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_endpoint(webhook, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Webhook saved."))
            return redirect("opendata:webhook", pk=pk)
    return render(
        request,
        "opendata/webhook_form.html",
        {"form": form, "webhook": webhook},
        status=400 if form.errors else 200,
    )


@org_admin_only
@require_POST
def webhook_rotate(request, pk: int):
    webhook = get_object_or_404(WebhookEndpoint, pk=pk)
    result = services.rotate_secret(webhook)
    return _once(
        render(request, "opendata/webhook_secret.html", {"webhook": result.endpoint, "secret": result.secret})
    )


@org_admin_only
@require_POST
def webhook_ping(request, pk: int):
    webhook = get_object_or_404(WebhookEndpoint, pk=pk)
    with transaction.atomic():
        events.send_ping(webhook)
    messages.success(request, _("A test event is on its way; its result appears below."))
    return redirect("opendata:webhook", pk=pk)


@org_admin_only
def delivery_detail(request, pk: int):
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("endpoint"), pk=pk)
    payload = json.dumps(delivery.payload, indent=2, ensure_ascii=False, sort_keys=True)
    return render(
        request,
        "opendata/delivery.html",
        {"delivery": delivery, "payload": payload, "log": delivery.log.all()},
    )


@org_admin_only
@require_POST
def delivery_redeliver(request, pk: int):

    from .tasks import enqueue

    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    with transaction.atomic():
        sending.redeliver(delivery)
        enqueue(connection.schema_name, [delivery.pk])  # the outbox, in this transaction
    messages.success(request, _("The delivery will be sent again."))
    return redirect("opendata:delivery", pk=pk)
