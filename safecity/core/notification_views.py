"""The notification centre: a user's own notifications, newest first; mark read."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Notification


@login_required
def notification_list(request):
    queryset = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread"):
        queryset = queryset.filter(read_at__isnull=True)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page, "unread_only": bool(request.GET.get("unread"))})


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark one notification read and follow its link."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/notifications/"
    return HttpResponseRedirect(target)


@login_required
@require_POST
def notification_read_all(request):
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return HttpResponseRedirect("/notifications/")
