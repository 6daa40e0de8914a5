from safecity.core.testing import ScopedModelTests
from safecity.duty.models import DutyLogEntry
from safecity.duty.views import DutyLogEntryViews

from .factories import at, number, post_in


class TestDutyLogEntry(ScopedModelTests):
    views = DutyLogEntryViews
    api_url = "/api/duty-log-entries/"
    edit_change = ("summary", "改过的概要")

    def make(self, city, region_key):
        return DutyLogEntry.objects.create(
            post=post_in(city[region_key]),
            occurred_at=at("2026-12-03 21:15"),
            summary=f"来电反映第{number()}号情况",
            caller_phone="13800001234",
        )

    def marker(self, obj):
        return obj.summary

    def form_data(self, city, region_key):
        return {
            "post": post_in(city[region_key]).pk,
            "occurred_at": "2026-12-03 21:15",
            "place": "今洲路口",
            "summary": "广告牌被风吹歪",
            "details": "起因：阵风。措施：拉警戒线。",
            "informed": "21:20 告知街道城管",
            "caller_name": "陈先生",
            "caller_phone": "12345",
        }

    def api_data(self, city, region_key):
        return {
            "post": post_in(city[region_key]).pk,
            "occurred_at": "2026-12-03T21:15:00+08:00",
            "summary": "接口记录",
            "caller_phone": "13800001234",
        }
