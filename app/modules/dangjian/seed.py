"""Demo data of 大党建: projects with their review history, funds and their ledgers, red property
alliances, 组团联社 teams with volunteers, lists, Tuesday attendance, themes and monthly checks.
Idempotent; dates relative to today."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from app.core import clock
from app.extensions import db
from app.org.enums import UnitKind
from app.org.models import AppUser, ResidentialCompound, Unit
from app.seed import communities, grids_of, street

from . import rules
from .enums import (
    RR_PASS,
    RR_RETURN,
    ActionKind,
    AllianceMemberType,
    AllianceRecordKind,
    AllianceStatus,
    FourInOne,
    FundEntryType,
    FundPurpose,
    IssueStatus,
    MilestoneStatus,
    ReviewRound,
    SelectionMethod,
    ServiceItemStatus,
    ThemeLevel,
    ThemeStatus,
    VolunteerStatus,
    VolunteerType,
)
from .enums import ProjectStatus as PS
from .models import (
    AllianceMember,
    AllianceRecord,
    FundExpenditure,
    MonthlyCheck,
    PartyProject,
    PartyProjectMilestone,
    PartyProjectProgress,
    PartyProjectReview,
    PropertyIssue,
    PropertyServiceSelection,
    RedPropertyAlliance,
    ServiceFund,
    ServiceGroup,
    ServiceListItem,
    ServiceTeam,
    ThemeActivity,
    TuesdayAttendance,
    TuesdayTheme,
    Volunteer,
)

PROJECT_TITLES = [
    ("“红色管家”楼道治理项目", "在老旧小区每个楼道选聘“楼道红管家”，年内实现楼道议事全覆盖。"),
    ("“邻里守望”关爱空巢老人项目", "组织党员与空巢、独居老人结对，每月上门走访不少于2次。"),
    ("“红色物业”提质项目", "推动物业企业党建联建，年内破解3个以上“物业病”难题。"),
    ("“网格先锋”党员亮身份项目", "网格党员亮身份、领岗位，每名党员联系10户居民。"),
    ("“四点半课堂”关爱青少年项目", "利用社区阵地开设课后托管，服务双职工家庭子女。"),
    ("“垃圾分类”党员示范项目", "党员带头开展垃圾分类，小区分类准确率达到90%以上。"),
]
# how far each of a secretary's two projects has come this year
PROJECT_PATHS = [
    [PS.in_progress, PS.round2_passed],
    [PS.approved, PS.returned],
    [PS.declared, PS.round1_passed],
]


def _user(login):
    return db.session.execute(sa.select(AppUser).where(AppUser.username == login)).scalar_one()


def _exists(model) -> bool:
    return db.session.execute(sa.select(model.id).limit(1)).first() is not None


def seed_demo(fake, rnd) -> str:
    if _exists(PartyProject):
        return "dangjian: already there"
    counts = {}
    counts["projects"] = _projects(fake, rnd)
    counts["funds"] = _funds(fake, rnd)
    counts["alliances"] = _alliances(fake, rnd)
    counts["volunteers"] = _teams(fake, rnd)
    db.session.commit()
    return "dangjian: " + ", ".join(f"{n} {k}" for k, n in counts.items())


def _at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour)


def _projects(fake, rnd) -> int:
    today = clock.today()
    year = today.year
    leaders = [_user("leader"), _user("zzwy"), _user("fgfsj")]
    zzwy, djb, leader = _user("zzwy"), _user("djb"), _user("leader")
    n = 0
    titles = iter(PROJECT_TITLES * 3)
    for idx, login in enumerate(["sq1", "sq2", "sq3"]):
        secretary = _user(login)
        community = communities()[idx]
        for target in PROJECT_PATHS[idx]:
            title, goal = next(titles)
            p = PartyProject(
                year=year,
                org_unit=community,
                secretary=secretary,
                liaison_leader=leaders[idx],
                title=f"{community.name}{title}",
                goal=goal,
                content=fake.paragraph(nb_sentences=3),
                responsible_person=secretary,
                start_date=dt.date(year, 3, 1),
                end_date=dt.date(year, 12, 20),
                budget=Decimal(rnd.choice([20000, 30000, 45000])),
                status=target,
                declared_at=_at(year, 1, rnd.randint(8, 28)),
            )
            db.session.add(p)
            rounds = {
                PS.declared: 0,
                PS.round1_passed: 1,
                PS.round2_passed: 2,
                PS.approved: 3,
                PS.in_progress: 3,
                PS.returned: 1,
            }[target]
            reviewers = [(ReviewRound.round1, zzwy), (ReviewRound.round2, djb), (ReviewRound.round3, leader)]
            for k in range(rounds):
                rnd_key, who = reviewers[k]
                returned = target == PS.returned and k == rounds - 1
                db.session.add(
                    PartyProjectReview(
                        project=p,
                        org_unit=community,
                        round=rnd_key,
                        convener=who,
                        reviewed_at=_at(year, 2, 5 + 7 * k),
                        result=RR_RETURN if returned else RR_PASS,
                        opinion="项目目标需进一步量化，请补充时间节点后重新申报。"
                        if returned
                        else "同意，进入下一轮。",
                    )
                )
            if rounds == 3:
                p.approved_at = _at(year, 2, 26)
            for m, name in enumerate(["完成调研摸底", "形成实施方案", "中期推进", "总结验收"]):
                due = dt.date(year, 3 + m * 3, 15)
                done = target == PS.in_progress and due < today
                db.session.add(
                    PartyProjectMilestone(
                        project=p,
                        org_unit=community,
                        name=name,
                        due_date=due,
                        status=MilestoneStatus.done if done else MilestoneStatus.pending,
                        done_date=due if done else None,
                    )
                )
            if target == PS.in_progress:
                for month in range(4, min(today.month, 11) + 1, 2):
                    db.session.add(
                        PartyProjectProgress(
                            project=p,
                            org_unit=community,
                            report_date=dt.date(year, month, 10),
                            progress=f"已完成第{month // 2}阶段工作，{fake.sentence()}",
                            percent_complete=min(100, month * 9),
                            problems="部分居民参与积极性不高。",
                            next_steps="加强宣传发动，扩大党员参与面。",
                            recorded_by=djb,
                            liaison_opinion="进度符合计划，注意留存过程资料。",
                        )
                    )
            n += 1
        # last year's two projects, completed
        for _ in range(2):
            title, goal = next(titles)
            p = PartyProject(
                year=year - 1,
                org_unit=community,
                secretary=secretary,
                liaison_leader=leaders[idx],
                title=f"{community.name}{title}",
                goal=goal,
                responsible_person=secretary,
                budget=Decimal("30000.00"),
                status=PS.completed,
                declared_at=_at(year - 1, 1, 15),
                approved_at=_at(year - 1, 2, 28),
                completed_at=_at(year - 1, 12, 20),
                outcome="项目按期完成，居民满意度明显提升，经验在全街道推广。",
            )
            db.session.add(p)
            for k2, (rnd_key, who) in enumerate(
                [(ReviewRound.round1, zzwy), (ReviewRound.round2, djb), (ReviewRound.round3, leader)]
            ):
                db.session.add(
                    PartyProjectReview(
                        project=p,
                        org_unit=community,
                        round=rnd_key,
                        convener=who,
                        reviewed_at=_at(year - 1, 2, 5 + 7 * k2),
                        result=RR_PASS,
                        opinion="同意。",
                    )
                )
            n += 1
    # a draft of sq1 for next steps in the demo is not needed: sq1 has 2 this year (TR-05)
    db.session.flush()
    return n


def _funds(fake, rnd) -> int:
    today = clock.today()
    djb = _user("djb")
    n = 0
    for community in communities():
        for year in (today.year - 1, today.year):
            fund = ServiceFund(
                org_unit=community,
                year=year,
                allocated_amount=rules.fund_allocation(),
                allocated_on=dt.date(year, 3, 1),
            )
            db.session.add(fund)
            db.session.flush()
            projects = list(
                db.session.execute(
                    sa.select(PartyProject).where(
                        PartyProject.org_unit_id == community.id,
                        PartyProject.year == year,
                        PartyProject.status.in_(rules.COMMITTED_STATES),
                    )
                ).scalars()
            )
            last_month = 12 if year < today.year else max(today.month - 1, 3)
            entries = []
            for k in range(rnd.randint(3, 6)):
                project = rnd.choice(projects) if projects and rnd.random() < 0.5 else None
                e = FundExpenditure(
                    fund=fund,
                    org_unit=community,
                    entry_type=FundEntryType.expenditure,
                    spent_on=dt.date(year, rnd.randint(3, last_month), rnd.randint(1, 28)),
                    amount=Decimal(rnd.randint(8, 60) * 250),
                    purpose=FundPurpose.party_project
                    if project
                    else rnd.choice([FundPurpose.mass_service, FundPurpose.other]),
                    party_project=project,
                    description=rnd.choice(
                        [
                            "购置活动物资",
                            "组织重阳节敬老活动",
                            "党员志愿服务保险",
                            "楼道文化墙制作",
                            "邻里节活动场地布置",
                            "困难群众走访慰问品",
                        ]
                    ),
                    voucher_no=f"DJ{year}{community.code[-2:]}{k + 1:03d}",
                    payee=fake.company(),
                    created_by=djb,
                )
                db.session.add(e)
                entries.append(e)
            db.session.flush()
            if entries and community is communities()[0]:
                orig = entries[0]
                db.session.add(
                    FundExpenditure(
                        fund=fund,
                        org_unit=community,
                        entry_type=FundEntryType.reversal,
                        spent_on=orig.spent_on,
                        amount=orig.amount,
                        purpose=orig.purpose,
                        description="凭证金额录入有误，冲销原记录",
                        voucher_no=f"{orig.voucher_no}-CX",
                        reversal_of=orig,
                        created_by=djb,
                    )
                )
            db.session.flush()
            spent = rules.ledger_totals(fund.id)
            fund.spent_amount, fund.balance = spent, fund.allocated_amount - spent
            fund.committed_amount = rules.committed_budgets(community.id, year)
            n += 1
    return n


def _alliances(fake, rnd) -> int:
    today = clock.today()
    companies = list(db.session.execute(sa.select(Unit).where(Unit.unit_kind == UnitKind.property_company)).scalars())
    n = 0
    for community in communities():
        compounds = list(
            db.session.execute(
                sa.select(ResidentialCompound)
                .where(ResidentialCompound.org_unit_id == community.id)
                .order_by(ResidentialCompound.id)
            ).scalars()
        )
        for compound in compounds[:2]:
            a = RedPropertyAlliance(
                compound=compound,
                org_unit=community,
                name=f"{compound.name}红色物业联盟",
                established_on=today - dt.timedelta(days=rnd.randint(100, 700)),
                lead_person=community.head,
                status=rnd.choice([AllianceStatus.active, AllianceStatus.active, AllianceStatus.building]),
            )
            db.session.add(a)
            members = []
            for kind, name in [
                (AllianceMemberType.grid_party_branch, f"{compound.name}网格党支部"),
                (AllianceMemberType.owners_committee, f"{compound.name}业主委员会"),
                (AllianceMemberType.property_company, str(compound.property_company or companies[0])),
                (AllianceMemberType.owner, f"业主代表{fake.name()}"),
                (AllianceMemberType.social_org, "荷花街道志愿者协会"),
            ]:
                m = AllianceMember(
                    alliance=a,
                    org_unit=community,
                    member_type=kind,
                    name=name,
                    contact_person=fake.name(),
                    contact_phone=fake.phone_number(),
                    joined_on=a.established_on,
                )
                db.session.add(m)
                members.append(m)
            for dim in FourInOne:
                db.session.add(
                    AllianceRecord(
                        alliance=a,
                        org_unit=community,
                        dimension=dim,
                        kind=rnd.choice(list(AllianceRecordKind)),
                        title=f"{compound.name}{dim.label}工作小结",
                        content=fake.paragraph(nb_sentences=4),
                        record_date=today - dt.timedelta(days=rnd.randint(5, 90)),
                        promoted=rnd.random() < 0.3,
                    )
                )
            for _ in range(3):
                status = rnd.choice(list(IssueStatus))
                db.session.add(
                    PropertyIssue(
                        compound=compound,
                        alliance=a,
                        org_unit=community,
                        description=rnd.choice(
                            [
                                "楼道堆物占道，存在消防隐患",
                                "小区停车无序，车辆乱停乱放",
                                "二次供水水压不足",
                                "电梯频繁故障",
                                "垃圾清运不及时",
                            ]
                        ),
                        raised_by=fake.name(),
                        raised_on=today - dt.timedelta(days=rnd.randint(1, 120)),
                        handled_by=rnd.choice(members),
                        status=status,
                        result="经联盟协调已整改到位。"
                        if status in (IssueStatus.resolved, IssueStatus.closed)
                        else None,
                    )
                )
            db.session.add(
                PropertyServiceSelection(
                    compound=compound,
                    org_unit=community,
                    property_company=compound.property_company or companies[0],
                    selection_method=rnd.choice(list(SelectionMethod)),
                    contract_start=today.replace(day=1) - dt.timedelta(days=400),
                    contract_end=today.replace(day=1) + dt.timedelta(days=700),
                    evaluation="服务基本到位，业主满意度良好。",
                )
            )
            n += 1
    # a street-wide 四位一体 summary
    db.session.add(
        AllianceRecord(
            org_unit=street(),
            dimension=FourInOne.system_building,
            kind=AllianceRecordKind.promotion,
            title="全街道红色物业联盟经验推广",
            content="总结各小区联盟经验，形成可复制的工作方法。",
            record_date=today,
            promoted=True,
        )
    )
    db.session.flush()
    return n


def _tuesdays_until(start: dt.date, end: dt.date):
    day = start + dt.timedelta(days=(rules.TUESDAY - start.weekday()) % 7)
    while day <= end:
        yield day
        day += dt.timedelta(days=7)


def _teams(fake, rnd) -> int:
    today = clock.today()
    this_month = rules.month_start(today)
    last_month = rules.month_start(this_month - dt.timedelta(days=1))
    leaders = ["tz1", "djb", "zzwy", "fgfsj", "mk_dangjian", "dcb"]
    vol_user = _user("vol1")
    root = street()
    # street / district theme activities for recent and coming Tuesdays
    activities = {}
    for day in _tuesdays_until(last_month, today + dt.timedelta(days=14)):
        activities[day] = ThemeActivity(
            level=rnd.choice([ThemeLevel.district, ThemeLevel.street]),
            activity_date=day,
            org_unit=root,
            title=rnd.choice(["文明城市创建", "垃圾分类宣传", "平安巡防", "关爱一老一小", "反诈宣传进万家"]),
            prescribed_actions="入户宣传、环境整治、走访困难群众",
        )
        db.session.add(activities[day])
    n = 0
    for idx, community in enumerate(communities()):
        team = ServiceTeam(
            name=f"{community.name}组团联社团队", org_unit=community, team_leader=_user(leaders[idx]), is_active=True
        )
        db.session.add(team)
        themes = {}
        for day, act in activities.items():
            past = day < today
            themes[day] = TuesdayTheme(
                activity_date=day,
                org_unit=community,
                team=team,
                theme_activity=act,
                theme=f"{act.title}·{community.name}",
                prescribed_actions=act.prescribed_actions,
                optional_actions=rnd.choice(["为独居老人义务理发", "楼道“微更新”", "小区广场政策宣讲", "义诊进社区"]),
                status=ThemeStatus.done if past else (ThemeStatus.set if rnd.random() < 0.5 else ThemeStatus.draft),
                set_at=dt.datetime.combine(day - dt.timedelta(days=2), dt.time(16))
                if past or rnd.random() < 0.5
                else None,
                summary="活动按计划开展，群众反响良好。" if past else None,
            )
            if themes[day].status == ThemeStatus.draft:
                themes[day].set_at = None
            elif themes[day].set_at is None:
                themes[day].set_at = dt.datetime.combine(day - dt.timedelta(days=2), dt.time(16))
            db.session.add(themes[day])
        for g_idx, grid in enumerate(grids_of(community)):
            group = ServiceGroup(
                team=team, org_unit=grid, name=f"{grid.name}服务小组", base_location=f"{grid.name}党群服务点"
            )
            db.session.add(group)
            for k in range(rnd.randint(3, 4)):
                linked = idx == 0 and g_idx == 0 and k == 0
                v = Volunteer(
                    full_name=fake.name(),
                    user=vol_user if linked else None,
                    volunteer_type=rnd.choice(list(VolunteerType)),
                    team=team,
                    group=group,
                    org_unit=grid,
                    work_unit=rnd.choice(["荷花街道办事处", "区教育局", "社区居民", "区卫健局"]),
                    phone=fake.phone_number(),
                    skills=rnd.choice(["法律咨询", "医疗护理", "文艺宣传", "水电维修", "心理疏导"]),
                    joined_on=today - dt.timedelta(days=rnd.randint(60, 900)),
                    status=VolunteerStatus.active if rnd.random() < 0.9 else VolunteerStatus.inactive,
                )
                db.session.add(v)
                n += 1
                for month in (last_month, this_month):
                    db.session.add(
                        ServiceListItem(
                            group=group,
                            volunteer=v,
                            org_unit=grid,
                            month=month,
                            content=rnd.choice(["走访独居老人", "楼道环境整治", "政策宣传入户", "矛盾纠纷排查"]),
                            action_kind=rnd.choice(list(ActionKind)),
                            planned_date=month + dt.timedelta(days=rnd.randint(0, 25)),
                            status=ServiceItemStatus.done
                            if month < this_month
                            else rnd.choice([ServiceItemStatus.planned, ServiceItemStatus.in_progress]),
                            progress="已按计划开展" if month < this_month else None,
                            effect="群众满意" if month < this_month else None,
                        )
                    )
                attended_last = 0
                for day in _tuesdays_until(last_month, today - dt.timedelta(days=1)):
                    went = rnd.random() < 0.85
                    attended_last += int(went and day < this_month)
                    db.session.add(
                        TuesdayAttendance(
                            activity_date=day,
                            volunteer=v,
                            org_unit=grid,
                            tuesday_theme=themes.get(day),
                            attended=went,
                            absence_reason=None if went else "单位工作冲突",
                        )
                    )
                if v.status == VolunteerStatus.active:
                    total = len(rules.tuesdays_of_month(last_month))
                    checked = rnd.random() < 0.8
                    db.session.add(
                        MonthlyCheck(
                            month=last_month,
                            volunteer=v,
                            org_unit=grid,
                            tuesdays_total=total,
                            tuesdays_attended=attended_last,
                            attended_every_tuesday=attended_last >= total if checked else None,
                            executed_list=True if checked else None,
                            list_updated=checked or None,
                            progress_note="服务清单事项均已推进" if checked else None,
                            effect_note="走访群众反映良好" if checked else None,
                            checker=team.team_leader if checked else None,
                            checked_at=dt.datetime.combine(this_month, dt.time(9)) if checked else None,
                        )
                    )
        # a group leader for the first group of each team
    db.session.flush()
    rules.open_month(this_month)  # the current month's empty checks (commits)
    return n
