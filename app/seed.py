"""Demo data: 荷花街道 with 6 communities, their grids, staff, logins and records.

Every step checks whether its rows exist first, so running it twice creates
nothing twice. Dates are relative to today so the demo always looks current.
"""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa
from faker import Faker
from flask import current_app
from werkzeug.security import generate_password_hash

from .access.accounts import is_untouched_initial_admin
from .common.enums import MeetingStatus, MeetingType, WorkItemKind, WorkItemStatus
from .common.models import Meeting, ScheduleRule, WorkCalendar, WorkItem
from .core import clock, permissions, registry
from .extensions import db
from .org.enums import Module, OrgUnitType, Position, UnitKind
from .org.models import AppUser, OrgUnit, ResidentialCompound, StaffProfile, Unit

DEMO_PASSWORD = "Demo@2026"
COMMUNITIES = ["荷花社区", "新村社区", "白云社区", "春江社区", "花园社区", "下街村"]
UNITS = [
    ("党建工作办公室", UnitKind.street_office),
    ("综合督考办", UnitKind.street_office),
    ("社会治理办公室", UnitKind.street_office),
    ("社区管理办公室", UnitKind.street_office),
    ("便民服务中心", UnitKind.street_office),
    ("经济发展办公室", UnitKind.street_office),
    ("荷花综合执法大队", UnitKind.stationed),
    ("荷花市场监管所", UnitKind.stationed),
    ("荷花派出所", UnitKind.stationed),
    ("资规站", UnitKind.stationed),
    ("红色物业联盟体系提升专班", UnitKind.special_team),
    ("文明城市创建专班", UnitKind.special_team),
    ("四个平台指挥中心", UnitKind.command_center),
    ("应急指挥中心", UnitKind.command_center),
    ("综合信息指挥室", UnitKind.command_center),
    ("区信访局", UnitKind.upper_dept),
    ("司法所", UnitKind.third_party),
    ("信访超市", UnitKind.third_party),
    ("兰花热线", UnitKind.third_party),
    ("安信安全生产技术服务有限公司", UnitKind.third_party),
    ("衢州市荷花物业服务有限公司", UnitKind.property_company),
    ("绿城物业荷花分公司", UnitKind.property_company),
    ("荷花街道志愿者协会", UnitKind.social_org),
]

# login, role keys, position, org ("street" | community index | (community index, grid index)), modules
DEMO_USERS = [
    ("admin", ["admin"], Position.office_staff, "street", (), ()),
    ("leader", ["street_leader"], Position.party_secretary, "street", ("dangjian", "xietiao"), ()),
    ("dcb", ["dcb"], Position.office_head, "street", (), ("xietiao",)),
    ("djb", ["djb"], Position.office_head, "street", (), ("dangjian",)),
    ("sq1", ["community_secretary"], Position.community_secretary, 0, (), ()),
    ("sq2", ["community_secretary"], Position.community_secretary, 1, (), ()),
    ("wg1", ["grid_worker"], Position.grid_worker, (0, 0), (), ()),
    ("tz1", ["team_leader"], Position.team_leader, 0, (), ()),
    ("audit", ["auditor"], Position.other, "street", (), ()),
    # further staff so every role has somebody (same password)
    ("zzwy", ["street_leader"], Position.org_committee, "street", (), ()),
    ("fgfsj", ["street_leader"], Position.deputy_secretary, "street", ("zhili", "zhifa"), ()),
    ("zhzx", ["command_center"], Position.office_staff, "street", (), ()),
    ("mk_zhifa", ["module_head_zhifa"], Position.office_head, "street", (), ("zhifa",)),
    ("mk_fuwu", ["module_head_fuwu"], Position.office_head, "street", (), ("fuwu",)),
    ("sq3", ["community_secretary"], Position.community_secretary, 2, (), ()),
    ("sqgz1", ["community_staff"], Position.community_staff, 0, (), ()),
    ("wgz1", ["grid_head"], Position.grid_head, (0, 1), (), ()),
    ("wg2", ["grid_worker"], Position.grid_worker, (1, 0), (), ()),
    ("gg1", ["errand_runner"], Position.errand_runner, 0, (), ()),
    ("ck1", ["window_staff"], Position.window_staff, "street", (), ()),
    ("vol1", ["volunteer"], Position.other, (0, 0), (), ()),
    ("zfdd", ["stationed_unit"], Position.stationed_staff, "street", (), ()),
    ("aq1", ["safety_third_party"], Position.other, "street", (), ()),
    ("mk_dangjian", ["module_head_dangjian"], Position.office_head, "street", (), ("dangjian",)),
    ("mk_xietiao", ["module_head_xietiao"], Position.office_head, "street", (), ("xietiao",)),
    ("mk_zhili", ["module_head_zhili"], Position.office_head, "street", (), ("zhili",)),
    ("mk_jingji", ["module_head_jingji"], Position.office_head, "street", (), ("jingji",)),
]


def _fake() -> tuple[Faker, random.Random]:
    Faker.seed(2026)
    return Faker("zh_CN"), random.Random(2026)


def _fake_for(section: str) -> tuple[Faker, random.Random]:
    """A stream of its own for one module's seed: what it draws (addresses, names, choices) does not
    shift with how many dated rows the sections before it made, so the demo is the same on any day."""
    fake = Faker("zh_CN")
    fake.seed_instance(f"2026:{section}")
    return fake, random.Random(f"2026:{section}")


def seed_demo() -> list[str]:
    from app.dues import ledger

    with ledger.suspended():  # the escalation seed builds the ledger once, at the end
        return _seed_demo()


def _seed_demo() -> list[str]:
    fake, rnd = _fake()
    out = []
    out.append(_org_tree(fake, rnd))
    out.append(_units())
    out.append(_users(fake))
    out.append(_compounds(fake, rnd))
    out.append(_schedule_rules())
    out.append(_work_calendar())
    out.append(_meetings(fake, rnd))
    out.append(_work_items(fake, rnd))
    db.session.commit()
    for pkg in registry.PACKAGES:  # each module seeds its own registers (app/modules/<m>/seed.py)
        module_seed = registry.optional_import(f"{pkg}.seed")
        if module_seed is not None:
            out.append(module_seed.seed_demo(*_fake_for(pkg)))
            db.session.commit()
    return out


def _exists(model, *where) -> bool:
    return db.session.execute(sa.select(sa.literal(1)).select_from(model).where(*where).limit(1)).first() is not None


def street() -> OrgUnit:
    return db.session.execute(sa.select(OrgUnit).where(OrgUnit.code == "HH")).scalar_one()


def communities() -> list[OrgUnit]:
    return list(
        db.session.execute(
            sa.select(OrgUnit)
            .where(OrgUnit.unit_type.in_([OrgUnitType.community, OrgUnitType.village]))
            .order_by(OrgUnit.sort_order)
        ).scalars()
    )


def grids_of(community: OrgUnit) -> list[OrgUnit]:
    return list(
        db.session.execute(
            sa.select(OrgUnit).where(OrgUnit.parent_id == community.id).order_by(OrgUnit.sort_order)
        ).scalars()
    )


def _org_tree(fake, rnd) -> str:
    if _exists(OrgUnit, OrgUnit.code == "HH"):
        return "org tree: already there"
    root = OrgUnit(name="荷花街道", unit_type=OrgUnitType.street, code="HH", sort_order=0)
    db.session.add(root)
    n = 0
    for i, name in enumerate(COMMUNITIES, start=1):
        kind = OrgUnitType.village if name.endswith("村") else OrgUnitType.community
        c = OrgUnit(name=name, unit_type=kind, parent=root, code=f"HH{i:02d}", sort_order=i)
        db.session.add(c)
        for j in range(1, rnd.randint(4, 6) + 1):
            db.session.add(
                OrgUnit(
                    name=f"{name}第{j}网格",
                    unit_type=OrgUnitType.grid,
                    parent=c,
                    code=f"HH{i:02d}{j:02d}",
                    sort_order=j,
                )
            )
            n += 1
    db.session.flush()
    return f"org tree: 1 street, {len(COMMUNITIES)} communities, {n} grids"


def _units() -> str:
    if _exists(Unit):
        return "units: already there"
    root = street()
    for name, kind in UNITS:
        db.session.add(Unit(name=name, unit_kind=kind, org_unit=root, is_active=True))
    db.session.flush()
    return f"units: {len(UNITS)}"


def _org_for(spec) -> OrgUnit:
    if spec == "street":
        return street()
    comms = communities()
    if isinstance(spec, int):
        return comms[spec]
    return grids_of(comms[spec[0]])[spec[1]]


def _users(fake) -> str:
    sm = current_app.appbuilder.sm
    made = 0
    for login, role_keys, position, org_spec, lead, head in DEMO_USERS:
        existing = sm.find_user(username=login)
        if existing is not None and not is_untouched_initial_admin(existing):
            continue
        roles = [sm.find_role(permissions.ROLES[k][0]) for k in role_keys]
        name = fake.name()
        if existing is not None:  # made by `init` and never used: the demo's admin (demo logins are not forced)
            existing.password = generate_password_hash(DEMO_PASSWORD)
            existing.must_change_password = False
            user = existing
        else:
            user = sm.add_user(login, name[1:], name[0], f"{login}@hehua.example.cn", roles, DEMO_PASSWORD)
        if not user:
            raise RuntimeError(f"could not create user {login}")
        org = _org_for(org_spec)
        user = db.session.get(AppUser, user.id)
        user.org_unit_id = org.id
        db.session.add(
            StaffProfile(
                user_id=user.id,
                full_name=name,
                position=position,
                org_unit=org,
                lead_modules=[Module[m] for m in lead],
                head_modules=[Module[m] for m in head],
                phone=fake.phone_number(),
                is_active=True,
            )
        )
        made += 1
        if role_keys[0] in ("community_secretary", "grid_head"):
            org.head_id = user.id  # 社区书记 heads the community, 网格长 the grid
    db.session.flush()
    return f"users: {made} created (password {DEMO_PASSWORD})" if made else "users: already there"


def _compounds(fake, rnd) -> str:
    if _exists(ResidentialCompound):
        return "compounds: already there"
    companies = list(db.session.execute(sa.select(Unit).where(Unit.unit_kind == UnitKind.property_company)).scalars())
    n = 0
    for c in communities():
        grids = grids_of(c)
        for _ in range(rnd.randint(2, 4)):
            name = f"{fake.last_name()}{rnd.choice(['苑', '小区', '花园', '新村', '公寓'])}"
            db.session.add(
                ResidentialCompound(
                    name=name,
                    org_unit=c,
                    grids=rnd.sample(grids, min(len(grids), rnd.randint(1, 2))),
                    address=f"衢州市柯城区{fake.street_name()}{rnd.randint(1, 300)}号",
                    is_old=rnd.random() < 0.4,
                    property_company=rnd.choice(companies),
                    has_owners_committee=rnd.random() < 0.6,
                    household_count=rnd.randint(80, 900),
                )
            )
            n += 1
    db.session.flush()
    return f"compounds: {n}"


# (name, module, meeting type, rrule, start, minutes, chair position, source quote): domain §9.6
# Every recurrence domain §9.6 / §9.8 names: (name, module, meeting type, RRULE, time, minutes, chair post,
# source quote, place, register a session is recorded in, shift to the next working day on a holiday)
WEEKDAYS_LAST = "BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"
SCHEDULES = [
    (
        "党建办周一例会",
        "dangjian",
        "djb_weekly",
        "FREQ=WEEKLY;BYDAY=MO",
        dt.time(8, 30),
        60,
        "office_head",
        "街道党建工作办公室成员每周一召开工作例会",
        "街道三楼会议室",
        "meeting",
        True,
    ),  # TR-01, §10.5
    (
        "基层党建工作例会",
        "dangjian",
        "dangjian_regular",
        "FREQ=MONTHLY;BYDAY=1WE",
        dt.time(9, 0),
        90,
        "org_committee",
        "原则上每月召开一次,根据实际情况可随时召开。",
        "街道三楼会议室",
        "meeting",
        True,
    ),  # TR-02
    (
        "党建工作月度研判会",
        "dangjian",
        "dangjian_analysis",
        "FREQ=MONTHLY;BYDAY=-1TH",
        dt.time(14, 30),
        120,
        "party_secretary",
        "每月召开一次党建工作专题会",
        "街道三楼会议室",
        "meeting",
        True,
    ),  # TR-03
    (
        "书记党建项目申报开始",
        "dangjian",
        None,
        "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1",
        None,
        None,
        "org_committee",
        "项目申报时间集中在每年1月份。",
        None,
        "party_project",
        True,
    ),  # TR-06 window opens
    (
        "书记党建项目申报截止",
        "dangjian",
        None,
        f"FREQ=YEARLY;BYMONTH=1;{WEEKDAYS_LAST}",
        None,
        None,
        "org_committee",
        "项目申报时间集中在每年1月份。",
        None,
        "party_project",
        False,
    ),  # TR-06 window closes
    (
        "组团联社月例会（月例会日）",
        "dangjian",
        "team_monthly",
        "FREQ=MONTHLY;BYDAY=1TU",
        dt.time(9, 0),
        60,
        "team_leader",
        "每月首个周二为“月例会日”",
        "各社区党群服务中心",
        "meeting",
        True,
    ),  # TR-11, §10.16
    (
        "组团联社周碰头",
        "dangjian",
        "team_weekly",
        "FREQ=WEEKLY;BYDAY=MO",
        dt.time(17, 0),
        30,
        "team_leader",
        "一月一例会、一周一碰头",
        "各社区党群服务中心",
        "meeting",
        True,
    ),  # TR-12, §10.17
    (
        "大协调分析研判会",
        "xietiao",
        "xietiao_analysis",
        "FREQ=MONTHLY;BYDAY=-1WE",
        dt.time(15, 0),
        90,
        "deputy_secretary",
        "定期对街道各项考核指标及阶段性工作推进进行分析研判",
        "街道三楼会议室",
        "meeting",
        True,
    ),  # TR-15, §10.21
    (
        "月度重点督查清单（月初）",
        "xietiao",
        None,
        "FREQ=MONTHLY;BYMONTHDAY=1",
        None,
        None,
        "office_head",
        "月初制定月度重点督查清单",
        None,
        "supervision_list",
        True,
    ),  # TR-16
    (
        "督查工作进展月末公示",
        "xietiao",
        None,
        f"FREQ=MONTHLY;{WEEKDAYS_LAST}",
        None,
        None,
        "office_head",
        "月末公示督办工作进展情况并做点评。",
        None,
        "supervision_list",
        False,
    ),  # TR-18
    (
        "信访维稳联席会议",
        "zhili",
        "petition_joint",
        "FREQ=WEEKLY;BYDAY=TH",
        dt.time(15, 0),
        90,
        "deputy_secretary",
        "每周定期研究信访维稳工作",
        "综合信息指挥室",
        "meeting",
        True,
    ),  # TR-21
    (
        "信访月底汇总排名",
        "zhili",
        None,
        f"FREQ=MONTHLY;{WEEKDAYS_LAST}",
        None,
        None,
        "deputy_secretary",
        "月底对信访情况进行汇总排名,形成评价报告。",
        None,
        "petition_report",
        False,
    ),  # TR-22
    (
        "积案包案会",
        "zhili",
        "case_package",
        "FREQ=MONTHLY;BYDAY=2WE",
        dt.time(14, 30),
        90,
        "leadership_member",
        "原则上每月召开一次",
        "综合信息指挥室",
        "meeting",
        True,
    ),  # TR-27
    (
        "执法周碰头",
        "zhifa",
        "enforcement_weekly",
        "FREQ=WEEKLY;BYDAY=MO",
        dt.time(16, 0),
        45,
        "office_head",
        "一周一碰头",
        "综合信息指挥室",
        "meeting",
        True,
    ),  # TR-32
    (
        "执法月度汇总（第3个工作日）",
        "zhifa",
        "enforcement_monthly",
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=3",
        dt.time(10, 0),
        60,
        "office_head",
        "一月一汇总",
        "综合信息指挥室",
        "meeting",
        True,
    ),  # TR-33, §10.46
    (
        "执法季度研判会",
        "zhifa",
        "enforcement_quarterly",
        f"FREQ=MONTHLY;BYMONTH=3,6,9,12;{WEEKDAYS_LAST}",
        dt.time(14, 30),
        120,
        "deputy_secretary",
        "一季一研判",
        "街道三楼会议室",
        "meeting",
        True,
    ),  # TR-34
    (
        "联合执法",
        "zhifa",
        None,
        "FREQ=WEEKLY;BYDAY=TU;BYHOUR=8;BYMINUTE=0",
        dt.time(8, 0),
        180,
        "deputy_secretary",
        "每周二早上8点联合执法",
        None,
        "joint_enforcement",
        False,
    ),  # TR-36, §10.45: also on holidays
    (
        "重点项目推进会",
        "jingji",
        "economy_project",
        "FREQ=MONTHLY;BYDAY=3TH",
        dt.time(9, 30),
        90,
        "leadership_member",
        "定期研究项目建设推进情况",
        "街道三楼会议室",
        "meeting",
        True,
    ),  # TR-38, §10.21
    (
        "大服务周例会（以会代训）",
        "fuwu",
        "service_weekly",
        "FREQ=WEEKLY;BYDAY=FR",
        dt.time(16, 30),
        60,
        "office_head",
        "一周一例会。每周组织相关人员召开例会,以会代训。",
        "便民服务中心",
        "meeting",
        True,
    ),  # TR-40
    (
        "格格集中代办日",
        "fuwu",
        None,
        "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        dt.time(9, 0),
        240,
        "errand_runner",
        "特事特办,急事急办,原则上每周一、三、五集中代办。",
        None,
        "errand_request",
        False,
    ),  # TR-42
]


def _schedule_rules() -> str:
    if _exists(ScheduleRule):
        return "schedule rules: already there"
    root = street()
    from .calendar.enums import PATTERN_RRULES, RecurrencePattern

    pattern_of = {text: p for p, text in PATTERN_RRULES.items()}
    for name, module, mtype, rule, start, minutes, chair, quote, place, record, shift in SCHEDULES:
        db.session.add(
            ScheduleRule(
                name=name,
                module=Module[module],
                meeting_type=MeetingType[mtype] if mtype else None,
                rrule=rule,
                pattern=pattern_of.get(rule, RecurrencePattern.custom),
                start_time=start,
                duration_minutes=minutes,
                place=place,
                record_register=record,
                shift_to_working_day=shift,
                chair_position=Position[chair],
                source_quote=quote,
                is_active=True,
                org_unit=root,
            )
        )
    db.session.flush()
    return f"schedule rules: {len(SCHEDULES)}"


# 2026 public holidays and 调休 working days (State Council notice for 2026)
HOLIDAYS_2026 = [
    ("2026-01-01", "2026-01-03", "元旦"),
    ("2026-02-15", "2026-02-23", "春节"),
    ("2026-04-04", "2026-04-06", "清明节"),
    ("2026-05-01", "2026-05-05", "劳动节"),
    ("2026-06-19", "2026-06-21", "端午节"),
    ("2026-09-25", "2026-09-27", "中秋节"),
    ("2026-10-01", "2026-10-07", "国庆节"),
]
SWAPPED_WORKDAYS_2026 = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]


def _work_calendar() -> str:
    if _exists(WorkCalendar):
        return "work calendar: already there"
    root = street()
    n = 0
    for start, end, name in HOLIDAYS_2026:
        day, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        while day <= last:
            db.session.add(WorkCalendar(day=day, is_working_day=False, name=name, org_unit=root))
            day += dt.timedelta(days=1)
            n += 1
    for d in SWAPPED_WORKDAYS_2026:
        db.session.add(WorkCalendar(day=dt.date.fromisoformat(d), is_working_day=True, name="调休上班", org_unit=root))
        n += 1
    db.session.flush()
    return f"work calendar: {n} days"


def _user(login) -> AppUser:
    return db.session.execute(sa.select(AppUser).where(AppUser.username == login)).scalar_one()


MEETING_TOPICS = {
    MeetingType.djb_weekly: ("党建办周一例会", "复盘上周工作，部署本周党建重点任务"),
    MeetingType.dangjian_regular: ("基层党建工作例会", "交流各社区党建工作，研究书记党建项目推进"),
    MeetingType.dangjian_analysis: ("党建工作月度研判会", "研判本月基层党建工作形势，明确下月重点"),
    MeetingType.team_monthly: ("组团联社月例会", "下发本月重点工作任务清单"),
    MeetingType.petition_joint: ("信访维稳联席会议", "梳理未化解信访件，研究包案化解措施"),
    MeetingType.enforcement_weekly: ("执法周碰头", "通报上周联合执法情况，交办本周整治重点"),
    MeetingType.service_weekly: ("大服务周例会", "学习一次性告知制度，通报代办服务情况"),
    MeetingType.xietiao_analysis: ("大协调分析研判会", "分析考核指标推进情况"),
}
TYPE_MODULE = {
    MeetingType.djb_weekly: Module.dangjian,
    MeetingType.dangjian_regular: Module.dangjian,
    MeetingType.dangjian_analysis: Module.dangjian,
    MeetingType.team_monthly: Module.dangjian,
    MeetingType.petition_joint: Module.zhili,
    MeetingType.enforcement_weekly: Module.zhifa,
    MeetingType.service_weekly: Module.fuwu,
    MeetingType.xietiao_analysis: Module.xietiao,
}


def _meetings(fake, rnd) -> str:
    if _exists(Meeting):
        return "meetings: already there"
    today = clock.today()
    root = street()
    chairs = {
        m: _user(u)
        for m, u in [
            (Module.dangjian, "djb"),
            (Module.zhili, "fgfsj"),
            (Module.zhifa, "mk_zhifa"),
            (Module.fuwu, "mk_fuwu"),
            (Module.xietiao, "dcb"),
        ]
    }
    leader = _user("leader")
    staff = list(db.session.execute(sa.select(AppUser)).scalars())
    units = list(db.session.execute(sa.select(Unit)).scalars())
    n = 0
    for week in range(-10, 3):
        monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=week)
        for mtype, offset, hour in [
            (MeetingType.djb_weekly, 0, 8),
            (MeetingType.petition_joint, 3, 15),
            (MeetingType.enforcement_weekly, 0, 16),
            (MeetingType.service_weekly, 4, 16),
        ]:
            start = dt.datetime.combine(monday + dt.timedelta(days=offset), dt.time(hour, 30))
            title, topics = MEETING_TOPICS[mtype]
            module = TYPE_MODULE[mtype]
            held = start < clock.now()
            db.session.add(
                Meeting(
                    module=module,
                    meeting_type=mtype,
                    title=f"{title}（{start:%m月%d日}）",
                    planned_start=start,
                    actual_start=start if held else None,
                    end_time=start + dt.timedelta(hours=1) if held else None,
                    place=rnd.choice(["街道三楼会议室", "街道一楼党群服务中心", "综合信息指挥室"]),
                    chair=chairs[module],
                    attendees=rnd.sample(staff, 4),
                    attendee_units=rnd.sample(units, 2),
                    topics=topics,
                    review_last_period="上周工作已按计划推进。" if held else None,
                    decisions=fake.sentence(nb_words=12) if held else None,
                    status=MeetingStatus.held if held else MeetingStatus.planned,
                    org_unit=root,
                )
            )
            n += 1
    # 研判会 (TR-04) and first-Tuesday team meetings in each community (TR-11)
    for month_back in range(0, 4):
        first = (today.replace(day=1) - dt.timedelta(days=28 * month_back)).replace(day=1)
        start = dt.datetime.combine(first + dt.timedelta(days=24), dt.time(14, 30))
        held = start < clock.now()
        db.session.add(
            Meeting(
                module=Module.dangjian,
                meeting_type=MeetingType.dangjian_analysis,
                title=f"党建工作月度研判会（{start:%Y年%m月}）",
                planned_start=start,
                chair=leader,
                topics_set_by=_user("zzwy"),
                topics_circulated_at=start - dt.timedelta(days=2),
                topics=MEETING_TOPICS[MeetingType.dangjian_analysis][1],
                actual_start=start if held else None,
                status=MeetingStatus.held if held else MeetingStatus.planned,
                org_unit=root,
            )
        )
        tuesday = first + dt.timedelta(days=(1 - first.weekday()) % 7)
        for c in communities():
            start = dt.datetime.combine(tuesday, dt.time(9, 0))
            held = start < clock.now()
            db.session.add(
                Meeting(
                    module=Module.dangjian,
                    meeting_type=MeetingType.team_monthly,
                    title=f"{c.name}组团联社月例会（{start:%m月}）",
                    planned_start=start,
                    chair=_user("tz1"),
                    place=f"{c.name}党群服务中心",
                    topics="下发本月重点工作任务清单",
                    actual_start=start if held else None,
                    status=MeetingStatus.held if held else MeetingStatus.planned,
                    org_unit=c,
                )
            )
            n += 1
        n += 1
    db.session.flush()
    return f"meetings: {n}"


WORK_TITLES = [
    "老旧小区加装电梯意见征集",
    "垃圾分类督导",
    "出租房消防安全排查",
    "重点人员走访",
    "文明城市创建迎检",
    "党员冬训组织",
    "防汛物资清点",
    "社区矫正对象谈话",
    "困难家庭慰问",
    "电动车违规充电整治",
]


def _work_items(fake, rnd) -> str:
    if _exists(WorkItem):
        return "work items: already there"
    meetings = list(db.session.execute(sa.select(Meeting).where(Meeting.status == MeetingStatus.held)).scalars())
    people = list(db.session.execute(sa.select(AppUser)).scalars())
    units = list(db.session.execute(sa.select(Unit)).scalars())
    n = 0
    for m in meetings[:40]:
        for _ in range(rnd.randint(1, 3)):
            deadline = m.planned_start.date() + dt.timedelta(days=rnd.randint(3, 30))
            status = rnd.choice(list(WorkItemStatus))
            db.session.add(
                WorkItem(
                    module=m.module,
                    kind=WorkItemKind.meeting_decision,
                    meeting=m,
                    title=rnd.choice(WORK_TITLES),
                    content=fake.sentence(nb_words=15),
                    responsible_unit=rnd.choice(units),
                    responsible_person=rnd.choice(people),
                    deadline=deadline,
                    status=status,
                    completed_at=dt.datetime.combine(deadline, dt.time(17)) if status == WorkItemStatus.done else None,
                    org_unit=m.org_unit,
                )
            )
            n += 1
    db.session.flush()
    return f"work items: {n}"
