"""Demo data of 大执法: 会商 meetings and reports, Tuesday joint enforcement with its records,
volunteer teams, major actions. Dates are relative to today; idempotent."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from app.common.enums import MeetingStatus, MeetingType
from app.common.models import Meeting
from app.core import clock
from app.extensions import db
from app.org.enums import Module, UnitKind
from app.org.models import AppUser, StaffProfile, Unit
from app.seed import communities, grids_of, street

from .enums import (
    ActionLevel,
    AnalysisKind,
    DeployMode,
    HandlingMethod,
    IssueStatus,
    JointStatus,
    MajorActionKind,
    MajorActionStatus,
    PlanLevel,
    PlanStatus,
    VolunteerService,
)
from .enums import EnforcementFocus as EF
from .models import (
    AnalysisReport,
    EnforcementIssue,
    EnforcementPlan,
    EnforcementRecord,
    JointEnforcement,
    MajorAction,
    UnitMonthlyReport,
    VolunteerTeam,
)
from .rules import JOINT_START, immediate_deploy_due

# the unit of each office login (the stationed-unit and third-party logins' owner path, §9.3)
STAFF_UNIT = {
    "dcb": "综合督考办",
    "djb": "党建工作办公室",
    "zhzx": "四个平台指挥中心",
    "mk_jingji": "经济发展办公室",
    "ck1": "便民服务中心",
    "zfdd": "荷花综合执法大队",
    "aq1": "安信安全生产技术服务有限公司",
}
AREAS = ["菜场路沿线", "荷花路与新村路交叉口", "白云小区周边", "春江农贸市场", "花园街夜市", "下街村主干道", "学校周边"]
PROBLEMS = {
    EF.road_market: ("马路菜场占道摆卖", "早市摊贩沿街摆卖"),
    EF.street_occupation: ("店外经营", "商户占用人行道堆放货物"),
    EF.ten_disorders: ("小区乱堆放", "楼道乱堆杂物、乱拉电线"),
    EF.sanitation: ("垃圾未分类", "沿街垃圾桶满溢"),
    EF.parking: ("机动车乱停放", "非机动车占用盲道"),
    EF.catering: ("油烟直排", "餐饮店油烟净化器未开启"),
    EF.five_small: ("无证经营", "五小行业消防器材过期"),
}


def _user(login: str) -> AppUser:
    return db.session.execute(sa.select(AppUser).where(AppUser.username == login)).scalar_one()


def _unit(name: str) -> Unit:
    return db.session.execute(sa.select(Unit).where(Unit.name == name)).scalar_one()


def link_demo_units() -> None:
    """Office logins belong to their unit; for the stationed-unit login that is its owner path (§9.3)."""
    for login, unit_name in STAFF_UNIT.items():
        profile = StaffProfile.for_user(_user(login).id)
        if profile is not None and profile.unit_id is None:
            profile.unit_id = _unit(unit_name).id


def seed_demo(fake, rnd) -> str:
    link_demo_units()
    if db.session.execute(sa.select(JointEnforcement.id).limit(1)).first() is not None:
        return "大执法: already there"
    today, now, root = clock.today(), clock.now(), street()
    leader, fgfsj, mk = _user("leader"), _user("fgfsj"), _user("mk_zhifa")
    stationed = list(
        db.session.execute(sa.select(Unit).where(Unit.unit_kind == UnitKind.stationed).order_by(Unit.id)).scalars()
    )
    offices = list(
        db.session.execute(
            sa.select(Unit)
            .where(Unit.unit_kind.in_([UnitKind.street_office, UnitKind.special_team, UnitKind.command_center]))
            .order_by(Unit.id)
        ).scalars()
    )
    upper = db.session.execute(sa.select(Unit).where(Unit.unit_kind == UnitKind.upper_dept)).scalars().first()
    counts = {}

    # 会商: monthly summaries (分管副书记), the last quarter's 研判 (党工委书记), one emergency 研判
    meetings = []
    for back in range(1, 4):
        day = (today.replace(day=1) - relativedelta(months=back - 1)) - dt.timedelta(days=1)  # month end
        day -= dt.timedelta(days=max(0, day.weekday() - 4))  # the last weekday
        start = dt.datetime.combine(day, dt.time(15, 0))
        meetings.append(
            Meeting(
                module=Module.zhifa,
                meeting_type=MeetingType.enforcement_monthly,
                title=f"执法月度汇总研判会（{start:%Y年%m月}）",
                planned_start=start,
                actual_start=start,
                place="综合信息指挥室",
                chair=fgfsj,
                attendee_units=stationed + offices[:2],
                topics="汇总各派驻单位本月工作开展情况，梳理疑难共性问题",
                status=MeetingStatus.held,
                org_unit=root,
            )
        )
    q_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    q_day = q_start + dt.timedelta(days=9)
    q_day += dt.timedelta(days=(3 - q_day.weekday()) % 7)  # a Thursday early in the quarter
    quarter_start = dt.datetime.combine(q_day, dt.time(9, 0))
    prev_q = q_start - relativedelta(months=3)
    q_label = f"{prev_q.year}年第{(prev_q.month - 1) // 3 + 1}季度"
    quarterly = Meeting(
        module=Module.zhifa,
        meeting_type=MeetingType.enforcement_quarterly,
        title=f"执法季度研判会（{q_label}）",
        planned_start=quarter_start,
        actual_start=quarter_start if quarter_start < now else None,
        place="街道三楼会议室",
        chair=leader,
        attendee_units=stationed + offices[:3],
        topics="研判上季度月度汇总中的疑难及共性问题",
        status=MeetingStatus.held if quarter_start < now else MeetingStatus.planned,
        org_unit=root,
    )
    emergency_start = dt.datetime.combine(today - dt.timedelta(days=12), dt.time(18, 30))
    emergency = Meeting(
        module=Module.zhifa,
        meeting_type=MeetingType.enforcement_emergency,
        title="暗访迎检应急研判会",
        planned_start=emergency_start,
        actual_start=emergency_start,
        place="综合信息指挥室",
        chair=fgfsj,
        attendee_units=stationed,
        is_ad_hoc=True,
        topics="针对省级暗访通知，研判重点区域整治安排",
        status=MeetingStatus.held,
        org_unit=root,
    )
    db.session.add_all([*meetings, quarterly, emergency])
    counts["meetings"] = len(meetings) + 2

    plans = [
        ("春季马路菜场专项整治计划", "集中整治荷花路、菜场路沿线马路菜场和占道经营", -40, 50, PlanStatus.in_effect),
        (
            "餐饮油烟及“五小”行业整治计划",
            "对辖区餐饮店油烟直排、“五小”行业消防安全开展联合检查",
            -10,
            80,
            PlanStatus.in_effect,
        ),
        ("文明城市创建迎检执法保障方案", "迎检期间重点区域环境秩序保障与文明劝导", 20, 60, PlanStatus.draft),
        ("小区环境秩序“十乱”治理计划", "老旧小区乱堆乱放、乱停车、乱拉线等问题集中治理", -120, -30, PlanStatus.done),
    ]
    for title, matter, start, length, status in plans:
        db.session.add(
            EnforcementPlan(
                title=title,
                matter=matter,
                period_start=today + dt.timedelta(days=start),
                period_end=today + dt.timedelta(days=start + length),
                lead=fgfsj,
                units=rnd.sample(stationed, 3),
                meeting=meetings[0],
                status=status,
                org_unit=root,
            )
        )
    counts["plans"] = len(plans)

    # 一月一汇总: every stationed unit for the last 3 months; one unit still owes last month's (TR-33)
    n = 0
    for back in range(1, 4):
        month = today.replace(day=1) - relativedelta(months=back)
        for k, unit in enumerate(stationed):
            if back == 1 and k == len(stationed) - 1:
                continue
            db.session.add(
                UnitMonthlyReport(
                    month=month,
                    unit=unit,
                    summary=f"{month:%m}月开展联合执法{rnd.randint(3, 5)}次，出动人员{rnd.randint(20, 60)}人次，"
                    f"整治问题{rnd.randint(10, 40)}处。",
                    problems=rnd.choice(["夜间占道经营反弹明显", "部分商户整改后反复", "老旧小区停车位不足", None]),
                    submitted_by=mk,
                    submitted_at=dt.datetime.combine(month + relativedelta(months=1, days=1), dt.time(10)),
                    org_unit=root,
                )
            )
            n += 1
    counts["unit reports"] = n

    weekly = list(
        db.session.execute(
            sa.select(Meeting)
            .where(Meeting.meeting_type == MeetingType.enforcement_weekly, Meeting.status == MeetingStatus.held)
            .order_by(Meeting.planned_start)
        ).scalars()
    )
    n = 0
    for m in weekly:
        for _ in range(rnd.randint(1, 2)):
            cat = rnd.choice(list(PROBLEMS))
            status = rnd.choice(list(IssueStatus))
            db.session.add(
                EnforcementIssue(
                    found_on=m.planned_start.date(),
                    meeting=m,
                    unit=rnd.choice(stationed),
                    description=f"{rnd.choice(AREAS)}{rnd.choice(PROBLEMS[cat])}，多次劝导后仍有反复",
                    category=cat,
                    is_difficult=rnd.random() < 0.3,
                    is_common=rnd.random() < 0.4,
                    status=status,
                    resolution="已联合整治并纳入长效管理"
                    if status in (IssueStatus.resolved, IssueStatus.closed)
                    else None,
                    org_unit=root,
                )
            )
            n += 1
    counts["issues"] = n

    for m in meetings:
        db.session.add(
            AnalysisReport(
                kind=AnalysisKind.monthly,
                period_label=f"{m.planned_start:%Y年%m月}",
                meeting=m,
                livelihood_issues="菜场周边占道经营、老旧小区停车难",
                management_status="各派驻单位按计划开展联合执法",
                key_difficulties="夜间流动摊贩反弹",
                good_practices="“1+3+n”联合执法固定周二开展，形成常态",
                suggestions="增设临时疏导点",
                submitted_to=upper,
                submitted_at=m.planned_start + dt.timedelta(days=2),
                org_unit=root,
            )
        )
    if quarterly.status == MeetingStatus.held and quarter_start + dt.timedelta(days=20) < now:
        db.session.add(
            AnalysisReport(
                kind=AnalysisKind.quarterly,
                period_label=q_label,
                meeting=quarterly,
                key_difficulties="马路菜场、餐饮油烟为本季度共性问题",
                suggestions="建议区级部门支持菜场改造",
                submitted_to=upper,
                submitted_at=quarter_start + dt.timedelta(days=7),
                org_unit=root,
            )
        )
    counts["reports"] = len(meetings) + 1

    teams = []
    for c in communities():
        for name, services in [
            (f"{c.name}文明劝导队", [VolunteerService.civility]),
            (f"{c.name}红手印卫生巡查队", [VolunteerService.sanitation, VolunteerService.other]),
        ]:
            if rnd.random() < 0.8 or not teams:
                team = VolunteerTeam(
                    name=name, leader_name=fake.name(), member_count=rnd.randint(8, 30), service=services, org_unit=c
                )
                teams.append(team)
                db.session.add(team)
    counts["volunteer teams"] = len(teams)

    # 每周二早上8点: the last 8 Tuesdays and the next 2; one holiday-week cancelled, the last one left open
    this_tuesday = today + dt.timedelta(days=(1 - today.weekday()) % 7)
    if this_tuesday > today:
        this_tuesday -= dt.timedelta(weeks=1)
    leaders = [fgfsj, leader, _user("zzwy")]
    grids = [g for c in communities() for g in grids_of(c)]
    n_actions = n_records = 0
    for k in range(-8, 3):
        day = this_tuesday + dt.timedelta(weeks=k)
        focus = rnd.sample(
            [
                EF.road_market,
                EF.street_occupation,
                EF.ten_disorders,
                EF.sanitation,
                EF.parking,
                EF.catering,
                EF.five_small,
            ],
            2,
        )
        status = JointStatus.done if day < today else JointStatus.planned
        reason = None
        if k == -5:
            status, reason = JointStatus.cancelled, "恰逢防汛应急值守，本周联合执法取消，顺延至下周"
        if k == -1 and day < today:
            status = JointStatus.planned  # not yet recorded: shows on the escalation list (TR-36)
        units = rnd.sample(stationed, 3 if k != -3 else 2)  # one week short of the “3”
        action = JointEnforcement(
            action_date=day,
            start_time=JOINT_START,
            lead_leader=rnd.choice(leaders),
            stationed_units=units,
            volunteer_teams=rnd.sample(teams, min(len(teams), rnd.randint(1, 3))),
            areas="、".join(rnd.sample(AREAS, 2)),
            focus=focus,
            participant_count=rnd.randint(18, 45) if status == JointStatus.done else None,
            summary=(
                f"集中整治{'、'.join(f.label for f in focus)}问题，劝导商户{rnd.randint(5, 20)}户，"
                f"立案{rnd.randint(0, 3)}起。"
            )
            if status == JointStatus.done
            else None,
            status=status,
            cancel_reason=reason,
            org_unit=root,
        )
        db.session.add(action)
        n_actions += 1
        if status != JointStatus.done:
            continue
        for _ in range(rnd.randint(2, 4)):
            cat = rnd.choice(focus)
            grid = rnd.choice(grids)
            rectified = rnd.random() < 0.7
            found = dt.datetime.combine(day, dt.time(rnd.randint(8, 10), rnd.choice([0, 15, 30, 45])))
            db.session.add(
                EnforcementRecord(
                    action=action,
                    found_at=found,
                    location=f"{grid.name}{rnd.choice(AREAS)}",
                    org_unit=grid,
                    category=cat,
                    party=f"{fake.last_name()}记{rnd.choice(['水果店', '早餐店', '五金店', '小吃店', '蔬菜摊'])}",
                    handling=rnd.choice(list(HandlingMethod)),
                    handled_by=rnd.choice(units),
                    rectified=rectified,
                    rectified_at=day + dt.timedelta(days=rnd.randint(0, 5)) if rectified else None,
                )
            )
            n_records += 1
    counts["joint actions"], counts["records"] = n_actions, n_records

    actions = [
        (
            "全国文明城市复评实地考察迎检",
            ActionLevel.national,
            MajorActionKind.inspection,
            leader,
            -20,
            DeployMode.advance,
            PlanLevel.level1,
            MajorActionStatus.done,
        ),
        (
            "省级环境卫生暗访",
            ActionLevel.provincial,
            MajorActionKind.unannounced,
            leader,
            -1,
            DeployMode.immediate,
            PlanLevel.level2,
            MajorActionStatus.in_action,
        ),
        (
            "市级“五小”行业消防安全检查",
            ActionLevel.city,
            MajorActionKind.inspection,
            fgfsj,
            10,
            DeployMode.advance,
            PlanLevel.level2,
            MajorActionStatus.planned,
        ),
        (
            "区级马路菜场整治督查",
            ActionLevel.district,
            MajorActionKind.other,
            fgfsj,
            2,
            DeployMode.advance,
            PlanLevel.level3,
            MajorActionStatus.planned,
        ),
    ]
    for name, level, kind, lead, offset, mode, plan_level, status in actions:
        start = dt.datetime.combine(today + dt.timedelta(days=offset), dt.time(9, 0))
        received = start - dt.timedelta(days=7 if mode == DeployMode.advance else 0, hours=3)
        due = start - dt.timedelta(days=3) if mode == DeployMode.advance else immediate_deploy_due(received)
        deployed = status != MajorActionStatus.planned
        db.session.add(
            MajorAction(
                name=name,
                level=level,
                kind=kind,
                doc_ref=f"柯政办发〔{today.year}〕{rnd.randint(10, 99)}号",
                action_start=start,
                deploy_mode=mode,
                deploy_due=due,
                lead=lead,
                plan_level=plan_level,
                units=rnd.sample(stationed + offices, 4),
                deployed_at=due - dt.timedelta(hours=1) if deployed else None,
                result="迎检顺利，重点点位全部达标" if status == MajorActionStatus.done else None,
                status=status,
                created_at=received,
                org_unit=root,
            )
        )
    counts["major actions"] = len(actions)
    db.session.flush()
    return "大执法: " + ", ".join(f"{v} {k}" for k, v in counts.items())
