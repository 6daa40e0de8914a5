"""Demo contingency plans and drills for the Jiangmen demo city: the city's overall and special plans,
each county's typhoon and forest-fire plans (some due for review, some never drilled), and drills whose
problems have follow-up tasks in every state. Idempotent: existing plans and drills are left as they are."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from safecity.accounts.models import User
from safecity.core.services import object_save
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region
from safecity.orgs.models import Organization
from safecity.tasks import services as task_services

from . import services
from .models import ContingencyPlan, Drill, add_months

CITY_CODE = "440700000000"

#: title, type, category, owner department (suffix), version, approved (months ago)
CITY_PLANS = [
    ("江门市突发事件总体应急预案", "overall", "", "应急管理局", "2024年修订版", 20),
    ("江门市防御台风应急预案", "special", "natural_disaster", "应急管理局", "2023版", 30),
    ("江门市森林火灾应急预案", "special", "natural_disaster", "应急管理局", "2022版", 40),
    ("江门市危险化学品事故应急预案", "special", "accident", "应急管理局", "2023版", 26),
    ("江门市突发公共卫生事件应急预案", "special", "public_health", "卫生健康局", "2021版", 35),
    ("江门市突发急性传染病疫情应急预案", "department", "public_health", "卫生健康局", "2024版", 14),
    ("江门市道路交通事故应急预案", "department", "accident", "交通运输局", "2022版", 44),
]
#: per county: title pattern, type, category, approved months ago (varied by county index)
COUNTY_PLANS = [
    ("{county}防御台风应急预案", "special", "natural_disaster"),
    ("{county}森林火灾应急预案", "special", "natural_disaster"),
    ("{county}群体性事件应急预案", "special", "social_security"),
]

#: Drills: plan title, where (region code), title, kind, months ago, place, rating, problems
#: problem: (description, severity, owner suffix, days to deadline, fate)
DRILLS = [
    (
        "江门市防御台风应急预案",
        "440781000000",
        "2026年防御台风暨渔船回港避风实战演练",
        "full_scale",
        2,
        "台山市广海镇渔港",
        "good",
        [
            ("渔船回港核查依赖电话逐船确认，统计耗时超过2小时", "major", "农业农村局", -5, "open"),
            ("转移安置点物资清单与实际库存不符", "minor", "应急管理局", 20, "done"),
            ("应急广播在渔港东侧存在盲区", "major", "应急管理局", 25, "progress"),
        ],
    ),
    (
        "江门市森林火灾应急预案",
        "440785000000",
        "恩平市森林火灾扑救桌面推演",
        "tabletop",
        5,
        "恩平市应急指挥中心",
        "fair",
        [
            ("跨镇街增援队伍集结地点未明确", "major", "应急管理局", -20, "done"),
            ("护林员通讯录未及时更新", "minor", "自然资源局", -2, "open"),
        ],
    ),
    (
        "江门市危险化学品事故应急预案",
        "440705000000",
        "银洲湖化工园区危险化学品泄漏功能演练",
        "functional",
        8,
        "新会区银洲湖化工园区",
        "good",
        [("园区企业与消防救援站的联动电话未纳入值班表", "severe", "应急管理局", 5, "progress")],
    ),
]


#: Activation by warnings: plan title suffix → (warning kind, lowest colour, tasks handed out:
#: (task, unit suffix, days, priority)). The city's typhoon plan from yellow, the counties' from orange.
TRIGGERS = {
    "江门市防御台风应急预案": (
        "typhoon",
        "yellow",
        [("启动市防台风Ⅳ级应急响应，24小时领导带班", "应急管理局", 0, "urgent")],
    ),
    "防御台风应急预案": (
        "typhoon",
        "orange",
        [
            ("渔船回港避风、渔排人员上岸，逐船核查", "农业农村局", 0, "most_urgent"),
            ("转移危险区域群众，开放避护场所", "应急管理局", 0, "most_urgent"),
            ("在建工地停止高空作业，加固塔吊和脚手架", "住房和城乡建设局", 1, "urgent"),
        ],
    ),
    "森林火灾应急预案": (
        "forest_fire",
        "yellow",
        [
            ("重点林区入口设卡，严禁火种进山", "自然资源局", 0, "urgent"),
            ("扑火队伍集结待命，检查扑火装备", "应急管理局", 1, "urgent"),
        ],
    ),
}


def _triggers(actor) -> None:
    """Give the typhoon and forest-fire plans their warning triggers and tasks (plans that have none yet)."""
    for plan in ContingencyPlan.objects.filter(trigger_kind="", status="in_force").select_related("region"):
        key = plan.title if plan.title in TRIGGERS else next((k for k in TRIGGERS if plan.title.endswith(k)), None)
        if key is None or plan.actions.exists():
            continue
        kind, colour, actions = TRIGGERS[key]
        plan.trigger_kind, plan.trigger_colour = kind, colour
        object_save(actor=actor, instance=plan, change_reason="warning trigger set")
        for description, unit, days, priority in actions:
            organization = _department(plan.region, unit) or plan.owner
            services.plan_action_add(
                actor=actor,
                plan=plan,
                description=description,
                responsible_organization=organization,
                days=days,
                priority=priority,
            )


def _department(region: Region, suffix: str) -> Organization | None:
    return Organization.objects.filter(region=region, name__endswith=suffix).first()


def _plan(actor, region, title, plan_type, category, owner, version, months_ago, today):
    plan, created = ContingencyPlan.objects.get_or_create(
        region=region,
        title=title,
        defaults={
            "plan_type": plan_type,
            "category": category,
            "owner": owner,
            "version": version,
            "approved_on": add_months(today, -months_ago),
            "next_review_on": add_months(today, 36 - months_ago),
            "created_by": actor,
            "updated_by": actor,
        },
    )
    return plan, created


def load_plans() -> dict[str, int]:
    """Load (or complete) the demo plans and drills. Returns counts of what was added."""
    actor = User.objects.filter(username="hq").first()
    city = Region.objects.filter(code=CITY_CODE).first()
    added = {"plans": 0, "drills": 0, "problems": 0}
    if actor is None or city is None:
        return added
    today = timezone.localdate()
    for title, plan_type, category, owner, version, months_ago in CITY_PLANS:
        department = _department(city, owner)
        if department is None:
            continue
        added["plans"] += _plan(actor, city, title, plan_type, category, department, version, months_ago, today)[1]
    counties = Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=CITY_CODE[:4]).order_by("code")
    for index, county in enumerate(counties):
        department = _department(county, "应急管理局")
        if department is None:
            continue
        for number, (pattern, plan_type, category) in enumerate(COUNTY_PLANS):
            months_ago = 8 + (index * 7 + number * 11) % 34  # some counties' plans are due for review
            added["plans"] += _plan(
                actor,
                county,
                pattern.format(county=county.name),
                plan_type,
                category,
                department,
                f"{add_months(today, -months_ago).year}版",
                months_ago,
                today,
            )[1]
    _triggers(actor)
    for plan_title, code, title, kind, months_ago, place, rating, problems in DRILLS:
        plan = ContingencyPlan.objects.filter(title=plan_title).first()
        region = Region.objects.filter(code=code).first()
        if plan is None or region is None or Drill.objects.filter(title=title).exists():
            continue
        organiser = _department(region, "应急管理局") or plan.owner
        drill = Drill(
            plan=plan,
            region=region,
            title=title,
            kind=kind,
            held_on=add_months(today, -months_ago),
            place=place,
            organiser=organiser,
            headcount=60 + 40 * len(problems),
            scenario=f"依据《{plan.title}》设定情景，检验预警发布、队伍集结、群众转移和信息报送。",
            rating=rating,
            evaluation="演练达到预期目的，暴露的问题已明确责任单位和整改期限。",
            created_by=actor,
            updated_by=actor,
        )
        drill.save()
        drill.participants.set(
            Organization.objects.filter(region__in=[region, city], kind="government").order_by("pk")[:5]
        )
        added["drills"] += 1
        for description, severity, owner, days, fate in problems:
            unit = _department(region, owner) or organiser
            problem = services.drill_problem_add(
                actor=actor,
                drill=drill,
                description=description,
                severity=severity,
                responsible_organization=unit,
                deadline=today + timedelta(days=days),
            )
            task = problem.task
            if fate in ("progress", "done"):
                task_services.task_feedback(actor=actor, task=task, text="已制定整改方案，正在落实。", percent=50)
            if fate == "done":
                task_services.task_complete(
                    actor=actor, task=task, result="已整改到位，复核通过。", evidence="整改报告"
                )
            added["problems"] += 1
    return added
