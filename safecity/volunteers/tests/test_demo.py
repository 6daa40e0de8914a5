"""The demo volunteers and training load on the test city, give every page something to show, and load once."""

from datetime import date

from safecity.training.demo import load_training
from safecity.training.models import Certificate, Course
from safecity.volunteers.demo import PER_COUNTY, load_volunteers
from safecity.volunteers.models import Deployment, Participation, Volunteer, VolunteerTeam


def test_the_demo_gives_each_county_volunteers_teams_deployments_courses_and_expiring_certificates(city, admin_user_sc):
    added = load_volunteers()
    assert added["volunteers"] == 2 * PER_COUNTY  # the test city has two counties
    assert Volunteer.objects.filter(status="inactive").exists()
    assert VolunteerTeam.objects.count() == 4 and Deployment.objects.count() == 6
    assert Participation.objects.filter(hours__gt=0, confirmed_at__isnull=False).exists()
    assert all(v.consent_at and v.birth_date for v in Volunteer.objects.all())
    trained = load_training()
    assert trained["courses"] > 0 and trained["certificates"] > 0
    statuses = {c.status_on(date.today()) for c in Certificate.objects.all()}
    assert {"valid", "expiring"} <= statuses
    assert load_volunteers()["volunteers"] == 0 and load_training()["courses"] == 0
    assert Course.objects.count() == trained["courses"]
