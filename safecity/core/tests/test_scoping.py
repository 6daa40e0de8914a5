"""Scoping is enforced in one place and re-checked inside every write's transaction."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from safecity.accounts.models import User
from safecity.accounts.roles import Role
from safecity.core.exceptions import OutOfScope
from safecity.core.factories import OrganizationFactory, make_user
from safecity.core.services import object_archive, object_save
from safecity.geo.models import Region
from safecity.orgs.admin import OrganizationAdmin
from safecity.orgs.forms import OrganizationForm
from safecity.orgs.models import Organization


def test_anonymous_users_and_users_without_scopes_see_nothing(city):
    OrganizationFactory(region=city["dazhe"])
    assert Organization.objects.restrict(AnonymousUser(), "view").count() == 0
    unscoped = make_user("nobody", Role.COUNTY_STAFF)
    assert Organization.objects.restrict(unscoped, "view").count() == 0


def test_users_without_the_model_permission_see_nothing_even_in_scope(city):
    OrganizationFactory(region=city["dazhe"])
    grid_worker = make_user("gw", Role.GRID_WORKER, city["xinhui"].code)
    assert Organization.objects.restrict(grid_worker, "change").count() == 0
    assert Organization.objects.restrict(grid_worker, "view").count() == 1


def test_a_user_with_two_scopes_sees_both_and_a_superuser_sees_everything(city):
    OrganizationFactory(region=city["dazhe"])
    OrganizationFactory(region=city["dajiang"])
    OrganizationFactory(region=city["city"])
    both = make_user("both", Role.COUNTY_STAFF, city["dazhe"].code, city["dajiang"].code)
    assert Organization.objects.restrict(both, "view").count() == 2
    root = make_user("root", Role.ADMINISTRATOR, superuser=True)
    assert Organization.objects.restrict(root, "view").count() == 3


def test_read_only_leader_cannot_change_anything(city):
    org = OrganizationFactory(region=city["dazhe"])
    leader = make_user("ld", Role.READ_ONLY_LEADER, city["city"].code)
    assert Organization.objects.restrict(leader, "view").filter(pk=org.pk).exists()
    for action in ("add", "change", "delete"):
        assert not Organization.objects.restrict(leader, action).exists()


def test_moving_a_record_out_of_scope_is_rolled_back_by_the_service(city, xinhui_user):
    org = OrganizationFactory(region=city["dazhe"], name="不许搬走的单位")
    org.region = city["dajiang"]
    with pytest.raises(OutOfScope):
        object_save(actor=xinhui_user, instance=org)
    org.refresh_from_db()
    assert org.region == city["dazhe"]
    assert org.history.count() == 1


def test_archiving_another_countys_record_is_refused(city, xinhui_user):
    org = OrganizationFactory(region=city["dajiang"])
    with pytest.raises(OutOfScope):
        object_archive(actor=xinhui_user, instance=org)
    org.refresh_from_db()
    assert org.archived_at is None


def test_form_choices_offer_only_regions_in_scope(city, xinhui_user):
    form = OrganizationForm(user=xinhui_user)
    codes = set(form.fields["region"].queryset.values_list("code", flat=True))
    assert city["dazhe"].code in codes
    assert city["dajiang"].code not in codes
    assert city["city"].code not in codes


def test_admin_lists_only_records_in_scope(city):
    OrganizationFactory(region=city["dazhe"])
    OrganizationFactory(region=city["dajiang"])
    staff = make_user("staff", Role.COUNTY_STAFF, city["xinhui"].code, is_staff=True)
    request = RequestFactory().get("/admin/orgs/organization/")
    request.user = staff
    admin = OrganizationAdmin(Organization, None)
    assert {o.region.code for o in admin.get_queryset(request)} == {city["dazhe"].code}


def test_users_are_visible_to_those_whose_scope_contains_one_of_theirs(city, xinhui_user, taishan_user, hq_user):
    assert set(User.objects.restrict(xinhui_user, "view")) == {xinhui_user}
    assert set(User.objects.restrict(hq_user, "view")) >= {xinhui_user, taishan_user, hq_user}


def test_regions_restrict_to_the_subtree(city, xinhui_user):
    visible = set(Region.objects.restrict(xinhui_user, "view").values_list("code", flat=True))
    assert city["grid"].code in visible
    assert city["xinhui"].code in visible
    assert city["city"].code not in visible
    assert city["dajiang"].code not in visible
