"""Demo data of 大服务: rules, pledges, matters, windows, posts, cases, errands, assessments."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.common.enums import MeetingType
from app.common.models import Meeting
from app.core import clock
from app.extensions import db
from app.org.models import AppUser, Unit

from . import rules, workdays
from .enums import (
    ApprovalResult,
    CaseStatus,
    ErrandChannel,
    ErrandStatus,
    MaterialCheck,
    PostType,
    RuleDocKind,
    Satisfaction,
    Urgency,
    WindowType,
)
from .models import (
    ErrandAssessment,
    ErrandRequest,
    ServiceCase,
    ServiceMatter,
    ServicePledge,
    ServiceRuleDoc,
    ServiceWindow,
    WindowPost,
)

RULE_DOCS = [
    (RuleDocKind.job_duty, "便民服务中心工作人员岗位职责", "窗口工作人员按A岗、B岗互为补位，做到首问负责、限时办结。"),
    (RuleDocKind.one_time_notice, "一次性告知制度", "材料不全的，窗口工作人员一次性告知需补正的全部材料。"),
    (RuleDocKind.service_promise, "服务承诺制", "对群众承诺的事项，明确承诺人和承诺时限，逾期未兑现的纳入周例会通报。"),
    (RuleDocKind.errand_process, "代办服务流程", "受理—认领—核实资料—集中代办（每周一、三、五）—办结—送达。"),
    (RuleDocKind.errand_rule, "代办服务制度", "特事特办，急事急办，原则上每周一、三、五集中代办。"),
    (RuleDocKind.errand_assessment, "代办服务考核机制", "按月考核格格代办员的代办件数、按时办结率和满意率。"),
]
# name, code, delegating unit, system, high frequency, city-wide, promise days, materials
MATTERS = [
    ("居民身份证申领", "GA-001", "荷花派出所", "公安人口信息系统", True, True, 0, "户口簿、近期免冠照片"),
    ("居住证办理", "GA-002", "荷花派出所", "公安人口信息系统", True, True, 5, "身份证、居住证明"),
    ("城乡居民医保参保登记", "YB-001", "便民服务中心", "浙江省医保信息平台", True, True, 0, "身份证、户口簿"),
    ("城乡居民养老保险参保登记", "SB-001", "便民服务中心", "浙江省社会保险信息系统", True, True, 0, "身份证、户口簿"),
    ("老年人优待证办理", "MZ-001", "便民服务中心", "一窗受理平台", True, True, 3, "身份证、一寸照片"),
    ("残疾人证办理", "CL-001", "便民服务中心", "一窗受理平台", False, False, 15, "身份证、医院诊断证明、照片"),
    ("生育登记", "WJ-001", "便民服务中心", "浙江政务服务网", True, True, 1, "夫妻双方身份证、结婚证"),
    ("最低生活保障申请", "MZ-002", "便民服务中心", "一窗受理平台", False, False, 20, "申请书、身份证、收入证明"),
    ("临时救助申请", "MZ-003", "便民服务中心", "一窗受理平台", False, False, 10, "申请书、身份证、相关证明"),
    ("个体工商户设立登记", "SJ-001", "荷花市场监管所", "浙江省企业登记系统", True, True, 3, "身份证、经营场所证明"),
]
ERRAND_ITEMS = [
    "代办老年人优待证",
    "代缴城乡居民医保",
    "代办居住证续签",
    "代办残疾人证年审",
    "代办生育登记",
    "代办养老保险资格认证",
    "代办临时救助申请材料递交",
]


def _user(login):
    return db.session.execute(sa.select(AppUser).where(AppUser.username == login)).scalar_one()


def seed_demo(fake, rnd) -> str:
    if db.session.execute(sa.select(ServiceMatter.id).limit(1)).first() is not None:
        return "大服务: already there"
    from app.seed import street

    root, now, today = street(), clock.now(), clock.today()
    units = {u.name: u for u in db.session.execute(sa.select(Unit)).scalars()}
    for kind, title, content in RULE_DOCS:
        db.session.add(
            ServiceRuleDoc(
                kind=kind,
                title=title,
                content=content,
                version_no=1,
                effective_from=dt.date(today.year, 1, 1),
                org_unit=root,
            )
        )
    matters = []
    for name, code, unit, system, hf, cw, days, materials in MATTERS:
        m = ServiceMatter(
            name=name,
            code=code,
            source_dept=units.get(unit),
            handling_system=system,
            max_one_visit=True,
            high_frequency=hf,
            citywide=cw,
            promise_days=days,
            required_materials=materials,
            is_active=True,
            org_unit=root,
        )
        db.session.add(m)
        matters.append(m)
    windows = [
        ServiceWindow(number=f"{i}号窗口", window_type=t, is_open=True, org_unit=root)
        for i, t in enumerate(
            [
                WindowType.undifferentiated,
                WindowType.undifferentiated,
                WindowType.consult_issue,
                WindowType.consult_issue,
            ],
            start=1,
        )
    ]
    db.session.add_all(windows)
    ck1, mk, gg1 = _user("ck1"), _user("mk_fuwu"), _user("gg1")
    start = today - dt.timedelta(days=180)
    db.session.add_all(
        [
            WindowPost(post_type=PostType.post_a, staff=ck1, window=windows[0], from_date=start, org_unit=root),
            WindowPost(
                post_type=PostType.post_b, staff=mk, window=windows[0], covers=ck1, from_date=start, org_unit=root
            ),
            WindowPost(post_type=PostType.back_office, staff=mk, from_date=start, org_unit=root),
            WindowPost(
                post_type=PostType.consult_issue,
                staff=ck1,
                window=windows[2],
                from_date=start,
                to_date=today - dt.timedelta(days=30),
                org_unit=root,
            ),
        ]
    )
    db.session.flush()
    n_cases = _cases(fake, rnd, matters, windows, ck1, units, root, now)
    n_errands = _errands(fake, rnd, matters, gg1, now)
    _pledges(rnd, ck1, mk, gg1, root, today)
    db.session.flush()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    n_assess = 0
    for month in (last_month, f"{today:%Y-%m}"):
        a = ErrandAssessment(
            month=month,
            runner=gg1,
            org_unit_id=gg1.org_unit_id,
            score=rnd.choice([88, 92, 95]) if month == last_month else None,
            comment="按时认领，上门服务到位。" if month == last_month else None,
        )
        rules.check_errand_assessment(a)
        db.session.add(a)
        n_assess += 1
    db.session.flush()
    return (
        f"大服务: {len(RULE_DOCS)} rules, {len(MATTERS)} matters, 4 windows, {n_cases} cases, "
        f"{n_errands} errands, {n_assess} assessments, pledges"
    )


def _cases(fake, rnd, matters, windows, ck1, units, root, now) -> int:
    n = 0
    for k in range(60):
        received = (now - dt.timedelta(days=rnd.randint(0, 60))).replace(
            hour=rnd.randint(8, 16), minute=rnd.choice([0, 15, 30, 45])
        )
        if received > now:
            received -= dt.timedelta(days=1)
        matter = rnd.choice(matters)
        complete = rnd.random() < 0.85
        status = (
            rnd.choice([CaseStatus.issued] * 5 + [CaseStatus.back_office, CaseStatus.ready, CaseStatus.received])
            if complete
            else rnd.choice([CaseStatus.received, CaseStatus.returned])
        )
        c = ServiceCase(
            case_no=f"YC{received:%Y%m%d}{k:04d}",
            matter=matter,
            applicant_name=fake.name(),
            applicant_phone=fake.phone_number(),
            applicant_id_no=fake.ssn(),
            window=rnd.choice(windows[:2]),
            received_by=ck1,
            received_at=received,
            material_check=MaterialCheck.complete if complete else MaterialCheck.incomplete,
            notice_given=None if complete else f"请补充：{matter.required_materials}",
            back_office_dept=matter.source_dept,
            is_cross_region=rnd.random() < 0.15,
            status=status,
            org_unit=root,
        )
        if status in (CaseStatus.back_office, CaseStatus.ready, CaseStatus.issued):
            c.to_back_office_at = received + dt.timedelta(minutes=30)
        if status in (CaseStatus.ready, CaseStatus.issued):
            c.approval_result = ApprovalResult.approved
        if status == CaseStatus.issued:
            c.issued_at = min(received + dt.timedelta(hours=rnd.choice([1, 3, 24, 48, 72])), now)
        rules.check_service_case(c)
        db.session.add(c)
        n += 1
    return n


def _errands(fake, rnd, matters, gg1, now) -> int:
    from app.seed import communities, grids_of

    n = 0
    calendar = workdays.load_calendar((now - dt.timedelta(days=70)).date(), (now + dt.timedelta(days=40)).date())
    for ci, community in enumerate(communities()):
        grids = grids_of(community)
        for k in range(8 if ci == 0 else 3):
            received = now - dt.timedelta(days=rnd.randint(0, 50), hours=rnd.randint(0, 23))
            urgency = rnd.choice([Urgency.normal] * 4 + [Urgency.urgent, Urgency.special])
            r = ErrandRequest(
                request_no=f"DB{received:%Y%m%d}{ci}{k:02d}",
                channel=rnd.choice(list(ErrandChannel)),
                received_at=received,
                applicant_name=fake.name(),
                applicant_phone=fake.phone_number(),
                applicant_id_no=fake.ssn(),
                org_unit=rnd.choice(grids) if grids else community,
                address=f"{community.name}{fake.street_name()}{rnd.randint(1, 99)}号",
                home_service=rnd.random() < 0.5,
                matter=rnd.choice(matters),
                description=rnd.choice(ERRAND_ITEMS),
                urgency=urgency,
                status=ErrandStatus.received,
            )
            if ci == 0 and k > 0:  # 荷花社区: gg1 claims and runs most of them
                r.runner, r.claimed_at = gg1, received + dt.timedelta(hours=rnd.randint(1, 20))
                r.status = rnd.choice(
                    [
                        ErrandStatus.claimed,
                        ErrandStatus.verifying,
                        ErrandStatus.in_progress,
                        ErrandStatus.done,
                        ErrandStatus.delivered,
                        ErrandStatus.delivered,
                        ErrandStatus.delivered,
                    ]
                )
                if r.status != ErrandStatus.claimed:
                    verified = r.claimed_at.date() + dt.timedelta(days=1)
                    r.materials_verified = r.status != ErrandStatus.verifying
                    if r.materials_verified:
                        r.batch_date = rules.suggested_batch_date(urgency, verified, calendar)
                        r.submitted_at = dt.datetime.combine(r.batch_date, dt.time(9, 30))
                if r.status in (ErrandStatus.done, ErrandStatus.delivered):
                    r.done_at = r.submitted_at + dt.timedelta(days=rnd.randint(0, 3), hours=4)
                    r.result = "已办结，证件已领取。"
                    r.zero_visit = rnd.random() < 0.8
                    r.satisfaction = rnd.choice([Satisfaction.satisfied] * 4 + [Satisfaction.basically])
                if r.status == ErrandStatus.delivered:
                    r.delivered_at = r.done_at + dt.timedelta(hours=5)
                for attr in ("submitted_at", "done_at", "delivered_at"):
                    if getattr(r, attr) is not None and getattr(r, attr) > now:
                        r.status, r.done_at, r.delivered_at, r.satisfaction = ErrandStatus.verifying, None, None, None
                        r.submitted_at, r.materials_verified, r.result = None, True, None
                        break
            elif k == 2:
                r.status = ErrandStatus.cancelled
            db.session.add(r)
            n += 1
    return n


def _pledges(rnd, ck1, mk, gg1, root, today) -> None:
    meetings = list(
        db.session.execute(
            sa.select(Meeting).where(Meeting.meeting_type == MeetingType.service_weekly).order_by(Meeting.planned_start)
        ).scalars()
    )
    past = [m for m in meetings if m.planned_start.date() <= today][-4:]
    items = [
        (ck1, "无差别受理窗口午间不断档，12:00—13:30安排值班", -20, True),
        (mk, "老年人优待证当日受理、三个工作日内出件", -14, True),
        (gg1, "荷花社区代办申请当日认领，急事当天上门", -7, False),
        (ck1, "一次性告知单统一格式并张贴到每个窗口", 5, False),
        (mk, "后台整合人员每周五前清零在办件", 10, False),
    ]
    for i, (who, content, offset, kept) in enumerate(items):
        made = today + dt.timedelta(days=offset - 14)
        due = today + dt.timedelta(days=offset)
        db.session.add(
            ServicePledge(
                pledger=who,
                content=content,
                made_on=made,
                due_date=due,
                is_kept=kept,
                kept_on=due - dt.timedelta(days=1) if kept else None,
                meeting=past[i % len(past)] if past else None,
                org_unit_id=gg1.org_unit_id if who is gg1 else root.id,
            )
        )
