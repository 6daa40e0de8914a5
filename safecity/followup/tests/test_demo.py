from datetime import timedelta

from django.utils import timezone

from safecity.epidemic.choices import CaseSource, Classification, Proximity, Setting
from safecity.epidemic.factories import PersonFactory
from safecity.epidemic.services import case_create, exposure_record
from safecity.followup.demo import load_followup
from safecity.followup.factories import default_protocol
from safecity.followup.models import AssistRequest, ManagementPlan


def test_the_demo_makes_plans_for_the_contacts_and_a_request_once(admin_user_sc, city):
    protocol = default_protocol()
    index = PersonFactory(region=city["village"])
    case_create(
        actor=admin_user_sc,
        person=index,
        disease=protocol.disease,
        classification=Classification.CONFIRMED,
        source=CaseSource.FEVER_CLINIC,
    )
    exposure_record(
        actor=admin_user_sc,
        person=PersonFactory(region=city["grid"]),
        source_person=index,
        exposed_on=timezone.localdate() - timedelta(days=3),
        setting=Setting.HOUSEHOLD,
        proximity=Proximity.CLOSE_UNPROTECTED,
    )
    first = load_followup()
    assert first["plans"] == 1 and first["assist_requests"] == 1
    assert ManagementPlan.objects.get().contact is not None
    assert load_followup() == {"plans": 0, "followups": 0, "tests": 0, "assist_requests": 0}
    assert AssistRequest.objects.get().items.count() == 6
