"""Registers of 大党建. One line each: the rest is generated."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core import permissions, registry
from app.core.registry import Register
from app.core.timerules import TimeRule
from app.core.workflow import Transition

from . import rules
from .enums import ProjectStatus as PS
from .models import (AllianceMember, AllianceRecord, FundExpenditure, MonthlyCheck, PartyProject,
                     PartyProjectMilestone, PartyProjectProgress, PartyProjectReview, PropertyIssue,
                     PropertyServiceSelection, RedPropertyAlliance, ServiceFund, ServiceGroup, ServiceListItem,
                     ServiceTeam, ThemeActivity, TuesdayAttendance, TuesdayTheme, Volunteer)

M = "dangjian"
REVIEW_STATES = (PS.declared, PS.round1_passed, PS.round2_passed)


class ProjectShowMixin:
    """The project's show page carries an opinion box that goes with the review buttons."""
    show_template = "dangjian/project_show.html"


# --- owner paths of "own records" (domain §9.3): the volunteer's login, or the team's 团长
def _volunteer_is_mine(uid):
    return sa.or_(Volunteer.user_id == uid, Volunteer.team.has(ServiceTeam.team_leader_id == uid))


def _team_is_mine(uid):
    return sa.or_(ServiceTeam.team_leader_id == uid, ServiceTeam.volunteers.any(Volunteer.user_id == uid))


PROJECT_STEPS = (
    Transition("declare", _l("Declare"), (PS.draft,), PS.declared, right="approve",
               guard=rules.guard_declare, effect=rules.effect_declare, icon="fa-paper-plane"),
    Transition("review_round1", _l("Round 1 passed (组织委员)"), (PS.declared,), PS.round1_passed,
               guard=rules.guard_round(rules.ReviewRound.round1), effect=rules.effect_pass),
    Transition("review_round2", _l("Round 2 passed (党工委 feasibility)"), (PS.round1_passed,), PS.round2_passed,
               guard=rules.guard_round(rules.ReviewRound.round2), effect=rules.effect_pass),
    Transition("review_round3", _l("Round 3 passed: project approved (书记 and 班子)"), (PS.round2_passed,),
               PS.approved, guard=rules.guard_round(rules.ReviewRound.round3), effect=rules.effect_pass),
    Transition("return", _l("Return for revision"), REVIEW_STATES, PS.returned,
               guard=rules.guard_return_or_reject, effect=rules.effect_return, icon="fa-undo"),
    Transition("reject", _l("Reject"), REVIEW_STATES, PS.rejected, guard=rules.guard_return_or_reject,
               effect=rules.effect_reject, icon="fa-ban", confirmation=_l("Reject this project?")),
    Transition("resubmit", _l("Resubmit"), (PS.returned,), PS.declared, guard=rules.guard_step,
               icon="fa-repeat"),
    Transition("start", _l("Start implementation"), (PS.approved,), PS.in_progress, guard=rules.guard_step,
               effect=rules.effect_start, icon="fa-play"),
    Transition("complete", _l("Complete"), (PS.in_progress,), PS.completed, guard=rules.guard_complete,
               effect=rules.effect_complete, icon="fa-flag-checkered"),
)

registry.add(
    # ---- G3 党建项目与经费
    Register("party_project", PartyProject, M, "G3",
             list_columns=("year", "org_unit", "title", "secretary", "liaison_leader", "budget", "status",
                           "declared_at"),
             search_columns=("year", "org_unit", "title", "status", "secretary"),
             form_columns=("year", "org_unit", "secretary", "liaison_leader", "title", "goal", "content",
                           "responsible_person", "start_date", "end_date", "budget", "late_reason", "outcome",
                           "remarks"),
             show_columns=("year", "org_unit", "title", "status", "secretary", "liaison_leader", "goal", "content",
                           "responsible_person", "start_date", "end_date", "budget", "declared_at", "late_reason",
                           "approved_at", "completed_at", "outcome", "remarks", "created_by", "created_at",
                           "updated_by", "updated_at", "version"),
             order=("year", "desc"), anchor="community", labels={"org_unit": "fld_party_project__community"},
             rules=(rules.check_party_project,), transitions=PROJECT_STEPS, view_mixin=ProjectShowMixin,
             time_rules=(TimeRule("TR-05", _l("Two projects per community declared by 31 January"),
                                  rules.communities_short_of_projects),),
             icon="fa-flag"),
    Register("party_project_milestone", PartyProjectMilestone, M, "G3",
             list_columns=("project", "name", "due_date", "done_date", "status"),
             search_columns=("project", "name", "status", "due_date"),
             form_columns=("project", "name", "due_date", "done_date", "status", "remarks"),
             order=("due_date", "asc"), anchor="community", rules=(rules.check_milestone,), icon="fa-map-signs",
             time_rules=(TimeRule("PM", _l("Project milestone due"), rules.overdue_milestones),)),
    Register("party_project_review", PartyProjectReview, M, "G3",
             list_columns=("project", "round", "result", "convener", "reviewed_at", "opinion"),
             search_columns=("project", "round", "result", "reviewed_at"),
             form_columns=("meeting", "opinion", "remarks"),
             show_columns=("project", "round", "result", "convener", "reviewed_at", "opinion", "meeting",
                           "org_unit", "remarks", "created_by", "created_at"),
             order=("reviewed_at", "desc"), anchor="community", rules=(rules.check_review,), icon="fa-gavel"),
    Register("party_project_progress", PartyProjectProgress, M, "G3",
             list_columns=("project", "report_date", "percent_complete", "progress", "recorded_by"),
             search_columns=("project", "report_date"),
             form_columns=("project", "report_date", "progress", "percent_complete", "problems", "next_steps",
                           "liaison_opinion", "remarks"),
             order=("report_date", "desc"), anchor="community", rules=(rules.check_progress,), icon="fa-line-chart"),
    Register("service_fund", ServiceFund, M, "G3",
             list_columns=("year", "org_unit", "allocated_amount", "committed_amount", "spent_amount", "balance"),
             search_columns=("year", "org_unit"),
             form_columns=("org_unit", "year", "allocated_amount", "allocated_on", "remarks"),
             show_columns=("org_unit", "year", "allocated_amount", "allocated_on", "committed_amount",
                           "spent_amount", "balance", "remarks", "created_by", "created_at", "updated_by",
                           "updated_at", "version"),
             order=("year", "desc"), anchor="community", labels={"org_unit": "fld_service_fund__community"},
             rules=(rules.check_service_fund,), icon="fa-jpy"),
    Register("fund_expenditure", FundExpenditure, M, "G3",
             list_columns=("fund", "entry_type", "spent_on", "amount", "purpose", "party_project", "voucher_no",
                           "created_by"),
             search_columns=("fund", "entry_type", "spent_on", "purpose", "voucher_no", "org_unit"),
             form_columns=("fund", "entry_type", "spent_on", "amount", "purpose", "party_project", "description",
                           "voucher_no", "payee", "reversal_of", "remarks"),
             show_columns=("fund", "entry_type", "spent_on", "amount", "purpose", "party_project", "description",
                           "voucher_no", "payee", "reversal_of", "org_unit", "remarks", "created_by", "created_at",
                           "updated_by", "updated_at", "version"),
             order=("spent_on", "desc"), anchor="community", rules=(rules.check_fund_expenditure,),
             labels={"created_by": "fld_fund_expenditure__entered_by"}, icon="fa-money"),
    # ---- G4 红色物业联盟
    Register("red_property_alliance", RedPropertyAlliance, M, "G4",
             list_columns=("name", "compound", "org_unit", "lead_person", "established_on", "status"),
             search_columns=("name", "compound", "status", "org_unit"),
             form_columns=("compound", "name", "established_on", "lead_person", "status", "remarks"),
             anchor="community", rules=(rules.check_alliance,), icon="fa-handshake-o"),
    Register("alliance_member", AllianceMember, M, "G4",
             list_columns=("alliance", "member_type", "name", "contact_person", "contact_phone", "joined_on"),
             search_columns=("alliance", "member_type", "name"),
             form_columns=("alliance", "member_type", "name", "contact_person", "contact_phone", "joined_on",
                           "remarks"),
             anchor="community", rules=(rules.check_alliance_member,), icon="fa-users"),
    Register("alliance_record", AllianceRecord, M, "G4",
             list_columns=("record_date", "alliance", "dimension", "kind", "title", "promoted"),
             search_columns=("alliance", "dimension", "kind", "title", "record_date", "promoted"),
             form_columns=("alliance", "org_unit", "dimension", "kind", "title", "content", "record_date",
                           "promoted", "remarks"),
             order=("record_date", "desc"), anchor="community", rules=(rules.check_alliance_record,),
             icon="fa-book"),
    Register("property_issue", PropertyIssue, M, "G4",
             list_columns=("raised_on", "compound", "alliance", "description", "handled_by", "status"),
             search_columns=("compound", "alliance", "status", "raised_on", "description"),
             form_columns=("compound", "alliance", "description", "raised_by", "raised_on", "handled_by", "result",
                           "status", "remarks"),
             order=("raised_on", "desc"), anchor="community", rules=(rules.check_property_issue,),
             icon="fa-wrench"),
    Register("property_service_selection", PropertyServiceSelection, M, "G4",
             list_columns=("compound", "property_company", "selection_method", "contract_start", "contract_end"),
             search_columns=("compound", "property_company", "selection_method"),
             form_columns=("compound", "property_company", "selection_method", "contract_start", "contract_end",
                           "evaluation", "remarks"),
             anchor="community", rules=(rules.check_selection,), icon="fa-gavel"),
    # ---- G5 组团联社与“四个一”
    Register("service_team", ServiceTeam, M, "G5",
             list_columns=("name", "org_unit", "team_leader", "is_active"),
             search_columns=("name", "org_unit", "is_active"),
             form_columns=("name", "org_unit", "team_leader", "is_active", "remarks"),
             anchor="community", labels={"org_unit": "fld_service_team__community"},
             owner=lambda p: _team_is_mine(p.user_id), rules=(rules.check_service_team,), icon="fa-flag-o"),
    Register("service_group", ServiceGroup, M, "G5",
             list_columns=("name", "team", "org_unit", "group_leader", "base_location"),
             search_columns=("name", "team", "org_unit"),
             form_columns=("team", "org_unit", "name", "group_leader", "base_location", "remarks"),
             anchor="grid", labels={"org_unit": "fld_service_group__grid"},
             owner=lambda p: ServiceGroup.team.has(_team_is_mine(p.user_id)),
             rules=(rules.check_service_group,), icon="fa-th"),
    Register("volunteer", Volunteer, M, "G5",
             list_columns=("full_name", "volunteer_type", "team", "group", "phone", "joined_on", "status"),
             search_columns=("full_name", "volunteer_type", "team", "group", "status", "skills"),
             form_columns=("full_name", "user", "volunteer_type", "team", "group", "work_unit", "phone", "skills",
                           "joined_on", "status", "remarks"),
             show_columns=("full_name", "user", "volunteer_type", "team", "group", "org_unit", "work_unit", "phone",
                           "skills", "joined_on", "status", "remarks", "created_by", "created_at", "updated_by",
                           "updated_at", "version"),
             anchor="grid", owner=lambda p: _volunteer_is_mine(p.user_id),
             pii={"phone": "phone"}, pii_roles=("admin", "team_leader"),
             rules=(rules.check_volunteer,), icon="fa-user"),
    Register("service_list_item", ServiceListItem, M, "G5",
             list_columns=("month", "group", "volunteer", "action_kind", "content", "planned_date", "status"),
             search_columns=("month", "group", "volunteer", "action_kind", "status", "content"),
             fulltext=("content",),
             form_columns=("group", "volunteer", "month", "content", "action_kind", "monthly_key_task",
                           "planned_date", "status", "progress", "effect", "remarks"),
             order=("month", "desc"), anchor="grid",
             owner=lambda p: sa.or_(ServiceListItem.volunteer.has(_volunteer_is_mine(p.user_id)),
                                    ServiceListItem.group.has(ServiceGroup.team.has(
                                        ServiceTeam.team_leader_id == p.user_id))),
             rules=(rules.check_service_list_item,), icon="fa-list-ol"),
    Register("tuesday_attendance", TuesdayAttendance, M, "G5",
             list_columns=("activity_date", "volunteer", "attended", "absence_reason", "tuesday_theme"),
             search_columns=("activity_date", "volunteer", "attended"),
             form_columns=("activity_date", "volunteer", "tuesday_theme", "attended", "absence_reason", "remarks"),
             order=("activity_date", "desc"), anchor="grid",
             owner=lambda p: TuesdayAttendance.volunteer.has(_volunteer_is_mine(p.user_id)),
             rules=(rules.check_tuesday_attendance,), icon="fa-check-square-o"),
    Register("monthly_check", MonthlyCheck, M, "G5",
             list_columns=("month", "volunteer", "tuesdays_attended", "tuesdays_total", "attended_every_tuesday",
                           "executed_list", "list_updated", "checker", "checked_at"),
             search_columns=("month", "volunteer", "checked_at"),
             form_columns=("month", "volunteer", "attended_every_tuesday", "executed_list", "list_updated",
                           "progress_note", "effect_note", "remarks"),
             show_columns=("month", "volunteer", "org_unit", "tuesdays_total", "tuesdays_attended",
                           "attended_every_tuesday", "executed_list", "list_updated", "progress_note", "effect_note",
                           "checker", "checked_at", "remarks", "created_at", "updated_by", "updated_at", "version"),
             order=("month", "desc"), anchor="grid",
             owner=lambda p: MonthlyCheck.volunteer.has(_volunteer_is_mine(p.user_id)),
             rules=(rules.check_monthly_check,), icon="fa-calendar-check-o",
             time_rules=(TimeRule("TR-13", _l("Monthly check by the team leader"), rules.unchecked_months),)),
    Register("theme_activity", ThemeActivity, M, "G5",
             list_columns=("activity_date", "level", "title", "prescribed_actions"),
             search_columns=("activity_date", "level", "title"),
             form_columns=("level", "activity_date", "title", "prescribed_actions", "org_unit", "remarks"),
             order=("activity_date", "desc"), reference=True, rules=(rules.check_theme_activity,),
             icon="fa-bullhorn"),
    Register("tuesday_theme", TuesdayTheme, M, "G5",
             list_columns=("activity_date", "org_unit", "theme", "theme_activity", "status", "set_at"),
             search_columns=("activity_date", "org_unit", "status", "theme"),
             form_columns=("activity_date", "org_unit", "team", "theme_activity", "theme", "prescribed_actions",
                           "optional_actions", "status", "summary", "remarks"),
             order=("activity_date", "desc"), anchor="community", labels={"org_unit": "fld_tuesday_theme__community"},
             owner=lambda p: TuesdayTheme.team.has(ServiceTeam.team_leader_id == p.user_id),
             rules=(rules.check_tuesday_theme,), icon="fa-sun-o",
             time_rules=(TimeRule("TR-14", _l("Tuesday theme set by Monday 23:59"), rules.themes_not_set),)),
)

# custom pages: the project board with the reviewers' inboxes, the fund balance
permissions.add_page("dangjian_projects", groups=("G3",))
permissions.add_page("dangjian_fund", groups=("G3",))
