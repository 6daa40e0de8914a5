from django.utils.translation import gettext_lazy as _

from safecity.core import dashboard
from safecity.core.navigation import MenuItem, register

register(
    MenuItem("duty", _("Duty posts"), "duty:dutypost_list", "duty.view_dutypost", weight=10),
    MenuItem("duty", _("Duty roster"), "duty:roster_index", "duty.view_shift", weight=20),
    MenuItem("duty", _("Shifts"), "duty:shift_list", "duty.view_shift", weight=25),
    MenuItem("duty", _("Shift swaps"), "duty:shiftswap_list", "duty.view_shiftswap", weight=30),
    MenuItem("duty", _("Duty log"), "duty:dutylogentry_list", "duty.view_dutylogentry", weight=40),
    MenuItem("duty", _("Shift handovers"), "duty:handover_list", "duty.view_handover", weight=50),
)


def _swaps_to_decide(user, now) -> int:
    """Swap requests in the user's area waiting for the user's decision (as ``services.can_decide_swap``):
    every one for HQ duty officers and administrators, those of the posts the user leads the shift at now
    otherwise; never a swap the user is one of the two people of."""
    from safecity.core.dashboard import role_names

    from . import rules
    from .choices import SwapStatus
    from .models import Shift, ShiftSwap
    from .selectors import on_duty

    if not user.has_perm("duty.view_shiftswap"):
        return 0
    swaps = (
        ShiftSwap.objects.restrict(user, "view")
        .filter(status=SwapStatus.REQUESTED, archived_at__isnull=True)
        .exclude(from_user=user)
        .exclude(to_user=user)
    )
    if user.is_superuser or role_names(user) & {str(r) for r in rules.SWAP_APPROVER_ROLES}:
        return swaps.count()
    leading = (
        Shift.objects.restrict(user, "view")
        .filter(leader=user, archived_at__isnull=True, starts_at__lte=now, ends_at__gt=now)
        .select_related("post")[:5]
    )
    posts = [shift.post for shift in leading]
    posts = [post for post in dict.fromkeys(posts) if (leader := on_duty(post, now).leader) and leader.pk == user.pk]
    return swaps.filter(shift__post__in=posts).count() if posts else 0


def _todo(user):
    """My work: shift swaps waiting for my decision, and handovers waiting for me (the incoming officer) to
    acknowledge them (late = past the grace period, when the leader on shift is alerted)."""
    from django.db.models import Count, Q
    from django.urls import reverse
    from django.utils import timezone

    from safecity.core.dashboard import Todo

    from .choices import SwapStatus
    from .models import Handover
    from .rules import handover_grace

    now = timezone.now()
    todos = [
        Todo(
            _("Shift swaps to decide"),
            _swaps_to_decide(user, now),
            reverse("duty:shiftswap_list") + f"?status={SwapStatus.REQUESTED}",
        )
    ]
    if user.has_perm("duty.view_handover"):
        handovers = (
            Handover.objects.restrict(user, "view")
            .filter(incoming=user, acknowledged_at__isnull=True, archived_at__isnull=True)
            .aggregate(n=Count("pk"), late=Count("pk", filter=Q(handed_over_at__lt=now - handover_grace())))
        )
        todos.append(
            Todo(
                _("Handovers to acknowledge"),
                handovers["n"],
                reverse("duty:handover_list") + "?acknowledged=false",
                late=handovers["late"],
            )
        )
    return todos


dashboard.register_todo(_todo, weight=50)
