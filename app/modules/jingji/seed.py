"""Demo data of 大经济: key projects with monthly progress, the safety third party's contract,
its inspections in every community and the yearly 平安社区 assessment. Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from app.common.enums import MeetingStatus, MeetingType
from app.common.models import Meeting
from app.core import clock
from app.extensions import db
from app.modules.zhifa.seed import _unit, _user, link_demo_units
from app.org.enums import Module, UnitKind
from app.org.models import Unit
from app.seed import communities, grids_of, street

from .enums import AssessmentResult, HazardLevel, KeyProjectStatus
from .models import CommunitySafetyAssessment, KeyProject, KeyProjectProgress, SafetyInspection, SafetyProvider

PROJECTS = [
    (
        "荷花街道老旧小区改造提升工程（二期）",
        "白云社区、春江社区",
        "完成12幢住宅外立面、管网及停车位改造",
        3200,
        KeyProjectStatus.construction,
    ),
    ("荷花农贸市场提升改造", "菜场路18号", "改造为智慧农贸市场，解决马路菜场问题", 860, KeyProjectStatus.construction),
    ("下街村未来乡村建设项目", "下街村", "建成村级共富工坊和邻里中心", 1500, KeyProjectStatus.preparation),
    ("荷花路城市有机更新项目", "荷花路沿线", "沿街立面整治与口袋公园建设", 2100, KeyProjectStatus.stalled),
    ("新村社区邻里中心", "新村社区", "建成一站式社区服务综合体", 640, KeyProjectStatus.completed),
]
ENTITIES = ["餐饮店", "小作坊", "出租房", "加油站", "五金店", "物流仓库", "电动车充电点", "宾馆", "培训机构"]
HAZARDS = ["灭火器过期", "疏散通道堵塞", "电线私拉乱接", "燃气软管老化", "安全出口指示灯损坏", "电动车室内充电"]


def seed_demo(fake, rnd) -> str:
    link_demo_units()
    if db.session.execute(sa.select(KeyProject.id).limit(1)).first() is not None:
        return "大经济: already there"
    today, root = clock.today(), street()
    leader, mk, aq1 = _user("leader"), _user("mk_jingji"), _user("aq1")
    econ = _unit("经济发展办公室")
    counts = {}

    meetings = []
    for back in range(0, 4):
        day = (today.replace(day=1) - relativedelta(months=back)) + dt.timedelta(days=14)
        day += dt.timedelta(days=(3 - day.weekday()) % 7)
        start = dt.datetime.combine(day, dt.time(14, 0))
        held = start < clock.now()
        m = Meeting(
            module=Module.jingji,
            meeting_type=MeetingType.economy_project,
            title=f"重点项目推进会（{start:%Y年%m月}）",
            planned_start=start,
            actual_start=start if held else None,
            place="街道三楼会议室",
            chair=leader,
            topics="研究重点项目建设推进情况，分析研判存在问题",
            status=MeetingStatus.held if held else MeetingStatus.planned,
            org_unit=root,
        )
        db.session.add(m)
        if held:
            meetings.append(m)
    counts["meetings"] = 4

    n = 0
    for i, (name, place, goal, invest, status) in enumerate(PROJECTS):
        p = KeyProject(
            name=name,
            location=place,
            goal=goal,
            lead_leader=leader,
            responsible_unit=econ,
            responsible_person=mk,
            investment=Decimal(invest),
            start_date=today - relativedelta(months=8),
            planned_end=today + relativedelta(months=10 - 2 * i),
            status=status,
            org_unit=root,
        )
        db.session.add(p)
        # the stalled project has had no review for two months (TR-38 shows it)
        for m in meetings[(2 if status == KeyProjectStatus.stalled else 0) :]:
            db.session.add(
                KeyProjectProgress(
                    project=p,
                    report_date=m.planned_start.date(),
                    meeting=m,
                    progress=rnd.choice(
                        ["主体工程完成60%", "完成施工图审查", "完成政策处理", "管网改造已完工", "进入竣工验收"]
                    ),
                    problems=rnd.choice(["部分居民对施工时间有意见", "资金拨付进度偏慢", "管线迁改协调难", None]),
                    measures=rnd.choice(["牵头领导协调施工单位错峰施工", "对接区财政加快拨付", "召开专题协调会", None]),
                    org_unit=root,
                )
            )
            n += 1
    counts["projects"], counts["progress"] = len(PROJECTS), n

    firm = _unit("安信安全生产技术服务有限公司")
    provider = SafetyProvider(
        provider=firm,
        contract_no=f"HHJD-AQ-{today.year}-01",
        contract_start=dt.date(today.year, 1, 1),
        contract_end=dt.date(today.year, 12, 31),
        scope="辖区生产经营单位安全隐患排查、社区安全生产培训及考核协助",
        fee=Decimal("280000.00"),
        org_unit=root,
    )
    db.session.add(provider)

    n = 0
    for c in communities():
        for _ in range(rnd.randint(3, 5)):
            grid = rnd.choice(grids_of(c))
            at = dt.datetime.combine(today - dt.timedelta(days=rnd.randint(1, 150)), dt.time(rnd.randint(9, 16), 0))
            count = rnd.choice([0, 0, 1, 2, 3])
            due = at.date() + dt.timedelta(days=rnd.choice([7, 15, 30])) if count else None
            done = due is not None and (rnd.random() < 0.6)
            ins = SafetyInspection(
                provider=provider,
                org_unit=grid,
                inspected_entity=f"{fake.last_name()}记{rnd.choice(ENTITIES)}",
                inspected_at=at,
                hazard_count=count,
                hazard_level=(HazardLevel.major if count >= 3 else HazardLevel.general) if count else None,
                hazards="、".join(rnd.sample(HAZARDS, count)) if count else None,
                rectify_due=due,
                rectified_at=min(due, today) if done else None,
            )
            ins.created_by_id = aq1.id
            db.session.add(ins)
            n += 1
    counts["inspections"] = n

    assessor = db.session.execute(
        sa.select(Unit).where(Unit.unit_kind == UnitKind.third_party, Unit.name == firm.name)
    ).scalar_one()
    n = 0
    for c in communities():
        score = Decimal(rnd.randint(780, 980)) / 10
        db.session.add(
            CommunitySafetyAssessment(
                year=today.year - 1,
                org_unit=c,
                score=score,
                items="安全生产责任落实、隐患排查整改、宣传培训、应急演练",
                assessed_by=assessor,
                result=AssessmentResult.safe_community if score >= 90 else AssessmentResult.not_selected,
            )
        )
        n += 1
    counts["assessments"] = n
    db.session.flush()
    return "大经济: " + ", ".join(f"{v} {k}" for k, v in counts.items())
