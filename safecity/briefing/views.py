"""The daily briefing page and its Word download."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from safecity.duty.models import DutyPost
from safecity.duty.selectors import duty_day_of, user_posts

from .services import build_briefing
from .word import briefing_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def daily_briefing(request):
    visible = DutyPost.objects.restrict(request.user, "view")
    posts = list(visible.active().select_related("region").order_by("region__code", "name"))
    post_id = request.GET.get("post")
    if post_id:
        post = get_object_or_404(visible, pk=post_id)
    elif not posts:
        return render(request, "briefing/briefing.html", {"posts": [], "briefing": None})
    else:
        mine = user_posts(request.user)
        post = mine[0] if mine else posts[0]
    try:
        day = date.fromisoformat(request.GET["day"]) if request.GET.get("day") else duty_day_of(post, timezone.now())
    except ValueError as exc:
        raise Http404 from exc
    briefing = build_briefing(user=request.user, post=post, day=day)
    if request.GET.get("format") == "docx":
        response = HttpResponse(briefing_docx(briefing), content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="briefing-{post.pk}-{day.isoformat()}.docx"'
        return response
    return render(request, "briefing/briefing.html", {"posts": posts, "post": post, "day": day, "briefing": briefing})
