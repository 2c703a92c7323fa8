"""督办预警记录 register and the 督办预警 page (every role with G15 access sees it)."""

from app.core import permissions, registry
from app.core.registry import Register

from . import engine
from .models import EscalationRecord

permissions.add_page("escalation", groups=("G15",))

registry.add(
    Register(
        "escalation_record",
        EscalationRecord,
        "common",
        "G15",
        list_columns=(
            "raised_at",
            "register_key",
            "row_id",
            "title",
            "rule_code",
            "stage",
            "due_at",
            "responsible_person",
            "resolved_at",
        ),
        search_columns=("register_key", "rule_code", "stage", "raised_at", "due_at", "responsible_person"),
        form_columns=("note", "remarks"),
        show_columns=(
            "register_key",
            "row_id",
            "title",
            "rule_code",
            "stage",
            "due_at",
            "raised_at",
            "responsible_person",
            "org_unit",
            "resolved_at",
            "note",
            "remarks",
            "created_at",
            "updated_by",
            "updated_at",
            "version",
        ),
        order=("raised_at", "desc"),
        owner=lambda p: EscalationRecord.responsible_person_id == p.user_id,
        rules=(engine.check_record,),
        icon="fa-bell-o",
    ),
)
