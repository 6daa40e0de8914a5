from datetime import timedelta

from django.utils import timezone

from safecity.accounts.roles import Role
from safecity.core.factories import OrganizationFactory
from safecity.core.testing import ScopedModelTests
from safecity.tasks.factories import TaskFactory
from safecity.tasks.views import TaskViews


def _deadline() -> str:
    return (timezone.localdate() + timedelta(days=10)).isoformat()


class TestTask(ScopedModelTests):
    views = TaskViews
    # changing and archiving a task is the supervising side's (tasks.rules.STEP_SIDES): the HQ duty officer is
    actor_role = Role.HQ_DUTY_OFFICER
    api_url = "/api/tasks/"
    edit_change = ("title", "改过的任务")

    def make(self, city, region_key):
        return TaskFactory(responsible_organization=OrganizationFactory(region=city[region_key]))

    def form_data(self, city, region_key):
        return {
            "title": "检查渡口救生设备配备",
            "priority": "urgent",
            "responsible_organization": OrganizationFactory(region=city[region_key]).pk,
            "deadline": _deadline(),
        }

    def api_data(self, city, region_key):
        return {
            "title": "组织森林防火巡查",
            "responsible_organization": OrganizationFactory(region=city[region_key]).pk,
            "deadline": _deadline(),
        }
