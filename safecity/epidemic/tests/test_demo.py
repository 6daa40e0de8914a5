"""The demo chains are recorded through the services: contacts and chains come out computed, and
loading twice adds nothing."""

from safecity.epidemic.demo import DENGUE_NAME, RESP_NAME, load_epidemic
from safecity.epidemic.models import Case, Cluster, Contact, Person
from safecity.epidemic.tests.test_graph import assert_consistent


def test_demo_has_a_dengue_and_a_respiratory_chain_across_two_counties_with_computed_contacts(admin_user_sc, city):
    added = load_epidemic()
    assert added["dengue"] == 60 and added["respiratory"] > 100
    assert 180 <= Person.objects.count() <= 260
    resp = Cluster.objects.get(name=RESP_NAME)
    dengue = Cluster.objects.get(name=DENGUE_NAME)
    assert dengue.case_count == 9 and dengue.size == 60
    prefixes = set(Person.objects.filter(cluster=resp).values_list("region__code", flat=True))
    assert {code[:6] for code in prefixes} == {"440705", "440781"}
    assert Contact.objects.filter(case__person__cluster=resp, contact_class="close", archived_at__isnull=True).exists()
    assert Contact.objects.filter(
        case__person__cluster=resp, contact_class="secondary", archived_at__isnull=True
    ).exists()
    assert Case.objects.filter(classification="excluded").count() == 1
    assert_consistent()
    assert load_epidemic() == {"dengue": 0, "respiratory": 0}
