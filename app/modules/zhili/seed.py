"""Demo data of 大治理: petitions with their paths, households and rentals with patrols,
deliberation topics, conventions, emergencies. Dates relative to today; idempotent."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.core import clock
from app.extensions import db

from . import rules
from .enums import (
    ActionPhase,
    AdoptionMethod,
    BacklogType,
    ConventionScope,
    ConventionStatus,
    Cooperation,
    DeliberationForm,
    DeliberationScope,
    DeliberationSource,
    DeliberationStage,
    EmergencyCategory,
    EmergencyLevel,
    EventStatus,
    FiveColour,
    HandlingLevel,
    HearingForm,
    HearingResult,
    ParticipantKind,
    PatrolTarget,
    PetitionActionType,
    PetitionCategory,
    PetitionChannel,
    PetitionGrade,
    PetitionStatus,
    PlanLevel,
    RentalClass,
    RentalStatus,
    ReportKind,
    ResidentKind,
    Satisfaction,
    SecurityLevel,
    TransferAction,
    VisitType,
    VoteMethod,
    VoteResult,
    WarningAction,
    WarningLevel,
)
from .models import (
    DeliberationItem,
    DeliberationStep,
    DeliberationVote,
    EmergencyAction,
    EmergencyEvent,
    EmergencyPlan,
    EmergencyReport,
    EmergencyWarning,
    GridConvention,
    Household,
    PatrolRecord,
    PetitionAction,
    PetitionCase,
    PetitionHearing,
    PetitionReport,
    PetitionTransfer,
    RentalHouse,
    Resident,
    RiskScreening,
    SensitivePeriod,
)

CONTENTS = [
    (PetitionCategory.property, "小区物业费上涨未经业主大会表决，要求物业公司说明情况"),
    (PetitionCategory.environment, "楼下餐饮店油烟扰民，夜间噪音影响休息"),
    (PetitionCategory.neighbour, "楼上住户装修漏水，协商未果"),
    (PetitionCategory.labour, "装修公司拖欠农民工工资三个月"),
    (PetitionCategory.urban, "小区门口道路破损积水，出行不便"),
    (PetitionCategory.land, "老旧小区改造中违建拆除补偿有异议"),
    (PetitionCategory.social, "申请低保被退回，要求重新核实家庭情况"),
    (PetitionCategory.law, "对法院执行进度不满，要求街道协调"),
]


def _user(login):
    from app.org.models import AppUser

    return db.session.execute(sa.select(AppUser).where(AppUser.username == login)).scalar_one()


def _unit(name):
    from app.org.models import Unit

    return db.session.execute(sa.select(Unit).where(Unit.name == name)).scalar_one_or_none()


def _save(row):
    """Run the register's rules (deadlines, copied org units) like the write path does."""
    from app.core import registry, writes

    writes.run_rules(registry.for_model(type(row)), row)
    db.session.add(row)
    db.session.flush()
    return row


def seed_demo(fake, rnd) -> str:
    if db.session.execute(sa.select(PetitionCase.id).limit(1)).first():
        return "zhili: already there"
    from app.seed import communities, grids_of, street

    now = clock.now().replace(second=0)
    today = now.date()
    root = street()
    comms = communities()
    leader, fgfsj, zhzx, wg1, wgz1 = (_user(u) for u in ("leader", "fgfsj", "zhzx", "wg1", "wgz1"))
    secretaries = {0: _user("sq1"), 1: _user("sq2"), 2: _user("sq3")}
    n = {"cases": 0, "households": 0, "rentals": 0, "patrols": 0, "topics": 0, "events": 0}

    # --- 信访件 with their hand-offs (代办 chain), actions, hearings
    joint = (
        db.session.execute(
            sa.text("SELECT id FROM meeting WHERE meeting_type = 'petition_joint' ORDER BY planned_start DESC LIMIT 3")
        )
        .scalars()
        .all()
    )
    from app.common.models import Meeting

    meetings = [db.session.get(Meeting, i) for i in joint]
    for ci, c in enumerate(comms):
        grids = grids_of(c)
        for k in range(rnd.randint(3, 5)):
            category, content = rnd.choice(CONTENTS)
            received = now - dt.timedelta(days=rnd.randint(1, 80), hours=rnd.randint(0, 8))
            org = rnd.choice(grids)
            status = rnd.choice(
                [
                    PetitionStatus.registered,
                    PetitionStatus.accepted,
                    PetitionStatus.investigating,
                    PetitionStatus.replied,
                    PetitionStatus.closed,
                    PetitionStatus.closed,
                ]
            )
            case = PetitionCase(
                case_no=f"XF{today:%Y}{ci + 1:02d}{k + 1:03d}",
                channel=rnd.choice(list(PetitionChannel)),
                received_at=received,
                petitioner_name=fake.name(),
                petitioner_phone=fake.phone_number(),
                petitioner_id_no=fake.ssn(),
                petitioner_count=rnd.choice([1, 1, 1, 2, 6]),
                address=f"{c.name}{fake.street_name()}{rnd.randint(1, 99)}号",
                org_unit=org,
                category=category,
                grade=rnd.choice([PetitionGrade.general, PetitionGrade.general, PetitionGrade.significant]),
                content=content,
                demand="请求尽快协调解决",
                first_receiver=secretaries.get(ci, fgfsj),
                responsible_unit=_unit("社会治理办公室"),
                responsible_person=secretaries.get(ci, zhzx),
                handling_level=HandlingLevel.grid,
                status=status,
            )
            if status != PetitionStatus.registered:
                case.accepted_at = received + dt.timedelta(days=rnd.randint(1, 5))
            if status == PetitionStatus.closed:
                case.closed_at = min(now, case.accepted_at + dt.timedelta(days=rnd.randint(5, 40)))
                case.satisfaction = rnd.choice(list(Satisfaction))
                case.published_at = case.closed_at
            if k == 0 and ci < 3:
                case.is_backlog, case.backlog_type, case.package_leader = True, rnd.choice(list(BacklogType)), fgfsj
                case.status, case.closed_at, case.satisfaction = PetitionStatus.investigating, None, None
                case.accepted_at = case.accepted_at or received + dt.timedelta(days=2)
            case.meetings = meetings[:1] if case.status != PetitionStatus.closed else []
            _save(case)
            n["cases"] += 1
            t = received + dt.timedelta(hours=2)
            if case.channel == PetitionChannel.proxy or k % 2 == 0:
                hops = [
                    (TransferAction.report_up, HandlingLevel.grid, HandlingLevel.grid, None, "代办员受理后上报网格长"),
                    (
                        TransferAction.screen,
                        HandlingLevel.grid,
                        HandlingLevel.command_center,
                        None,
                        "网格难以处理，报四个平台指挥中心",
                    ),
                    (
                        TransferAction.assign,
                        HandlingLevel.command_center,
                        HandlingLevel.third_party,
                        _unit(rnd.choice(["信访超市", "司法所", "兰花热线"])),
                        "转第三方调处",
                    ),
                ]
                for action, a, b, unit, why in hops[: rnd.randint(1, 3)]:
                    _save(
                        PetitionTransfer(
                            case=case,
                            action=action,
                            from_level=a,
                            to_level=b,
                            to_unit=unit,
                            transferred_at=min(t, now),
                            by_user=wgz1
                            if action == TransferAction.screen
                            else (zhzx if action == TransferAction.assign else wg1),
                            opinion=why,
                        )
                    )
                    t += dt.timedelta(hours=rnd.randint(3, 20))
            if case.status != PetitionStatus.registered:
                _save(
                    PetitionAction(
                        case=case,
                        action_type=PetitionActionType.investigation,
                        by_user=case.responsible_person,
                        acted_at=min(now, case.accepted_at + dt.timedelta(days=1)),
                        content="走访信访人及相关方，核实情况",
                    )
                )
                _save(
                    PetitionAction(
                        case=case,
                        action_type=PetitionActionType.education,
                        by_user=case.responsible_person,
                        acted_at=min(now, case.accepted_at + dt.timedelta(days=2)),
                        content="开展教育疏导，讲解相关政策法规",
                    )
                )
            if case.is_backlog:
                _save(
                    PetitionAction(
                        case=case,
                        action_type=PetitionActionType.package_review,
                        by_user=fgfsj,
                        acted_at=now - dt.timedelta(days=35),
                        content="包案领导召集相关单位研究化解方案",
                    )
                )
                _save(
                    PetitionHearing(
                        case=case,
                        form=HearingForm.mediation,
                        held_at=now - dt.timedelta(days=20),
                        chair=fgfsj,
                        participants="信访人、社区书记、司法所调解员",
                        result=HearingResult.not_agreed,
                        record="双方分歧较大，约定再次调解",
                    )
                )
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    _save(
        PetitionReport(
            month=last_month,
            evaluation="上月信访总量平稳，按期办结率有所提升；个别社区超期件较多，需加强督办。",
            made_by=fgfsj,
            published_at=now - dt.timedelta(days=today.day),
            org_unit=root,
        )
    )

    # --- 户情, 人员, 出租房, 巡查
    colours = [FiveColour.white] * 5 + [FiveColour.yellow] * 2 + [FiveColour.red, FiveColour.green, FiveColour.blue]
    for c in comms[:4]:
        for g in grids_of(c)[:3]:
            for _ in range(rnd.randint(4, 7)):
                colour = rnd.choice(colours)
                h = _save(
                    Household(
                        org_unit=g,
                        address=f"{rnd.randint(1, 30)}幢{rnd.randint(1, 4)}单元{rnd.randint(101, 1802)}室",
                        head_name=fake.name(),
                        head_phone=fake.phone_number(),
                        member_count=rnd.randint(1, 5),
                        colour=colour,
                        colour_reason={
                            FiveColour.red: "社区矫正对象，重点关注",
                            FiveColour.green: "家有肢体残疾人员",
                            FiveColour.blue: "独居老人",
                        }.get(colour),
                        grid_worker=wg1 if g.id == wg1.org_unit_id else None,
                    )
                )
                n["households"] += 1
                _save(
                    Resident(
                        household=h,
                        full_name=h.head_name,
                        kind=ResidentKind.household_member,
                        id_no=fake.ssn(),
                        phone=h.head_phone,
                    )
                )
                if colour == FiveColour.yellow:
                    cls = rnd.choice(list(RentalClass))
                    r = _save(
                        RentalHouse(
                            household=h,
                            org_unit=g,
                            address=h.address,
                            landlord_name=h.head_name,
                            landlord_phone=h.head_phone,
                            rental_class=cls,
                            tenant_count=rnd.randint(1, 6),
                            landlord_cooperation=rnd.choice(list(Cooperation)),
                            area_security=rnd.choice(list(SecurityLevel)),
                            lease_start=today - dt.timedelta(days=rnd.randint(200, 900)),
                            lease_end=today + dt.timedelta(days=rnd.randint(30, 700)),
                            agency=rnd.choice([None, "荷花房产中介", "我爱我家柯城店"]),
                            info_updated_at=today - dt.timedelta(days=rnd.randint(0, 60)),
                            status=RentalStatus.renting,
                        )
                    )
                    n["rentals"] += 1
                    for _ in range(rnd.randint(1, 2)):
                        _save(
                            Resident(
                                rental_house=r,
                                full_name=fake.name(),
                                kind=ResidentKind.tenant,
                                id_no=fake.ssn(),
                                phone=fake.phone_number(),
                                moved_in=today - dt.timedelta(days=rnd.randint(10, 300)),
                            )
                        )
                    for _ in range(rnd.randint(0, 4)):
                        _save(
                            PatrolRecord(
                                target=PatrolTarget.rental_house,
                                rental_house=r,
                                visit_type=VisitType.patrol,
                                visited_at=now - dt.timedelta(days=rnd.randint(0, 70), hours=rnd.randint(0, 5)),
                                visitor=wg1,
                                findings=rnd.choice(
                                    ["消防器材齐全", "发现电动车楼道充电，已劝离", "暂住人员信息已更新"]
                                ),
                            )
                        )
                        n["patrols"] += 1
                elif colour in (FiveColour.red, FiveColour.green, FiveColour.blue):
                    _save(
                        PatrolRecord(
                            target=PatrolTarget.household,
                            household=h,
                            visit_type={
                                FiveColour.red: VisitType.key_attention,
                                FiveColour.green: VisitType.care,
                                FiveColour.blue: VisitType.follow_up,
                            }[colour],
                            visited_at=now - dt.timedelta(days=rnd.randint(1, 30)),
                            visitor=wg1,
                            findings="上门走访，情况稳定",
                        )
                    )
                    n["patrols"] += 1
    _save(
        SensitivePeriod(
            name="春节前后",
            start_date=dt.date(today.year + (today.month > 2), 2, 1),
            end_date=dt.date(today.year + (today.month > 2), 2, 28),
            requirement="红色户每周至少走访一次",
            org_unit=root,
        )
    )
    _save(
        SensitivePeriod(
            name="国庆节期间",
            start_date=dt.date(today.year, 9, 28),
            end_date=dt.date(today.year, 10, 8),
            requirement="重点对象每日掌握动态",
            org_unit=root,
        )
    )

    # --- 六步议事法 and 网格公约
    topics = [
        ("电动车进楼充电整治", "楼道内电动车充电存在火灾隐患", DeliberationStage.step6_implement),
        ("小区停车位划线分配", "车位紧张，外来车辆占用", DeliberationStage.step3_plan),
        ("楼道堆物清理", "楼道堆放杂物影响通行", DeliberationStage.step1_propose),
        ("加装电梯意见征集", "老旧住宅加装电梯费用分摊", DeliberationStage.step5_vote),
    ]
    for ci, c in enumerate(comms[:3]):
        g = grids_of(c)[0]
        for k, (title, desc, stage) in enumerate(topics[: 2 + ci]):
            reg = now - dt.timedelta(days=60 - k * 7)
            item = _save(
                DeliberationItem(
                    item_no=f"YS{today:%Y}{ci + 1:02d}{k + 1:02d}",
                    title=title,
                    description=desc,
                    org_unit=g,
                    source=rnd.choice(list(DeliberationSource)),
                    category="环境秩序",
                    scope=DeliberationScope.public_interest,
                    raised_by=fake.name(),
                    registered_at=reg,
                )
            )
            order = rules.STEP_ORDER
            target = order.index(stage)
            for i, s in enumerate(order[: target + 1]):
                item.stage = s
                if i < target or s == DeliberationStage.step6_implement:
                    _save(
                        DeliberationStep(
                            item=item,
                            stage=s,
                            held_at=reg + dt.timedelta(days=i * 3),
                            form={
                                1: DeliberationForm.democratic_talk,
                                2: DeliberationForm.red_council,
                                3: DeliberationForm.grid,
                                4: DeliberationForm.vote,
                            }.get(i),
                            participants=[
                                ParticipantKind.grid_worker,
                                ParticipantKind.owners_committee,
                                ParticipantKind.resident_backbone,
                            ],
                            outcome="形成初步意见并登记",
                        )
                    )
                if i == 4 and target > 4:
                    _save(
                        DeliberationVote(
                            item=item,
                            method=VoteMethod.signature,
                            start_date=(reg + dt.timedelta(days=12)).date(),
                            end_date=(reg + dt.timedelta(days=15)).date(),
                            eligible_count=60,
                            votes_for=41,
                            votes_against=9,
                            votes_abstain=4,
                            result=VoteResult.passed,
                        )
                    )
            if stage == DeliberationStage.step6_implement:
                item.responsible_party, item.measures = "物业公司、楼道红管家", "设置集中充电棚，楼道每周巡查"
                item.due_date = today + dt.timedelta(days=20)
                item.supervisors = [ParticipantKind.red_steward, ParticipantKind.branch_member]
                _save(
                    GridConvention(
                        org_unit=g,
                        scope=ConventionScope.grid,
                        title=f"{g.name}文明公约",
                        content="一、电动车不进楼道；二、楼道不堆杂物；三、邻里互助、文明养犬。",
                        version_no=1,
                        adopted_on=today - dt.timedelta(days=20),
                        adoption_method=AdoptionMethod.vote,
                        deliberation=item,
                        status=ConventionStatus.effective,
                    )
                )
            n["topics"] += 1

    # --- 应急: plans, events with reports and actions, warnings, screenings
    plans = [
        _save(
            EmergencyPlan(
                name=name,
                level=level,
                scope=scope,
                effective_from=today - dt.timedelta(days=400),
                is_active=True,
                org_unit=root,
            )
        )
        for name, level, scope in [
            ("荷花街道防汛防台应急预案", PlanLevel.level2, "台风、暴雨、内涝"),
            ("荷花街道突发公共卫生事件应急预案", PlanLevel.level1, "传染病疫情、食物中毒"),
            ("荷花街道火灾事故应急预案", PlanLevel.level3, "居民住宅、沿街店铺火灾"),
        ]
    ]
    events = [
        ("春江社区沿街店铺火情", EmergencyCategory.accident, EmergencyLevel.IV, 3, EventStatus.closed),
        ("暴雨致荷花社区地下车库进水", EmergencyCategory.natural, EmergencyLevel.III, 0, EventStatus.handling),
        ("新村社区燃气泄漏", EmergencyCategory.accident, EmergencyLevel.IV, 1, EventStatus.received),
    ]
    for title, cat, level, ci, status in events:
        c = comms[ci]
        occurred = now - (
            dt.timedelta(minutes=12) if status == EventStatus.received else dt.timedelta(days=rnd.randint(2, 20))
        )
        e = _save(
            EmergencyEvent(
                title=title,
                category=cat,
                level=level,
                occurred_at=occurred,
                received_at=occurred + dt.timedelta(minutes=5),
                location=f"{c.name}{fake.street_name()}",
                org_unit=grids_of(c)[0],
                description="接群众报告后到场核实",
                lead_leader=fgfsj,
                first_responder="社区网格员",
                plan=plans[2] if cat == EmergencyCategory.accident else plans[0],
                plan_started_at=occurred + dt.timedelta(minutes=40),
                status=status,
            )
        )
        if status != EventStatus.received:
            e.verified_at = occurred + dt.timedelta(minutes=10)
            _save(
                EmergencyReport(
                    event=e,
                    kind=ReportKind.phone,
                    reported_at=occurred + dt.timedelta(minutes=rnd.choice([15, 25, 40])),
                    reported_to=fgfsj,
                    reported_by=zhzx,
                    content="电话报告事发情况",
                )
            )
            _save(
                EmergencyReport(
                    event=e,
                    kind=ReportKind.written,
                    reported_at=occurred + dt.timedelta(minutes=55),
                    reported_to=fgfsj,
                    reported_by=zhzx,
                    content="书面报告：事发经过、处置情况及下一步措施",
                )
            )
            _save(
                EmergencyAction(
                    event=e,
                    phase=ActionPhase.initial,
                    acted_at=occurred + dt.timedelta(minutes=20),
                    unit=_unit("荷花综合执法大队"),
                    person="值班队长",
                    content="到场警戒，疏散群众",
                )
            )
        if status == EventStatus.closed:
            for phase, text in [
                (ActionPhase.ended, "险情排除，应急结束"),
                (ActionPhase.aftermath, "善后处理完毕，损失登记"),
            ]:
                _save(EmergencyAction(event=e, phase=phase, acted_at=occurred + dt.timedelta(hours=5), content=text))
            e.ended_at = occurred + dt.timedelta(hours=5)
        _save(e)
        n["events"] += 1
    _save(
        EmergencyWarning(
            title="暴雨黄色预警",
            level=WarningLevel.yellow,
            action=WarningAction.issue,
            acted_at=now - dt.timedelta(days=1),
            channel="微信群、社区广播",
            content="预计未来24小时有大到暴雨",
            issued_by=zhzx,
            org_unit=root,
        )
    )
    for k in range(3):
        _save(
            RiskScreening(
                screened_on=today - dt.timedelta(days=7 * k),
                area=rnd.choice(["沿江低洼地段", "老旧小区燃气管线", "在建工地"]),
                risk="汛期积水、管线老化",
                forecast="下月进入主汛期，需加强巡查",
                reported_meeting=meetings[0] if meetings else None,
                org_unit=root,
            )
        )
    return "zhili: " + ", ".join(f"{k} {v}" for k, v in n.items())
