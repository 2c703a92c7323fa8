"""Registers of 大执法 (domain §6). One line each: the rest is generated."""

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core import registry
from app.core.registry import Register
from app.core.timerules import TimeRule
from app.core.workflow import Transition

from . import forms, rules
from .enums import JointStatus as JS
from .enums import MajorActionStatus as MAS
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


def _own_unit(column):
    """Owner path §9.3: the row's unit is the user's staff_profile.unit."""
    return lambda p: column == p.unit_id if p.unit_id else sa.false()


def _nobody(_p):
    """No "own records" on this register: a stationed unit reads it but does not write it."""
    return sa.false()


registry.add(
    Register(
        "enforcement_plan",
        EnforcementPlan,
        "zhifa",
        "G11",
        list_columns=("title", "period_start", "period_end", "lead", "status"),
        search_columns=("title", "status", "period_start", "lead"),
        form_columns=("title", "matter", "period_start", "period_end", "lead", "units", "meeting", "status", "remarks"),
        order=("period_start", "desc"),
        owner=_nobody,
        rules=(rules.check_enforcement_plan,),
        icon="fa-list-alt",
    ),
    Register(
        "unit_monthly_report",
        UnitMonthlyReport,
        "zhifa",
        "G11",
        list_columns=("month", "unit", "submitted_by", "submitted_at"),
        search_columns=("month", "unit", "summary"),
        form_columns=("month", "unit", "summary", "problems", "remarks"),
        order=("month", "desc"),
        owner=_own_unit(UnitMonthlyReport.unit_id),
        rules=(rules.check_unit_monthly_report,),
        icon="fa-file-text-o",
        time_rules=(TimeRule("TR-33", _l("Monthly summary of each unit"), rules.missing_monthly_reports),),
    ),
    Register(
        "enforcement_issue",
        EnforcementIssue,
        "zhifa",
        "G11",
        list_columns=("found_on", "unit", "category", "is_difficult", "is_common", "status"),
        search_columns=("found_on", "unit", "category", "is_difficult", "is_common", "status", "description"),
        form_columns=(
            "found_on",
            "meeting",
            "unit",
            "description",
            "category",
            "is_difficult",
            "is_common",
            "status",
            "resolution",
            "remarks",
        ),
        order=("found_on", "desc"),
        owner=_own_unit(EnforcementIssue.unit_id),
        rules=(rules.check_enforcement_issue,),
        icon="fa-exclamation-circle",
        time_rules=(
            TimeRule("TR-32", _l("Weekly enforcement huddle"), rules.weeks_without_huddle, watch=("meeting",)),
        ),
    ),
    Register(
        "analysis_report",
        AnalysisReport,
        "zhifa",
        "G11",
        list_columns=("period_label", "kind", "meeting", "submitted_to", "submitted_at"),
        search_columns=("period_label", "kind", "submitted_at"),
        form_columns=(
            "kind",
            "period_label",
            "meeting",
            "livelihood_issues",
            "management_status",
            "key_difficulties",
            "good_practices",
            "suggestions",
            "submitted_to",
            "submitted_at",
            "remarks",
        ),
        order=("id", "desc"),
        owner=_nobody,
        rules=(rules.check_analysis_report,),
        icon="fa-line-chart",
        time_rules=(
            TimeRule(
                "TR-34",
                _l("Quarterly analysis reported upward"),
                rules.quarterly_reports_due,
                watch=("meeting",),
                daily=True,
            ),
        ),
    ),
    Register(
        "volunteer_team",
        VolunteerTeam,
        "zhifa",
        "G11",
        list_columns=("name", "org_unit", "leader_name", "member_count", "service"),
        search_columns=("name", "org_unit", "leader_name"),
        form_columns=("name", "org_unit", "leader_name", "member_count", "service", "remarks"),
        order=("id", "asc"),
        anchor="community",
        owner=_nobody,
        labels={"org_unit": "fld_volunteer_team__community"},
        icon="fa-hand-paper-o",
    ),
    Register(
        "joint_enforcement",
        JointEnforcement,
        "zhifa",
        "G11",
        list_columns=("action_date", "start_time", "lead_leader", "focus", "participant_count", "status"),
        search_columns=("action_date", "status", "lead_leader", "areas"),
        form_columns=(
            "action_date",
            "start_time",
            "lead_leader",
            "stationed_units",
            "volunteer_teams",
            "areas",
            "focus",
            "participant_count",
            "summary",
            "cancel_reason",
            "remarks",
        ),
        order=("action_date", "desc"),
        owner=_nobody,
        rules=(rules.check_joint_enforcement,),
        view_mixin=forms.TuesdayDefaults,
        icon="fa-shield",
        transitions=(
            Transition("record_done", _l("Record as done"), (JS.planned,), JS.done, guard=rules.joint_done_guard),
            Transition(
                "cancel_action",
                _l("Cancel the action"),
                (JS.planned,),
                JS.cancelled,
                guard=rules.joint_cancel_guard,
                icon="fa-ban",
                confirmation=_l("Cancel this joint enforcement? Enter the reason first."),
            ),
        ),
        time_rules=(TimeRule("TR-36", _l("Joint enforcement every Tuesday 08:00"), rules.open_tuesdays),),
    ),
    Register(
        "enforcement_record",
        EnforcementRecord,
        "zhifa",
        "G11",
        list_columns=("found_at", "location", "org_unit", "category", "handling", "handled_by", "rectified"),
        search_columns=("found_at", "location", "category", "handling", "handled_by", "rectified", "org_unit"),
        form_columns=(
            "action",
            "found_at",
            "location",
            "org_unit",
            "category",
            "party",
            "handling",
            "handled_by",
            "rectified",
            "rectified_at",
            "remarks",
        ),
        order=("found_at", "desc"),
        anchor="grid",
        owner=_own_unit(EnforcementRecord.handled_by_id),
        labels={"org_unit": "fld_enforcement_record__grid"},
        view_mixin=forms.OptionalPlaceChoice,
        rules=(rules.check_enforcement_record,),
        icon="fa-gavel",
    ),
    Register(
        "major_action",
        MajorAction,
        "zhifa",
        "G11",
        list_columns=("name", "level", "kind", "action_start", "deploy_due", "lead", "plan_level", "status"),
        search_columns=("name", "level", "kind", "plan_level", "status", "action_start"),
        form_columns=(
            "name",
            "level",
            "kind",
            "doc_ref",
            "action_start",
            "deploy_mode",
            "deploy_due",
            "lead",
            "plan_level",
            "units",
            "result",
            "remarks",
        ),
        order=("action_start", "desc"),
        owner=_nobody,
        rules=(rules.check_major_action,),
        icon="fa-bolt",
        transitions=(
            Transition(
                "deploy",
                _l("Deploy"),
                (MAS.planned,),
                MAS.deployed,
                guard=rules.action_guard,
                effect=rules.mark_deployed,
            ),
            Transition(
                "start_action",
                _l("Start the action"),
                (MAS.deployed,),
                MAS.in_action,
                guard=rules.action_guard,
                icon="fa-play",
            ),
            Transition(
                "finish_action",
                _l("Close the action"),
                (MAS.in_action,),
                MAS.done,
                guard=rules.action_guard,
                icon="fa-flag-checkered",
            ),
        ),
        time_rules=(
            TimeRule(
                "TR-37",
                _l("Major action deployed in time"),
                deadline="deploy_due",  # given (提前部署) or set by rules.check_major_action (立即部署)
                open=lambda m: m.status == MAS.planned,
                owner="lead_id",
                title="name",
                soon=dt.timedelta(days=3),
            ),
        ),
    ),
)
