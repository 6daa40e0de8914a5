"""Warning pages: the warnings (in force first), each with the messages that started, changed or lifted
it; every received CAP message as received; and the page where the duty room receives one by hand."""

from __future__ import annotations

import django_tables2 as tables
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecity.core.views import ObjectViews

from . import services
from .choices import Channel, Kind, Outcome, State
from .filtersets import CapMessageFilterSet, WarningSignalFilterSet
from .forms import ReceiveForm, WarningSignalForm
from .models import CapMessage, WarningSignal
from .tables import CapMessageTable, WarningSignalTable, colour_badge, state_badge


class WarningSignalViews(ObjectViews):
    model = WarningSignal
    table = WarningSignalTable
    filterset = WarningSignalFilterSet
    form = WarningSignalForm
    actions = ("list", "detail", "history", "edit", "archive", "restore")
    select_related = ("region",)
    prefetch_related = ("regions",)
    detail_template = "alerts/warning_detail.html"
    detail_fields = [
        "event",
        "kind",
        "severity",
        "urgency",
        "certainty",
        "sender_name",
        "sender",
        "area_description",
        "regions",
        "sent",
        "effective",
        "onset",
        "expires",
        "lifted_at",
    ]
    empty_hint = gettext_lazy(
        "No warnings received yet. Warnings arrive as CAP messages from the warning services "
        "(pushed to the API, or received by hand under “Receive a CAP message”)."
    )

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        table = CapMessageTable(
            obj.messages.restrict(request.user, "view").order_by("sent"), exclude=("signal", "status"), orderable=False
        )
        tables.RequestConfig(request, paginate={"per_page": 50}).configure(table)
        activations = getattr(obj, "plan_activations", None)  # the contingency plans this warning activated
        return {
            "activations": list(activations.restrict(request.user, "view").select_related("plan"))
            if activations is not None
            else [],
            "start_response_url": _start_response_url(request.user, obj),
            "colour_badge": colour_badge(obj.colour),
            "state_badge": state_badge(obj),
            "cap_messages": table,
        }

    @classmethod
    def urls(cls) -> list:
        return [*super().urls(), path("receive/", receive, name="receive")]


def _start_response_url(user, warning) -> str:
    """A typhoon warning in force can start a typhoon response (vessels back to port) for those who may."""
    if warning.kind != Kind.TYPHOON or warning.state() != State.IN_FORCE:
        return ""
    if not apps.is_installed("safecity.typhoon") or not user.has_perm("typhoon.add_typhoonresponse"):
        return ""
    return f"{reverse('typhoon:response_start')}?warning={warning.pk}"


class CapMessageViews(ObjectViews):
    """Every message as received — including those for other areas, kept for the record — never edited."""

    model = CapMessage
    table = CapMessageTable
    filterset = CapMessageFilterSet
    actions = ("list", "detail")
    detail_template = "alerts/capmessage_detail.html"
    detail_fields = [
        "identifier",
        "sender",
        "sent",
        "cap_status",
        "msg_type",
        "references",
        "event",
        "area_description",
        "outcome",
        "signal",
        "channel",
        "signed",
        "digest",
    ]
    empty_hint = gettext_lazy("No CAP message received yet.")


@login_required
def receive(request):
    """Receive one CAP message by hand (a file or pasted text); what it did is said on the next page."""
    if not services.may_receive(request.user):
        raise PermissionDenied(str(services.RECEIVER_ONLY))
    posted = request.method == "POST"
    form = ReceiveForm(request.POST if posted else None, request.FILES if posted else None, user=request.user)
    if posted and form.is_valid():
        try:
            result = services.receive(actor=request.user, data=form.cleaned_data["data"], channel=Channel.UPLOAD)
        except ValidationError as exc:
            for message in exc.message_dict.get("message", exc.messages):
                form.add_error(None, message)
        else:
            record = result.message
            if result.duplicate:
                messages.info(request, _("This message had been received already; nothing changed."))
            else:
                text = _("Received: %(outcome)s.") % {"outcome": Outcome(record.outcome).label}
                (messages.warning if record.notices else messages.success)(request, text)
            target = record.signal if record.signal_id and record.outcome != Outcome.NOT_FOR_AREA else record
            return HttpResponseRedirect(target.get_absolute_url())
    return render(request, "alerts/receive.html", {"form": form}, status=400 if posted else 200)
