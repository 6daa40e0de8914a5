"""The responsible person's hazards: "My work" on the home page and ``?mine=true`` on the list agree."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from safecity.hazards.choices import HazardStatus
from safecity.hazards.factories import HazardFactory, InspectionTargetFactory


def test_the_mine_filter_lists_only_the_hazards_the_user_must_rectify(xinhui_client, xinhui_user, hq_user, city):
    target = InspectionTargetFactory(region=city["dazhe"])
    today = timezone.localdate()
    assigned = HazardFactory(target=target, status=HazardStatus.ASSIGNED, responsible_person=xinhui_user)
    late = HazardFactory(
        target=target,
        status=HazardStatus.RECTIFYING,
        responsible_person=xinhui_user,
        deadline=today - timedelta(days=1),
    )
    done = HazardFactory(target=target, status=HazardStatus.RECTIFIED, responsible_person=xinhui_user)
    someone_elses = HazardFactory(target=target, status=HazardStatus.ASSIGNED, responsible_person=hq_user)
    listed = set(xinhui_client.get(reverse("hazards:hazard_list"), {"mine": "true"}).context["table"].data)
    assert listed == {assigned, late}
    assert done not in listed and someone_elses not in listed
    todo = next(t for t in xinhui_client.get("/").context["todos"] if str(t.label) == gettext("Hazards to rectify"))
    assert (todo.count, todo.late, todo.url) == (2, 1, reverse("hazards:hazard_list") + "?mine=true")


def test_rectifications_wait_for_re_inspection_by_county_staff_but_never_their_own(
    xinhui_client, xinhui_user, hq_user, city
):
    target = InspectionTargetFactory(region=city["dazhe"])
    HazardFactory(target=target, status=HazardStatus.RECTIFIED, rectified_by=hq_user)
    HazardFactory(target=target, status=HazardStatus.RECTIFIED, rectified_by=xinhui_user)
    todos = {str(t.label): t for t in xinhui_client.get("/").context["todos"]}
    waiting = todos[gettext("Rectifications to re-inspect")]
    assert waiting.count == 1 and waiting.url == reverse("hazards:hazard_list") + "?status=rectified"
