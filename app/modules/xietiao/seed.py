"""Demo data of 大协调: indicators and their monthly state, last month's published list and this
month's issued list with 督办单, the ten rules and typical cases, 交办单 in every state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from app.common.enums import MeetingStatus, MeetingType
from app.common.models import Meeting
from app.core import clock
from app.extensions import db
from app.org.enums import Module
from app.org.models import AppUser, OrgUnit, Unit

from . import rules
from .enums import AssignmentStatus as AS
from .enums import OrderStatus, SourceChannel, TypicalPolarity, TypicalStatus, TypicalSubject
from .enums import SupervisionItemStatus as IS
from .enums import SupervisionListStatus as LS
from .models import (
    AssessmentIndicator,
    AssignmentOrder,
    IndicatorProgress,
    MilitaryRule,
    SupervisionItem,
    SupervisionList,
    SupervisionOrder,
    TypicalCase,
)

RULES = [
    "坚决服从组织安排，令行禁止，不讲条件、不打折扣",
    "重点工作限时办结，不拖延、不推诿、不扯皮",
    "深入一线走访群众，每月走访不少于规定户数",
    "严守工作纪律，工作时间不脱岗、不串岗",
    "首问负责，一次性告知，不让群众跑冤枉路",
    "遇到急难险重任务，党员干部冲在一线",
    "会议决定事项按期落实，件件有回音",
    "廉洁自律，不吃拿卡要，不接受管理服务对象宴请",
    "信息报送及时准确，不迟报、不漏报、不瞒报",
    "担当作为，敢于碰硬，不回避矛盾问题",
]
INDICATORS = [
    ("基层党建工作考核", Module.dangjian, "mk_dangjian", "党建工作办公室", Decimal("15")),
    ("信访维稳工作考核", Module.zhili, "mk_zhili", "区信访局", Decimal("12")),
    ("综合行政执法工作考核", Module.zhifa, "mk_zhifa", "荷花综合执法大队", Decimal("10")),
    ("重点项目建设考核", Module.jingji, "mk_jingji", "经济发展办公室", Decimal("15")),
    ("安全生产工作考核", Module.jingji, "mk_jingji", "经济发展办公室", Decimal("10")),
    ("政务服务满意度考核", Module.fuwu, "mk_fuwu", "便民服务中心", Decimal("8")),
    ("文明城市创建考核", Module.zhifa, "mk_zhifa", "文明城市创建专班", Decimal("10")),
    ("重点工作督查考核", Module.xietiao, "mk_xietiao", "综合督考办", Decimal("10")),
]
ITEMS = [
    ("完成辖区出租房季度集中排查", Module.zhili, "mk_zhili", "社会治理办公室"),
    ("推进荷花农贸市场周边马路菜场整治", Module.zhifa, "mk_zhifa", "荷花综合执法大队"),
    ("书记党建项目中期进展检查", Module.dangjian, "mk_dangjian", "党建工作办公室"),
    ("重点项目征迁扫尾", Module.jingji, "mk_jingji", "经济发展办公室"),
    ("小区消防通道堵塞专项整治", Module.jingji, "mk_jingji", "经济发展办公室"),
    ("“最多跑一次”事项梳理更新", Module.fuwu, "mk_fuwu", "便民服务中心"),
    ("信访积案包案化解", Module.zhili, "mk_zhili", "社会治理办公室"),
]


def _user(login) -> AppUser:
    return db.session.execute(sa.select(AppUser).where(AppUser.username == login)).scalar_one()


def _unit(name) -> Unit:
    return db.session.execute(sa.select(Unit).where(Unit.name == name)).scalar_one()


def seed_demo(fake, rnd) -> str:
    if db.session.execute(sa.select(SupervisionList.id).limit(1)).first() is not None:
        return "xietiao: already there"
    root = db.session.execute(sa.select(OrgUnit).where(OrgUnit.code == "HH")).scalar_one()
    today = clock.today()
    now = clock.now()
    this_month = rules.month_start(today)
    last_month = rules.add_months(this_month, -1)
    dcb, leader = _user("dcb"), _user("leader")
    overrides = rules.calendar_overrides()

    mrules = [
        MilitaryRule(number=i, content=text, effective_from=dt.date(today.year, 1, 1), org_unit=root)
        for i, text in enumerate(RULES, start=1)
    ]
    db.session.add_all(mrules)

    # 定期分析研判 (TR-15): a monthly meeting and each indicator's state per month
    meetings = {}
    for month in (last_month, this_month):
        day = rules.nth_working_day(month, 3, overrides)
        meetings[month] = Meeting(
            module=Module.xietiao,
            meeting_type=MeetingType.xietiao_analysis,
            org_unit=root,
            title=f"{month:%Y年%m月}大协调分析研判会",
            planned_start=dt.datetime.combine(day, dt.time(9, 0)),
            chair=leader,
            topics="分析各项考核指标推进情况，形成工作清单，明确责任主体",
            status=MeetingStatus.held if day <= today else MeetingStatus.planned,
        )
        db.session.add(meetings[month])
    n_progress = 0
    for name, module, login, dept, weight in INDICATORS:
        ind = AssessmentIndicator(
            year=today.year,
            name=f"{today.year}年度{name}",
            issuing_dept=_unit(dept),
            module=module,
            responsible_person=_user(login),
            weight=weight,
            org_unit=root,
            target=f"全年考核得分不低于{weight * Decimal('0.9')}分，力争全区前列",
        )
        db.session.add(ind)
        for month in (last_month, this_month):
            if month == this_month and meetings[month].status != MeetingStatus.held:
                continue
            db.session.add(
                IndicatorProgress(
                    indicator=ind,
                    period=month,
                    meeting=meetings[month],
                    org_unit=root,
                    current_value=f"已完成年度目标的{rnd.randint(55, 95)}%",
                    rank=f"全区第{rnd.randint(1, 12)}名",
                    analysis=rnd.choice(
                        [
                            "总体进度符合预期，个别社区台账不够规范",
                            "进度略滞后，需加强督促",
                            "排名较上月上升，但基础工作仍需夯实",
                        ]
                    ),
                    measures=rnd.choice(
                        [
                            "由责任模块制定整改清单，下月分析会通报",
                            "综合督考办跟踪督办，每周报进度",
                            "对照考核细则逐项查漏补缺",
                        ]
                    ),
                )
            )
            n_progress += 1

    # 月度重点督查: last month published, this month issued (TR-16 … TR-18)
    prev = SupervisionList(
        month=last_month,
        title=f"{last_month:%Y年%m月}重点工作督查清单",
        made_by=dcb,
        org_unit=root,
        status=LS.published,
        issued_at=dt.datetime.combine(rules.nth_working_day(last_month, 2, overrides), dt.time(10)),
        published_at=dt.datetime.combine(rules.last_working_day(last_month, overrides), dt.time(16)),
        review_comment="本月重点工作总体推进有序，出租房排查、消防通道整治按期完成；"
        "征迁扫尾进度滞后，已下达督办单，请责任模块抓紧整改。",
    )
    cur = SupervisionList(
        month=this_month,
        title=f"{this_month:%Y年%m月}重点工作督查清单",
        made_by=dcb,
        org_unit=root,
        status=LS.issued,
        issued_at=dt.datetime.combine(rules.nth_working_day(this_month, 2, overrides), dt.time(10)),
    )
    db.session.add_all([prev, cur])
    n_items = 0
    for sl in (prev, cur):
        for k, (title, module, login, unit) in enumerate(ITEMS):
            deadline = min(rules.month_end(sl.month), sl.month + dt.timedelta(days=9 + 3 * k))
            if sl is prev:
                done = k != 3
                pct = 100 if done else 70
                status, comment = (IS.done, "按期完成，成效明显") if done else (IS.lagging, "进度滞后，需加快推进")
            else:
                expected = rules.expected_percent(sl.month, deadline, today)
                pct = max(0, min(100, expected + rnd.choice([-35, -20, 0, 10, 20])))
                status, comment = (IS.done, None) if pct >= 100 else (IS.on_track, None)
                if status != IS.done and deadline < today:
                    status = IS.lagging
            item = SupervisionItem(
                supervision_list=sl,
                title=title,
                module=module,
                responsible_unit=_unit(unit),
                responsible_person=_user(login),
                deadline=deadline,
                progress_percent=pct,
                progress=f"已完成{pct}%，"
                + rnd.choice(["正在逐户核查", "已召开专题协调会", "已完成方案制定", "正在组织实施"]),
                status=status,
                comment=comment,
                org_unit=root,
                target=rnd.choice(["月底前全部完成", "完成率达到100%", "形成书面报告报综合督考办"]),
            )
            db.session.add(item)
            n_items += 1
            if sl is prev and k == 3:
                db.session.add(
                    SupervisionOrder(
                        order_no=f"督办〔{sl.month.year}〕{sl.month.month:02d}-001",
                        supervision_item=item,
                        issued_at=dt.datetime.combine(sl.month + dt.timedelta(days=14), dt.time(9)),
                        issued_by=dcb,
                        to_person=item.responsible_person,
                        lag_description="征迁扫尾进度70%，落后于计划",
                        requirement="倒排工期，每周报送进度",
                        reply_deadline=sl.month + dt.timedelta(days=18),
                        reply="已增派力量，剩余3户月底前完成签约",
                        org_unit=root,
                        status=OrderStatus.closed,
                        replied_at=dt.datetime.combine(sl.month + dt.timedelta(days=17), dt.time(15)),
                    )
                )

    # 十条军规 典型 (TR-19)
    units = [_unit(u) for u in ("社会治理办公室", "荷花综合执法大队", "便民服务中心", "经济发展办公室")]
    people = [_user(u) for u in ("mk_zhili", "mk_zhifa", "mk_fuwu", "mk_jingji", "sq1", "sq2")]
    n_cases = 0
    for q in range(1, (today.month - 1) // 3 + 2):
        day = dt.date(today.year, 3 * q - 1, 10)
        if day > today:
            day = today
        for polarity in (TypicalPolarity.positive, TypicalPolarity.positive, TypicalPolarity.negative):
            person, unit = rnd.choice(people), rnd.choice(units)
            is_cadre = rnd.random() < 0.7
            closed = rules.quarter_end(day) < today
            case = TypicalCase(
                period_label=f"{today.year}年第{q}季度",
                case_date=day,
                polarity=polarity,
                subject_kind=TypicalSubject.cadre if is_cadre else TypicalSubject.deed,
                cadre=person if is_cadre else None,
                unit=unit,
                key_work=rnd.choice([i[0] for i in ITEMS]),
                description=(
                    "推进快、质量高，提前完成重点工作"
                    if polarity == TypicalPolarity.positive
                    else "推进慢、质量差，督办后仍未按期整改"
                ),
                nominated_by=dcb,
                org_unit=root,
                year_end_linked=True,
                status=TypicalStatus.notified if closed else TypicalStatus.nominated,
                notice_no=f"荷街督〔{today.year}〕{q * 10 + n_cases}号" if closed else None,
                notified_at=dt.datetime.combine(rules.quarter_end(day), dt.time(10)) if closed else None,
            )
            case.rules = rnd.sample(mrules, 2)
            db.session.add(case)
            n_cases += 1

    # 重点工作交办单 (TR-20) in each state
    heads = {
        m: _user(f"mk_{m.name}") for m in (Module.zhili, Module.zhifa, Module.jingji, Module.fuwu, Module.dangjian)
    }
    specs = [
        ("关于开展城镇燃气安全专项排查整治的通知", Module.jingji, AS.drafting, 20),
        ("关于做好元旦春节期间信访维稳工作的通知", Module.zhili, AS.pending_review, 15),
        ("关于开展违法建筑“三改一拆”攻坚的通知", Module.zhifa, AS.assigned, 2),
        ("关于做好政务服务事项“一网通办”梳理的通知", Module.fuwu, AS.assigned, -3),
        ("关于推进书记党建项目年度评估的通知", Module.dangjian, AS.reported_to_leader, 6),
        ("关于开展出租房消防安全检查的通知", Module.zhili, AS.reported_to_dcb, 1),
        ("关于做好第四季度安全生产检查的通知", Module.jingji, AS.closed, -10),
        ("关于开展背街小巷环境整治的通知", Module.zhifa, AS.under_supervision, -6),
    ]
    depts = [_unit("区信访局")]
    for i, (title, module, status, days) in enumerate(specs, start=1):
        received = now - dt.timedelta(days=25 - i)
        o = AssignmentOrder(
            order_no=f"交办〔{today.year}〕{i:03d}号",
            source_channel=rnd.choice(list(SourceChannel)),
            source_dept=depts[0],
            source_ref=f"区委办〔{today.year}〕{rnd.randint(10, 99)}号",
            received_at=received,
            title=title,
            content=f"{title}，请按要求抓好落实并按期报送完成情况。",
            lead_leader=leader,
            assigned_module=module,
            module_head=heads[module],
            deadline=today + dt.timedelta(days=days),
            status=status,
            org_unit=root,
        )
        if status not in (AS.drafting, AS.pending_review):
            o.review_opinion, o.reviewed_at = "同意，请按期办结", received + dt.timedelta(days=1)
        if status in (AS.reported_to_leader, AS.reported_to_dcb, AS.closed):
            o.completion_report = "已按要求完成，详见附件"
            o.reported_to_leader_at = received + dt.timedelta(days=8)
        if status in (AS.reported_to_dcb, AS.closed):
            o.reported_to_dcb_at = received + dt.timedelta(days=9)
        if status == AS.closed:
            o.dcb_opinion = "材料齐全，按期办结"
        db.session.add(o)
        if status == AS.under_supervision:
            o.delay_reason, o.objective_reason = "涉及多部门协调，进度滞后", False
            db.session.add(
                SupervisionOrder(
                    order_no=f"督办〔{today.year}〕{this_month.month:02d}-901",
                    assignment_order=o,
                    issued_at=now - dt.timedelta(days=2),
                    issued_by=dcb,
                    to_person=o.module_head,
                    lag_description=f"办理期限{o.deadline}已过，无客观原因未完成",
                    requirement="三个工作日内整改并报综合督考办",
                    reply_deadline=rules.add_working_days(today, 1, overrides),
                    org_unit=root,
                    status=OrderStatus.issued,
                )
            )
    db.session.flush()
    return (
        f"xietiao: 10 rules, {len(INDICATORS)} indicators ({n_progress} monthly states), 2 supervision lists "
        f"({n_items} items), {n_cases} typical cases, {len(specs)} assignment orders"
    )
