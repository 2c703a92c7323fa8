"""Form helpers shared by 大执法 and 大经济 registers."""

from __future__ import annotations

import sqlalchemy as sa
from flask import request
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.fieldwidgets import Select2Widget
from wtforms import validators as wtv

from app.core import clock


def _places():
    """Communities, villages and grids of the office, in tree order.

    The org tree itself is no secret: a stationed agency recording a problem in a grid, or the safety
    third party recording an inspection in a community, must be able to name the place even though
    their data scope (own records) does not cover the org-unit register. The rows they save stay
    scoped by their owner path."""
    from app.extensions import db
    from app.org.enums import OrgUnitType
    from app.org.models import OrgUnit

    return list(
        db.session.execute(
            sa.select(OrgUnit)
            .where(
                OrgUnit.is_deleted.is_(False),
                OrgUnit.is_active.is_(True),
                OrgUnit.unit_type.in_([OrgUnitType.community, OrgUnitType.village, OrgUnitType.grid]),
            )
            .order_by(sa.func.coalesce(OrgUnit.parent_id, 0), OrgUnit.sort_order, OrgUnit.id)
        ).scalars()
    )


class PlaceChoice:
    """view_mixin: the org-unit drop-down offers every community and grid (see _places)."""

    place_required = True

    def _init_forms(self):
        label = self.label_columns.get("org_unit")
        field = QuerySelectField(
            label,
            query_func=_places,
            get_pk_func=lambda o: o.id,
            allow_blank=not self.place_required,
            validators=[wtv.DataRequired() if self.place_required else wtv.Optional()],
            widget=Select2Widget(),
        )
        self.add_form_extra_fields = {**(self.add_form_extra_fields or {}), "org_unit": field}
        self.edit_form_extra_fields = {**(self.edit_form_extra_fields or {}), "org_unit": field}
        super()._init_forms()


class OptionalPlaceChoice(PlaceChoice):
    place_required = False


class TuesdayDefaults:
    """view_mixin of joint_enforcement: the add form proposes the next Tuesday 08:00 (TR-36)."""

    def _get_add_widget(self, form, exclude_cols=None, widgets=None):
        from .rules import next_tuesday_start

        if request.method == "GET":
            start = next_tuesday_start(clock.now())
            if not form.action_date.data:
                form.action_date.data = start.date()
            if not form.start_time.data:
                form.start_time.data = start.time()
        return super()._get_add_widget(form, exclude_cols=exclude_cols, widgets=widgets)
