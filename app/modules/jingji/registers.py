"""Registers of 大经济 (domain §7). One line each: the rest is generated."""

import datetime as dt

from flask_babel import lazy_gettext as _l

from app.core import permissions, registry
from app.core.registry import Register
from app.core.timerules import TimeRule
from app.modules.zhifa import forms

from . import rules
from .models import CommunitySafetyAssessment, KeyProject, KeyProjectProgress, SafetyInspection, SafetyProvider

registry.add(
    Register(
        "key_project",
        KeyProject,
        "jingji",
        "G12",
        list_columns=("name", "location", "lead_leader", "responsible_person", "planned_end", "status"),
        search_columns=("name", "status", "lead_leader", "responsible_unit", "planned_end"),
        form_columns=(
            "name",
            "location",
            "goal",
            "lead_leader",
            "responsible_unit",
            "responsible_person",
            "investment",
            "start_date",
            "planned_end",
            "status",
            "remarks",
        ),
        order=("id", "desc"),
        rules=(rules.check_key_project,),
        icon="fa-building-o",
        time_rules=(
            TimeRule(
                "TR-38", _l("Key projects reviewed monthly"), rules.stale_projects, watch=("key_project_progress",)
            ),
        ),
    ),
    Register(
        "key_project_progress",
        KeyProjectProgress,
        "jingji",
        "G12",
        list_columns=("report_date", "project", "meeting", "progress"),
        search_columns=("report_date", "project", "progress", "problems"),
        form_columns=("project", "report_date", "meeting", "progress", "problems", "measures", "remarks"),
        order=("report_date", "desc"),
        rules=(rules.check_key_project_progress,),
        icon="fa-tasks",
    ),
    Register(
        "safety_provider",
        SafetyProvider,
        "jingji",
        "G12",
        list_columns=("provider", "contract_no", "contract_start", "contract_end", "fee"),
        search_columns=("provider", "contract_no", "contract_end"),
        form_columns=("provider", "contract_no", "contract_start", "contract_end", "scope", "fee", "remarks"),
        order=("contract_end", "desc"),
        rules=(rules.check_safety_provider,),
        icon="fa-handshake-o",
        time_rules=(
            TimeRule(
                "CONTRACT",
                _l("Safety service contract ending"),
                rules.ending_contracts,
                soon=dt.timedelta(days=rules.CONTRACT_WARNING_DAYS),
            ),
        ),
    ),
    Register(
        "safety_inspection",
        SafetyInspection,
        "jingji",
        "G12",
        list_columns=(
            "inspected_at",
            "org_unit",
            "inspected_entity",
            "hazard_count",
            "hazard_level",
            "rectify_due",
            "rectified_at",
        ),
        search_columns=("inspected_at", "org_unit", "inspected_entity", "hazard_level", "rectify_due", "rectified_at"),
        form_columns=(
            "provider",
            "org_unit",
            "inspected_entity",
            "inspected_at",
            "hazard_count",
            "hazard_level",
            "hazards",
            "rectify_due",
            "rectified_at",
            "remarks",
        ),
        order=("inspected_at", "desc"),
        anchor="grid",
        owner=lambda p: SafetyInspection.created_by_id == p.user_id,
        labels={"org_unit": "fld_safety_inspection__community"},
        view_mixin=forms.PlaceChoice,
        rules=(rules.check_safety_inspection,),
        icon="fa-fire-extinguisher",
        time_rules=(
            TimeRule(
                "HAZARD",
                _l("Hazards rectified by their deadline"),
                deadline="rectify_due",
                open=lambda m: (m.hazard_count > 0) & m.rectified_at.is_(None),
                owner="created_by_id",
                title="inspected_entity",
                soon=dt.timedelta(days=3),
            ),
        ),
    ),
    Register(
        "community_safety_assessment",
        CommunitySafetyAssessment,
        "jingji",
        "G12",
        list_columns=("year", "org_unit", "score", "result", "assessed_by"),
        search_columns=("year", "org_unit", "result"),
        form_columns=("year", "org_unit", "score", "items", "assessed_by", "result", "remarks"),
        order=("year", "desc"),
        anchor="community",
        labels={"org_unit": "fld_community_safety_assessment__community"},
        rules=(rules.check_assessment,),
        icon="fa-trophy",
        time_rules=(
            TimeRule(
                "TR-39",
                _l("Yearly safety assessment of each community (平安社区)"),
                rules.assessments_due,
                soon=rules.ASSESSMENT_REMINDER,
            ),
        ),
    ),
)

# 平安社区 summary: inspections, hazards and assessments per community (with an xlsx export)
permissions.add_page("safety_summary", groups=("G12",))
