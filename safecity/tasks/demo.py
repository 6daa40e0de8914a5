"""Demo tasks for the Jiangmen demo city: tasks the city HQ gave county bureaus, in every state
(open, in progress with progress reports, done, cancelled, overdue). Idempotent: a task whose title
exists is left as it is. Drill follow-up tasks come from ``safecity.plans.demo``."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from safecity.accounts.models import User
from safecity.orgs.models import Organization

from . import services
from .models import Task

#: title, county code, county account, days to the deadline (negative: past), priority, what happens
TASKS = [
    ("全面排查渔船回港避风台账，落实人员上岸", "440781", "county-taishan", 2, "most_urgent", "progress"),
    ("清明节期间加强重点林区巡山护林", "440785", "county-enping", -3, "urgent", "open"),
    ("对辖区危化品企业开展交叉检查并报送结果", "440705", "county-xinhui", 10, "normal", "progress"),
    ("更新辖区应急避难场所清单并上报市应急管理局", "440703", "county-pengjiang", -10, "normal", "done"),
    ("组织镇街开展防汛物资盘点", "440784", "county-heshan", 15, "normal", "cancelled"),
    ("落实渡口渡船安全检查，整改救生设备不足问题", "440783", "county-kaiping", -1, "urgent", "open"),
]


def load_tasks() -> int:
    """Load (or complete) the demo tasks. Returns how many were added."""
    hq = User.objects.filter(username="hq").first()
    if hq is None:
        return 0
    today = timezone.localdate()
    added = 0
    for title, county, account, days, priority, fate in TASKS:
        if Task.objects.filter(title=title).exists():
            continue
        bureau = Organization.objects.filter(region__code=county.ljust(12, "0"), name__endswith="应急管理局").first()
        if bureau is None:
            continue
        person = User.objects.filter(username=account).first()
        task = services.task_create(
            actor=hq,
            task=Task(
                title=title,
                detail="按市指挥部部署落实，完成后反馈结果并上传佐证材料。",
                priority=priority,
                responsible_organization=bureau,
                responsible_person=person,
                deadline=today + timedelta(days=days),
            ),
        )
        doer = person or hq
        if fate in ("progress", "done"):
            services.task_start(actor=doer, task=task)
            services.task_feedback(actor=doer, task=task, text="已部署各镇街同步开展，正在汇总。", percent=40)
        if fate == "progress":
            services.task_feedback(
                actor=doer, task=task, text="已完成大部分镇街核查，剩余两个镇街本周内完成。", percent=70
            )
        if fate == "done":
            services.task_complete(
                actor=doer,
                task=task,
                result="清单已更新，共核定避难场所42处，已报市应急管理局。",
                evidence="避难场所清单（2026年版）",
            )
        if fate == "cancelled":
            services.task_cancel(actor=hq, task=task, reason="与市防汛物资专项检查合并开展。")
        added += 1
    return added
