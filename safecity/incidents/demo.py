"""Demo incidents for the Jiangmen demo city: four events in four counties, each opened from a call in its
county duty room's log and reported through the services, so levels and deadlines come out of the rule
table (``rules.active_ruleset()``), never typed in.

* 台山市 — a road traffic accident (ordinary, IV) five days ago: initial, follow-up and final report,
  every deadline met, closed.
* 鹤山市 — a formwork collapse on a construction site, opened 3 h 50 min before loading: the initial
  report (IV) and the county → city report on time; a follow-up raises it to major (III), so the
  city → province report is required from then and is due within the half hour.
* 恩平市 — a shop fire five hours ago: the initial report on time, the county → city report never made —
  overdue, red on the board and on the home page.
* 开平市 — a landslide yesterday, judged ordinary (IV) by the reporter: both reports on time.

Times are relative to when the demo is loaded; each step runs on a clock set to its own time, so the
history, the reports and the notifications read as they would had people done them then. The deadline
sweep runs once at the end, as the periodic task would. Idempotent: an incident whose title exists is
kept, and so is a duty log entry with the same post and summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from safecity.accounts.models import User
from safecity.core.demo_clock import demo_clock
from safecity.core.services import object_save
from safecity.geo.models import Region
from safecity.orgs.models import Organization

from . import services
from .choices import Category, Level, Subtype
from .models import Incident
from .services import ReportContent


@dataclass
class Step:
    """One thing done after the incident occurred: ``kind`` is "complete" (a deadline's rule key in
    ``rule``), "follow_up", "final" or "close"."""

    after: timedelta
    kind: str
    rule: str = ""
    note: str = ""
    content: ReportContent | None = None


@dataclass
class DemoIncident:
    county: str  # pinyin of the county account
    town: str  # 12-digit code
    title: str
    category: str
    subtype: str
    address: str
    #: When it happened: a day offset and a local time, or (``ago``) this long before loading.
    day: int = 0
    at: time | None = None
    ago: timedelta | None = None
    learned_after: timedelta = timedelta(minutes=10)
    filed_after: timedelta = timedelta(minutes=40)
    unit_suffix: str = ""
    caller: tuple[str, str, str] = ("", "", "")  # unit, name, phone
    details: str = ""
    informed: str = ""
    initial: ReportContent = field(default_factory=lambda: ReportContent(summary=""))
    steps: list[Step] = field(default_factory=list)


def demo_incidents() -> list[DemoIncident]:
    return [
        DemoIncident(
            county="taishan",
            town="440781001000",
            title="台城街道环市东路两车相撞交通事故",
            category=Category.ACCIDENT,
            subtype=Subtype.ROAD_TRAFFIC,
            address="台山市台城街道环市东路与桥湖路交叉口",
            day=-5,
            at=time(7, 40),
            learned_after=timedelta(minutes=12),
            filed_after=timedelta(minutes=45),
            unit_suffix="客运有限公司",
            caller=("台山市公安局交通警察大队", "李警官", "0750-5522110"),
            details="起因：一辆中型客车与一辆小型货车在路口相撞。经过：货车侧翻，占用两条车道。"
            "措施：交警、120已到场，伤员送台山市人民医院。结果：1人重伤、2人轻伤。影响：路口单向通行约1小时。",
            informed="07:50 交警大队已报台城街道办",
            initial=ReportContent(
                summary="07:40许，一辆中型客车与一辆小型货车在环市东路与桥湖路交叉口相撞，货车侧翻。",
                seriously_injured=1,
                injured=2,
                direct_loss=Decimal("80000"),
                measures="交警封控现场、疏导交通；120将伤员送台山市人民医院救治。",
                trend="伤员生命体征平稳，交通已逐步恢复。",
            ),
            steps=[
                Step(
                    timedelta(hours=1, minutes=30),
                    "complete",
                    rule="county_to_city",
                    note="电话报告市应急管理局总值班室，书面报告已报送",
                ),
                Step(
                    timedelta(days=1, hours=2),
                    "follow_up",
                    content=ReportContent(
                        summary="医院复查发现客车上另有1名乘客轻伤，已住院观察。",
                        seriously_injured=1,
                        injured=3,
                        direct_loss=Decimal("120000"),
                        measures="督促客运企业做好伤员救治和善后。",
                    ),
                ),
                Step(
                    timedelta(days=3, hours=8),
                    "final",
                    content=ReportContent(
                        summary="事故原因为货车驾驶人闯红灯。伤员均已脱离危险，善后处置完毕。",
                        seriously_injured=1,
                        injured=3,
                        direct_loss=Decimal("120000"),
                        measures="对肇事驾驶人依法处理；客运企业开展安全教育。",
                    ),
                ),
                Step(timedelta(days=3, hours=8, minutes=30), "close"),
            ],
        ),
        DemoIncident(
            county="heshan",
            town="440784106000",
            title="共和镇安置房1期工地模板支架坍塌事故",
            category=Category.ACCIDENT,
            subtype=Subtype.CONSTRUCTION,
            address="鹤山市共和镇安置房1期工地3号楼",
            ago=timedelta(hours=3, minutes=50),
            learned_after=timedelta(minutes=12),
            filed_after=timedelta(minutes=45),
            unit_suffix="建筑工程有限公司",
            caller=("共和镇安全生产办公室", "黄主任", "13902221234"),
            details="起因：3号楼屋面浇筑混凝土时模板支架坍塌。经过：多名工人被压。措施：镇消防、120到场搜救。"
            "结果：待核实。影响：工地全面停工。趋势：仍有人员被困，正在搜救。",
            informed="已电话告知共和镇党委书记",
            initial=ReportContent(
                summary="3号楼屋面浇筑混凝土时模板支架坍塌，多名工人被压。",
                dead=1,
                seriously_injured=3,
                injured=2,
                direct_loss=Decimal("600000"),
                measures="消防救援队伍现场搜救，120转运伤员；工地全面停工。",
                trend="仍有工人被困，伤亡可能增加。",
                leaders_on_site="鹤山市副市长、市应急管理局局长",
            ),
            steps=[
                Step(
                    timedelta(hours=1, minutes=30),
                    "complete",
                    rule="county_to_city",
                    note="电话报告江门市应急管理局总值班室",
                ),
                Step(
                    timedelta(hours=2, minutes=10),
                    "follow_up",
                    content=ReportContent(
                        summary="搜救中又发现1名工人遇难，另有1名工人失联。",
                        dead=2,
                        missing=1,
                        seriously_injured=3,
                        injured=2,
                        direct_loss=Decimal("1500000"),
                        measures="增派江门市消防救援支队重型救援力量，调用吊车2台。",
                        trend="继续搜救失联人员。",
                        leaders_on_site="鹤山市市长、副市长，江门市应急管理局副局长",
                        requests="请求市级派出结构安全专家指导搜救。",
                    ),
                ),
            ],
        ),
        DemoIncident(
            county="enping",
            town="440785001000",
            title="恩城街道一沿街商铺火灾",
            category=Category.ACCIDENT,
            subtype=Subtype.FIRE,
            address="恩平市恩城街道新平中路一沿街商铺",
            ago=timedelta(hours=5),
            learned_after=timedelta(minutes=5),
            filed_after=timedelta(minutes=55),
            caller=("", "梁女士", "13719001234"),
            details="起因：商铺内电动自行车充电起火。经过：火势蔓延至二楼住人部分。措施：消防已到场扑救。"
            "结果：明火已扑灭，2人吸入烟雾送医。影响：周边商铺临时疏散。",
            informed="群众已拨打119",
            initial=ReportContent(
                summary="商铺一楼电动自行车充电起火，蔓延至二楼住人部分，明火已扑灭。",
                injured=2,
                direct_loss=Decimal("300000"),
                measures="消防扑救并疏散周边群众；2名吸入烟雾人员送恩平市人民医院。",
                trend="火灾已扑灭，无蔓延可能。",
            ),
        ),
        DemoIncident(
            county="kaiping",
            town="440783105000",
            title="龙胜镇山体滑坡",
            category=Category.NATURAL_DISASTER,
            subtype=Subtype.GEOLOGICAL,
            address="开平市龙胜镇一村后山",
            day=-1,
            at=time(16, 20),
            learned_after=timedelta(minutes=15),
            filed_after=timedelta(minutes=45),
            caller=("龙胜镇人民政府", "周镇长", "13800003456"),
            details="起因：连续降雨。经过：村后山约300立方米土方滑落，掩埋村道。措施：封闭村道，转移坡下群众。"
            "结果：无人员伤亡。影响：村道中断。趋势：仍有降雨，可能再次滑塌。",
            informed="已报开平市自然资源局",
            initial=ReportContent(
                summary="连续降雨致村后山约300立方米土方滑落，掩埋村道，坡下3户11人已转移。",
                direct_loss=Decimal("200000"),
                measures="封闭村道，转移坡下3户11人，设置监测点。",
                trend="未来两天仍有降雨，可能再次滑塌。",
                judged_level=Level.IV,
            ),
            steps=[
                Step(
                    timedelta(hours=1, minutes=50),
                    "complete",
                    rule="county_to_city",
                    note="书面报告江门市应急管理局",
                ),
            ],
        ),
    ]


def _occurred_at(spec: DemoIncident, now: datetime) -> datetime:
    if spec.ago is not None:
        return (now - spec.ago).replace(second=0, microsecond=0)
    day = timezone.localdate(now) + timedelta(days=spec.day)
    return timezone.make_aware(datetime.combine(day, spec.at))


def _log_entry(spec: DemoIncident, occurred_at: datetime, staff: User):
    """The call in the county duty room's log the incident is opened from (kept if it exists)."""
    from safecity.duty.models import DutyLogEntry, DutyPost

    county = Region.objects.get(code=spec.town[:6] + "000000")
    post = DutyPost.objects.filter(region=county, archived_at__isnull=True).order_by("pk").first()
    if post is None:
        return None
    entry = DutyLogEntry.objects.filter(post=post, summary=spec.title).first()
    if entry is not None:
        return entry
    recorded_at = occurred_at + spec.learned_after
    unit, name, phone = spec.caller
    entry = DutyLogEntry(
        post=post,
        occurred_at=occurred_at,
        place=spec.address,
        summary=spec.title,
        details=spec.details,
        informed=spec.informed,
        caller_unit=unit,
        caller_name=name,
        caller_phone=phone,
        recorded_by=staff,
        recorded_at=recorded_at,
    )
    with demo_clock(recorded_at):
        return object_save(actor=staff, instance=entry)


def _load_one(spec: DemoIncident, now: datetime) -> bool:
    staff = User.objects.filter(username=f"county-{spec.county}").first()
    town = Region.objects.filter(code=spec.town).first()
    if staff is None or town is None or Incident.objects.filter(title=spec.title).exists():
        return False
    occurred_at = _occurred_at(spec, now)
    entry = _log_entry(spec, occurred_at, staff)
    unit = (
        Organization.objects.filter(region=town, name__endswith=spec.unit_suffix).order_by("pk").first()
        if spec.unit_suffix
        else None
    )
    # As the "open an incident" button of the duty log fills it in: the entry's title, times and place.
    incident = Incident(
        title=entry.summary if entry else spec.title,
        category=spec.category,
        subtype=spec.subtype,
        region=town,
        address=spec.address,
        latitude=town.latitude,
        longitude=town.longitude,
        occurred_at=occurred_at,
        learned_at=entry.recorded_at if entry else occurred_at + spec.learned_after,
        unit=unit,
        duty_log_entry=entry,
    )
    filed_at = occurred_at + spec.filed_after
    with demo_clock(filed_at):
        services.incident_report(actor=staff, incident=incident, content=spec.initial, now=filed_at)
    for step in spec.steps:
        at = occurred_at + step.after
        with demo_clock(at):
            if step.kind == "complete":
                deadline = incident.deadlines.get(rule=step.rule)
                services.deadline_complete(actor=staff, deadline=deadline, done_at=at, note=step.note)
            elif step.kind in ("follow_up", "final"):
                services.incident_follow_up(
                    actor=staff, incident=incident, content=step.content, final=step.kind == "final", now=at
                )
            elif step.kind == "close":
                services.incident_close(actor=staff, incident=incident, now=at)
    return True


def load_incidents(*, now: datetime | None = None) -> dict[str, int]:
    """Load the demo incidents and run the deadline sweep once; returns how many incidents were added."""
    now = now or timezone.now()
    added = 0
    with transaction.atomic():
        for spec in demo_incidents():
            added += _load_one(spec, now)
        if added:
            services.sweep_deadlines(now=now)
    return {"incidents": added}
