"""Demo hazard inspection for the Jiangmen demo city: the default checklists, a few key sites in every
town of each county, one cross-inspection team per county and a city campaign on three-in-one
premises, planned; then routine inspections of key sites in all 7 counties whose hazards stand in every
state of the rectification loop (see :data:`LOOP`), dated relative to today. Idempotent: the sites and
campaign are not added again once the campaign exists, the loop not once its inspections exist.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from safecity.accounts.models import User
from safecity.core.demo_clock import demo_clock
from safecity.core.services import object_save
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region
from safecity.orgs.choices import OrganizationKind
from safecity.orgs.models import Organization

from . import services
from .checklists import load_default_checklists
from .choices import HazardLevel, RiskGrade, SupervisionLevel, TargetCategory
from .models import Campaign, ChecklistItem, Inspection, InspectionTarget, InspectionTeam
from .rules import DEFAULT_RECTIFICATION_DAYS

CITY_CODE = "440700000000"
CAMPAIGN = "2026年三合一场所和出租屋消防安全专项整治"
SITES = [
    (TargetCategory.THREE_IN_ONE, "{town}{n}号五金加工三合一场所"),
    (TargetCategory.CONSTRUCTION_SITE, "{town}安置房{n}期工地"),
    (TargetCategory.FERRY_CROSSING, "{town}{n}号渡口"),
]


#: Approximate centres of Jiangmen's counties (latitude, longitude), to place the demo sites on the map.
COUNTY_CENTRES = {
    "440703": (22.60, 113.08),
    "440704": (22.56, 113.13),
    "440705": (22.46, 113.03),
    "440781": (22.25, 112.79),
    "440783": (22.38, 112.68),
    "440784": (22.77, 112.96),
    "440785": (22.18, 112.30),
}

#: Pinyin of the county-level units, for the demo accounts ``county-<pinyin>`` (as ``safecity.demo``).
COUNTY_PINYIN = {
    "440703": "pengjiang",
    "440704": "jianghai",
    "440705": "xinhui",
    "440781": "taishan",
    "440783": "kaiping",
    "440784": "heshan",
    "440785": "enping",
}


def _near(centre, rng) -> dict:
    if centre is None:
        return {}
    lat, lng = centre
    return {"latitude": round(lat + rng.uniform(-0.08, 0.08), 6), "longitude": round(lng + rng.uniform(-0.08, 0.08), 6)}


def load_hazards(seed: int = 4407) -> dict[str, int]:
    """Load the demo hazard data; returns counts of what was added."""
    added = _load_sites_and_campaign(seed)
    added.update(load_hazard_loop(seed))
    return added


def _load_sites_and_campaign(seed: int) -> dict[str, int]:
    added = {"checklists": load_default_checklists(), "targets": 0, "teams": 0}
    city = Region.objects.filter(code=CITY_CODE).first()
    actor = User.objects.filter(username="hq").first()
    if city is None or actor is None or Campaign.objects.filter(name=CAMPAIGN).exists():
        return added
    rng = random.Random(seed)
    towns = Region.objects.filter(level=RegionLevel.TOWN, code__startswith="4407").order_by("code")
    targets = []
    for town in towns:
        for category, pattern in SITES:
            for n in range(1, 3 if category == TargetCategory.THREE_IN_ONE else 2):
                if category == TargetCategory.FERRY_CROSSING and rng.random() < 0.7:
                    continue
                targets.append(
                    InspectionTarget(
                        name=pattern.format(town=town.name, n=n),
                        category=category,
                        region=town,
                        risk_grade=rng.choice(list(RiskGrade.values)),
                        **_near(COUNTY_CENTRES.get(town.code[:6]), rng),
                        created_by=actor,
                        updated_by=actor,
                    )
                )
    InspectionTarget.objects.bulk_create(targets, ignore_conflicts=True)
    added["targets"] = len(targets)
    teams = []
    for county in Region.objects.filter(level=RegionLevel.COUNTY, code__startswith="4407").order_by("code"):
        team, created = InspectionTeam.objects.get_or_create(
            name=f"{county.name}交叉检查组", region=county, defaults={"created_by": actor, "updated_by": actor}
        )
        teams.append(team)
        added["teams"] += int(created)
    campaign = Campaign.objects.create(
        name=CAMPAIGN,
        region=city,
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 6, 30),
        categories=[TargetCategory.THREE_IN_ONE],
        created_by=actor,
        updated_by=actor,
    )
    campaign.teams.set(teams)
    campaign.regions.set([team.region for team in teams] or [city])
    services.campaign_plan(actor=actor, campaign=campaign)
    return added


# ---- the rectification loop: inspections and their hazards in every state -----------------------------

#: The notes of the demo's routine inspections; their existence means the loop is loaded (idempotence).
INSPECTION_NOTES = "县级日常安全检查"

#: What an inspector writes for a finding (the hazard's title), by category and checklist item number.
FINDINGS = {
    TargetCategory.THREE_IN_ONE: {
        5: "二楼住宿区未安装独立式感烟火灾探测报警器",
        6: "住宿与生产区之间为彩钢板隔墙，且未设自动喷水灭火系统",
        7: "分隔墙上的门为普通木门，不能自行关闭",
        8: "住宿部分仅一部楼梯，窗户加装防盗网且无逃生口",
        9: "一楼疏散门被货物堵塞，且向内开启",
        10: "灭火器过期失效，疏散通道无应急照明",
        11: "住宿设在二楼，无辅助疏散设施",
        12: "电动车在一楼室内停放充电，电线私拉乱接",
    },
    TargetCategory.CONSTRUCTION_SITE: {
        1: "项目专职安全员不在岗，安全日志缺记",
        3: "外脚手架连墙件缺失，未经验收即投入使用",
        4: "楼层临边未设防护栏杆，电梯井口无盖板",
        5: "塔吊力矩限制器失效，司机无证上岗",
        6: "开关箱无漏电保护器，电缆拖地浸水",
        7: "高大模板支架未经专家论证即搭设",
        8: "工人宿舍使用易燃夹芯板，动火作业无审批",
        9: "高处作业人员未系安全带",
    },
    TargetCategory.FERRY_CROSSING: {
        3: "渡船超核定载客定额运输",
        4: "渡船救生衣数量不足，部分救生圈老化失效",
    },
}

#: The demo inspections: (county, town or "", category, days ago, [(checklist item number, outcome), …]).
#: Outcomes: found · assigned · rectifying · overdue (started, deadline passed) · overdue_assigned (never
#: started) · rectified (awaiting re-inspection) · passed (re-inspection passed, not yet closed) · closed ·
#: closed_late (rectified after the deadline) · reopened (re-inspection failed) · major_listed (listed by the
#: county, rectifying) · major_applied (listed by the city, application to resume filed, review due) ·
#: major_closed (listed by the county, reviewed, closed). The days ago leave room for every step before today.
LOOP = [
    ("440703", "", TargetCategory.THREE_IN_ONE, 40, [(12, "closed"), (10, "closed")]),
    ("440703", "", TargetCategory.CONSTRUCTION_SITE, 12, [(4, "overdue"), (9, "closed")]),
    ("440703", "", TargetCategory.THREE_IN_ONE, 2, [(5, "found"), (9, "assigned")]),
    ("440704", "", TargetCategory.THREE_IN_ONE, 25, [(12, "closed_late"), (5, "closed")]),
    ("440704", "", TargetCategory.CONSTRUCTION_SITE, 6, [(3, "rectifying"), (6, "rectified")]),
    ("440705", "440705001", TargetCategory.THREE_IN_ONE, 5, [(12, "reopened"), (10, "passed")]),
    ("440705", "440705001", TargetCategory.THREE_IN_ONE, 30, [(8, "closed"), (6, "closed")]),
    ("440705", "", TargetCategory.CONSTRUCTION_SITE, 45, [(5, "major_closed"), (1, "closed")]),
    ("440705", "", TargetCategory.CONSTRUCTION_SITE, 1, [(4, "found")]),
    ("440781", "", TargetCategory.FERRY_CROSSING, 20, [(3, "major_applied"), (4, "closed")]),
    ("440781", "", TargetCategory.THREE_IN_ONE, 10, [(12, "overdue"), (9, "overdue_assigned")]),
    ("440781", "", TargetCategory.CONSTRUCTION_SITE, 3, [(6, "assigned"), (8, "rectifying")]),
    ("440783", "", TargetCategory.THREE_IN_ONE, 15, [(10, "overdue"), (7, "closed")]),
    ("440783", "", TargetCategory.CONSTRUCTION_SITE, 8, [(7, "major_listed"), (3, "rectified")]),
    ("440784", "", TargetCategory.CONSTRUCTION_SITE, 35, [(4, "closed"), (6, "closed"), (8, "closed")]),
    ("440784", "", TargetCategory.THREE_IN_ONE, 4, [(5, "rectifying"), (11, "assigned")]),
    ("440785", "", TargetCategory.THREE_IN_ONE, 18, [(12, "passed"), (10, "closed")]),
    ("440785", "", TargetCategory.THREE_IN_ONE, 0, [(9, "found"), (12, "found")]),
    ("440785", "", TargetCategory.CONSTRUCTION_SITE, 9, [(1, "overdue")]),
]

#: The six elements of a major hazard's remediation plan (Order No. 16 art. 15).
MAJOR_PLAN = {
    "plan_goals": "消除重大事故隐患，整改期间不发生生产安全事故",
    "plan_methods": "停止相关作业，委托有资质单位检测评估，按评估意见整改并复核",
    "plan_funds": "企业自筹整改资金，落实检测、维修和替换设备所需资金与物资",
    "plan_people": "企业主要负责人为第一责任人，安全总监具体负责，镇安监办跟踪督促",
    "plan_deadline": "60日内整改完毕，经评估合格后书面申请复工",
    "plan_safety": "整改期间设置警戒区，安排专人值守，制定专项应急预案并组织演练",
}


def _pick_target(county: str, town: str, category: str, used: set, rng: random.Random):
    qs = InspectionTarget.objects.filter(
        region__code__startswith=town or county, category=category, archived_at__isnull=True
    ).exclude(pk__in=used)
    candidates = list(qs.order_by("region__code", "name")[:40])
    if not candidates:
        return None
    target = rng.choice(candidates)
    used.add(target.pk)
    return target


def _run_loop(hazard, outcome: str, found: datetime, today: date, *, inspector, rectifier, reinspector, unit) -> None:
    """Drive one hazard from *found* to its ``outcome`` through the services, each step on its own day (all
    before ``today``: :data:`LOOP` gives every inspection the days its hazards' steps need)."""
    found_day = timezone.localdate(found)

    def at(days: int, hour: int, minute: int = 0) -> datetime:
        return timezone.make_aware(datetime.combine(found_day + timedelta(days=days), time(hour, minute)))

    def step(when, service, actor, **kwargs):
        with demo_clock(when):
            service(actor=actor, hazard=hazard, **kwargs)

    if outcome == "found":
        return
    major = outcome.startswith("major_")
    days = DEFAULT_RECTIFICATION_DAYS[HazardLevel.MAJOR if major else HazardLevel.ORDINARY]
    first = 1 if major else 0
    if major:
        # Listed supervision and the six-element plan, entered on the hazard's page the day after.
        for name, text in MAJOR_PLAN.items():
            setattr(hazard, name, text)
        hazard.supervision_level = SupervisionLevel.CITY if outcome == "major_applied" else SupervisionLevel.COUNTY
        with demo_clock(at(first, 10)):
            object_save(actor=inspector, instance=hazard)
    step(
        at(first, 14),
        services.hazard_assign,
        inspector,
        responsible_unit=unit,
        responsible_person=rectifier,
        deadline=found_day + timedelta(days=days),
        measures=f"责令{unit or '责任单位'}立即整改：{hazard.title}。整改完成后报请复查。",
    )
    if outcome in ("assigned", "overdue_assigned"):
        return
    step(at(first + 1, 9, 30), services.hazard_start, rectifier)
    if outcome in ("rectifying", "overdue", "major_listed"):
        return
    rectified_on = {"closed_late": 9, "reopened": 2, "major_applied": (today - found_day).days - 6}
    rectified_on = rectified_on.get(outcome, 20 if major else 3)
    note = "已按要求整改完毕，整改前后照片及相关资料已留存备查"
    step(at(rectified_on, 15), services.hazard_rectify, rectifier, note=note)
    if major:
        step(at(rectified_on + 1, 10), services.hazard_apply_to_resume, rectifier)
    if outcome in ("rectified", "major_applied"):
        return
    if outcome == "reopened":
        note = "复查发现整改不彻底：仍有电动车在室内充电，责令继续整改"
        step(at(rectified_on + 1, 10), services.hazard_reinspect, reinspector, passed=False, note=note)
        return
    checked_on = rectified_on + (4 if major else 1)
    step(at(checked_on, 10), services.hazard_reinspect, reinspector, passed=True, note="现场复查，整改到位")
    if outcome == "passed":
        return
    step(at(checked_on, 16), services.hazard_close, reinspector)


def load_hazard_loop(seed: int = 4407, today: date | None = None) -> dict[str, int]:
    """Routine inspections of the demo's key sites by the county staff, and their hazards in every state of
    the rectification loop, through the services; then the overdue sweep, as the periodic task would run it.
    Rectified by the responsible person (the county's staff; in 会城街道 the town's), re-inspected and closed
    by someone else (``hq``; in 会城街道 the county's staff). Idempotent: nothing is added once the demo's
    inspections exist."""
    added = {"inspections": 0, "hazards": 0}
    hq = User.objects.filter(username="hq").first()
    if hq is None or Inspection.objects.filter(notes=INSPECTION_NOTES).exists():
        return added
    now = timezone.now()
    today = today or timezone.localdate(now)
    rng = random.Random(seed)
    staff = {
        prefix: User.objects.filter(username=f"county-{pinyin}").first() for prefix, pinyin in COUNTY_PINYIN.items()
    }
    town_staff = User.objects.filter(username="town-huicheng").first()
    items = {(item.checklist.category, item.order): item for item in ChecklistItem.objects.select_related("checklist")}
    used: set[int] = set()
    with transaction.atomic():
        for index, (county, town, category, days_ago, findings) in enumerate(LOOP):
            inspector = staff.get(county)
            target = _pick_target(county, town, category, used, rng)
            if inspector is None or target is None:
                continue
            inspected_at = timezone.make_aware(
                datetime.combine(today - timedelta(days=days_ago), time(9, 0))
            ) + timedelta(minutes=20 * (index % 7))
            inspected_at = min(inspected_at, now - timedelta(hours=2))
            marked = dict(findings)
            answers = []
            for (cat, order), item in sorted(items.items(), key=lambda kv: kv[0][1]):
                if cat != category:
                    continue
                found = order in marked
                note = FINDINGS.get(category, {}).get(order, "") if found else ""
                answers.append({"item": item.pk, "result": "hazard" if found else "pass", "note": note})
            inspection = Inspection(
                target=target,
                region=target.region,
                inspected_at=inspected_at,
                latitude=target.latitude,
                longitude=target.longitude,
                notes=INSPECTION_NOTES,
            )
            with demo_clock(inspected_at):
                hazards = services.inspection_record(
                    actor=inspector, inspection=inspection, results=services.checklist_results(target, answers)
                )
            added["inspections"] += 1
            huicheng = target.region.code.startswith("440705001") and town_staff is not None
            enterprises = Organization.objects.filter(region=target.region, kind=OrganizationKind.ENTERPRISE)
            unit = enterprises.filter(archived_at__isnull=True).order_by("pk").first()
            for hazard, (_order, outcome) in zip(hazards, sorted(findings), strict=True):
                _run_loop(
                    hazard,
                    outcome,
                    inspected_at,
                    today,
                    inspector=inspector,
                    rectifier=town_staff if huicheng else inspector,
                    reinspector=inspector if huicheng else hq,
                    unit=unit,
                )
                added["hazards"] += 1
        services.sweep_overdue(today=today)
    return added
