"""Generated views: a ScopedModelView and a ScopedModelRestApi per register.

The classes here hold what every register shares (the write path, lost-update
protection, export); build_view()/build_api() fill in a register's columns and
labels from its registry entry.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import abort, flash, g, has_request_context, redirect, request, url_for
from flask_appbuilder import ModelRestApi, ModelView, expose, has_access
from flask_appbuilder.api import safe
from flask_appbuilder.const import API_FILTERS_RIS_KEY, API_ORDER_COLUMN_RIS_KEY
from flask_appbuilder.exceptions import InvalidColumnFilterFABException, InvalidOrderByColumnFABException
from flask_appbuilder.security.decorators import protect
from flask_appbuilder.utils.base import is_safe_redirect_url
from flask_babel import gettext as _
from marshmallow import ValidationError
from marshmallow.fields import Enum
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import MANYTOMANY, MANYTOONE
from wtforms import BooleanField, HiddenField, TimeField
from wtforms import validators as wtv

from . import imports, panels, pii, search, spreadsheets, values, workflow, writes
from .enums import EnumSet
from .fields import DecimalTextField, EnumSetField, LabeledEnumField, LocalDateTimeField, TypedDecimal
from .interface import ScopedInterface, WritableOrgUnits
from .registry import SYSTEM_FIELDS, Register
from .serialise import RelatedRowConverter

LOCK_FIELD = "lock_version"

# Permission names are per register (class_permission_name = register key):
# can_read, can_write, can_delete, can_approve — the actions of permissions.Cell.
VIEW_PERMISSIONS = {
    "list": "read",
    "show": "read",
    "download": "read",
    "export_xlsx": "read",
    "import_template": "write",
    "import_xlsx": "write",
    "import_confirm": "write",
    "add": "write",
    "edit": "write",
    "delete": "delete",
    # each action's own right (do_<step> → write/approve) is checked inside FAB's action()
    "action": "read",
    "action_post": "read",
}
API_PERMISSIONS = {
    "get_list": "read",
    "get": "read",
    "info": "read",
    "post": "write",
    "put": "write",
    "delete": "delete",
    "transition": "read",  # the step's own right (write/approve) is checked inside
}


def _links_not_offered(field, item, name) -> list:
    """The rows of a many-to-many list on a stored `item` that its (scoped) drop-down does not offer:
    links to rows the editor may not read, which a save of the form would otherwise drop."""
    from flask_appbuilder.fields import QuerySelectMultipleField

    if not isinstance(field, QuerySelectMultipleField) or not sa.inspect(item).persistent:
        return []
    offered = {obj for _pk, obj in field._get_object_list()}
    return [o for o in (getattr(item, name, None) or []) if o not in offered]


class ScopedModelView(ModelView):
    """A register's pages. Scope lives in the datamodel (ScopedInterface)."""

    register: Register
    method_permission_name = VIEW_PERMISSIONS
    list_template = "jiedao/list.html"
    show_template = "jiedao/show.html"

    # FAB keeps one Filters object per view instance and fills it from each request's
    # arguments: under a threaded server two users' searches would mix. One per request, without
    # the columns the user sees masked (pii.hidden): FAB's get_filter_args then ignores their filters.
    @property
    def _filters(self):
        if not has_request_context():
            return self.__dict__["_view_filters"]
        key = f"jiedao_filters_{id(self)}"
        if key not in g:
            setattr(g, key, self.datamodel.get_filters(pii.searchable(self.datamodel.obj, self.search_columns)))
        return getattr(g, key)

    @_filters.setter
    def _filters(self, value):  # FAB's __init__ assigns it once
        self.__dict__["_view_filters"] = value

    def _get_search_widget(self, form=None, exclude_cols=None, widgets=None):
        # FAB's, offering only the columns with filters (not those the user sees masked)
        widgets = widgets or {}
        widgets["search"] = self.search_widget(
            route_base=self.route_base,
            form=form,
            exclude_cols=exclude_cols or [],
            filters=self._filters,
            include_cols=pii.searchable(self.datamodel.obj, self.search_columns),
        )
        return widgets

    # --- the write path: errors stay in the form, with the user's input ---
    def _show_refusal(self, form, refusal: writes.WriteRefused) -> None:
        shown = False
        for field, msg in refusal.errors.items():
            if field and field in form:
                form[field].errors = list(form[field].errors) + [str(msg)]
                shown = True
        if not shown or refusal.status != 422:
            flash(refusal.message, "danger")

    def _populate(self, form, item) -> None:
        # no autoflush: setting a relation loads its old value, which would flush the fields set
        # before it and bump the version, so the save was refused as stale by its own form
        with self.datamodel.session.no_autoflush:
            for name, field in form._fields.items():
                if name not in (LOCK_FIELD, "csrf_token"):
                    unseen = _links_not_offered(field, item, name)
                    field.populate_obj(item, name)
                    if unseen:  # the form could not show them, so it cannot have meant to drop them
                        getattr(item, name).extend(o for o in unseen if o not in getattr(item, name))

    def _flash_saved(self, message, warnings) -> None:
        flash(message, "success")
        for w in warnings:
            flash(w, "warning")

    def _add(self):
        form = self.add_form.refresh()
        if request.method == "POST":
            if form.validate():
                self.process_form(form, True)
                item = self.datamodel.obj()
                self._populate(form, item)
                try:
                    warnings = writes.save(self.register, item)
                except writes.WriteRefused as refusal:
                    self._show_refusal(form, refusal)
                else:
                    self.post_add(item)
                    self._flash_saved(self.add_row_message, warnings)
                    return None
        else:
            _prefill(form)
            self.update_redirect()
        return self._get_add_widget(form=form)

    def _edit(self, pk):
        item = self.datamodel.get(pk)
        if not item:
            abort(404)
        if not writes.can_modify(self.register, item):
            flash(_("You may read this record but not change it."), "warning")
            return None
        if request.method == "POST":
            form = self.edit_form.refresh(request.form)
            # the Unique validator compares with the row's typed key ("5" from the URL is not 5:
            # every edit of a row with a unique column was refused as "already exists")
            form._id = self.datamodel.get_pk_value(item)
            if form.validate():
                self.process_form(form, False)
                expected = _int_or_none(form[LOCK_FIELD].data)
                if expected is None:
                    flash(writes.stale_message(), "danger")
                    return self._get_edit_widget(form=form)
                if expected != item.version:
                    self._show_refusal(form, writes.WriteRefused(writes.stale_message(), status=409))
                    return self._get_edit_widget(form=form)
                self._populate(form, item)
                try:
                    warnings = writes.save(self.register, item, expected_version=expected)
                except writes.WriteRefused as refusal:
                    self._show_refusal(form, refusal)
                else:
                    self.post_update(item)
                    self._flash_saved(self.edit_row_message, warnings)
                    return None
        else:
            form = self.edit_form.refresh(obj=item)
            form[LOCK_FIELD].data = item.version
            self.update_redirect()
        return self._get_edit_widget(form=form)

    def _delete(self, pk):
        item = self.datamodel.get(pk)
        if not item:
            abort(404)
        try:
            writes.delete(self.register, item)
        except writes.WriteRefused as refusal:
            flash(refusal.message, "danger")
        else:
            flash(self.delete_row_message, "success")

    def _transition(self, t, item):
        if isinstance(item, list):
            item = item[0] if item else None
        if item is None:
            abort(404)
        try:
            warnings = workflow.apply(self.register, item, t)
        except writes.WriteRefused as refusal:
            flash(refusal.message, "danger")
        else:
            self._flash_saved(_("Done: %(step)s.", step=t.label), warnings)
        # a step taken from another page (我的待办) goes back there; only to a path of this site
        back = request.form.get("next", "")
        if back.startswith("/") and not back.startswith("//") and "\\" not in back and is_safe_redirect_url(back):
            return redirect(back)
        return redirect(url_for(f"{self.endpoint}.show", pk=item.id))

    def _show(self, pk):
        widgets = super()._show(pk)
        pii.log_clear_view(self.register, [int(pk)])
        return widgets

    def _get_show_widget(self, pk, item, widgets=None, actions=None, show_fieldsets=None):
        # the show page offers only the steps possible in the row's current state (FAB's own
        # method would fall back to every action when none is left)
        if actions is None:
            actions = {
                name: a
                for name, a in self.actions.items()
                if (t := workflow.find(self.register, name)) is None or getattr(item, t.field) in t.source
            }
        widgets = widgets or {}
        widgets["show"] = self.show_widget(
            pk=pk,
            label_columns=self.label_columns,
            include_columns=self.show_columns,
            value_columns=self.datamodel.get_values_item(item, self.show_columns),
            formatters_columns=self.formatters_columns,
            actions=actions,
            fieldsets=show_fieldsets or self.show_fieldsets,
            modelview_name=self.__class__.__name__,
            row_panels=panels.show_panels(self.register, item.id),  # blocks other packages add (its dues …)
        )
        return widgets

    def _get_list_widget(self, **kwargs):
        # marks other packages put on the page's rows (overdue …): one call for the page's ids
        widgets = super()._get_list_widget(**kwargs)
        widget = widgets["list"]
        widget.template_args["row_marks"] = panels.row_marks(self.register, widget.template_args.get("pks") or [])
        return widgets

    @expose("/download/<string:filename>")
    @has_access
    def download(self, filename):
        # FAB serves its UPLOAD_FOLDER here for file columns; no register has one (attachments
        # are served through their row's scope, app/common/views.py): nothing to download
        abort(404)

    @expose("/export_xlsx/")
    @has_access
    def export_xlsx(self):
        from app.jobs.views import export_as_job  # a big export runs as a job when REDIS_URL is set

        return export_as_job(self) or spreadsheets.export_response(self)

    # --- import from xlsx: template, upload → preview, confirm (app/core/imports.py) ---
    def render_template(self, template, **kwargs):
        kwargs.setdefault("jiedao_view", self)
        return super().render_template(template, **kwargs)

    def _jiedao_url(self, method: str, **kw) -> str:
        return url_for(f"{self.endpoint}.{method}", **kw)

    def can_import(self) -> bool:
        return (
            self.register.writable
            and bool(self.add_columns)
            and self.appbuilder.sm.has_access("can_write", self.class_permission_name)
        )

    @expose("/import_template/")
    @has_access
    def import_template(self):
        if not self.can_import():
            abort(404)
        return imports.template_response(self.register)

    @expose("/import_xlsx/", methods=["GET", "POST"])
    @has_access
    def import_xlsx(self):
        if not self.can_import():
            abort(404)
        from app.jobs.views import import_as_job  # a big upload is previewed in a job (REDIS_URL)

        return import_as_job(self) or imports.upload_page(self)

    @expose("/import_confirm/<token>", methods=["POST"])
    @has_access
    def import_confirm(self, token):
        if not self.can_import():
            abort(404)
        from app.jobs.views import confirm_as_job

        return confirm_as_job(self, token) or imports.confirm_page(self, token)


PREFILL = "_prefill_"


def _prefill(form) -> None:
    """An add form opened with ?_prefill_<column>=<value> starts with those values (links from
    other pages, e.g. the calendar's "record this meeting"). Values go through the field's own
    form-data parsing, so relations take ids and enums keys; nothing is saved until submitted."""
    from werkzeug.datastructures import MultiDict

    data = MultiDict([(k[len(PREFILL) :], v) for k, v in request.args.items(multi=True) if k.startswith(PREFILL)])
    for name in set(data.keys()):
        if name in form and name not in (LOCK_FIELD, "csrf_token"):
            form[name].process(data)
            form[name].errors = []


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _json_body():
    """The API request's JSON, or None when it is not JSON. Numbers remember how they were
    written (values.JsonNumber), so a decimal field can refuse 1e3 as the form does."""
    if not request.is_json:
        return None
    try:
        return json.loads(request.get_data(cache=True), parse_float=values.JsonNumber)
    except ValueError:  # also UnicodeDecodeError
        return None


def _replace_field(schema, name: str, new) -> None:
    """Swap one field of a built marshmallow schema instance."""
    new._bind_to_schema(name, schema)
    for fields in (schema.fields, schema.load_fields, schema.dump_fields, schema.declared_fields):
        if name in fields:
            fields[name] = new


def _load(schema, data, **kw):
    """schema.load(), with the errors marshmallow-sqlalchemy lets through for a related field given
    something that is not an id (a dict, a number no integer column holds) turned into a 422."""
    db_session = schema.opts.sqla_session if hasattr(schema.opts, "sqla_session") else None
    try:
        item = schema.load(data, **kw)
    except ValidationError:
        raise
    except (TypeError, ValueError, OverflowError, AttributeError, SQLAlchemyError) as e:
        if db_session is not None:
            db_session.rollback()
        raise ValidationError({"_schema": [_("A value has the wrong type or is out of range.")]}) from e
    # marshmallow-sqlalchemy's Related field makes a NEW object for an id that does not exist:
    # an id of no row is the client's mistake, not a row to create
    relations = sa.inspect(type(item)).relationships
    missing = {
        key: [_("No record with this id.")]
        for key in data
        if key in relations
        and relations[key].direction in (MANYTOONE, MANYTOMANY)
        and any(sa.inspect(other).transient or sa.inspect(other).pending for other in _linked(item, key))
    }
    if missing:
        if db_session is not None:
            db_session.rollback()
        raise ValidationError(missing)
    return item


def _linked(item, key: str) -> list:
    value = getattr(item, key, None)
    return [] if value is None else list(value) if isinstance(value, (list, set, tuple)) else [value]


class ScopedModelRestApi(ModelRestApi):
    """A register's REST API: same permissions and scope; writes go through writes.save()."""

    register: Register
    method_permission_name = API_PERMISSIONS
    allow_browser_login = True
    model2schemaconverter = RelatedRowConverter  # related rows as {id, name}; personal data masked

    def _init_model_schemas(self) -> None:
        # FAB converts an enum column to fields.Enum without allow_none, so a PUT that merges a
        # row's empty optional enum (None) into the payload fails with "Field may not be null".
        super()._init_model_schemas()
        for schema in (self.add_model_schema, self.edit_model_schema):
            for name, fld in list(getattr(schema, "fields", {}).items()):
                if isinstance(fld, Enum) and name in self.datamodel.list_columns and self.datamodel.is_nullable(name):
                    fld.allow_none = True
                column = self.datamodel.obj.__table__.c.get(name)
                if values.is_decimal(column):  # "30,000" taken, 1e3 refused, as in the form and the import
                    _replace_field(
                        schema,
                        name,
                        TypedDecimal(
                            money=values.kind_of(column) == values.MONEY,
                            required=fld.required,
                            allow_none=fld.allow_none,
                            validate=fld.validators,
                            data_key=fld.data_key,
                        ),
                    )

    # personal data in API answers is masked by the schemas (app/core/serialise.py); clear views are audited
    def pre_get(self, data):
        pii.log_clear_view(self.register, [data.get("id")])

    def pre_get_list(self, data):
        pii.log_clear_view(self.register, data.get("ids", []))

    # no sorting or filtering by a column the user sees masked: the order or the matches would tell it
    def _handle_order_args(self, rison_args):
        column = rison_args.get(API_ORDER_COLUMN_RIS_KEY, "")
        if pii.hidden_path(self.datamodel.obj, column):
            raise InvalidOrderByColumnFABException(_("You cannot sort by a masked column: %(column)s", column=column))
        return super()._handle_order_args(rison_args)

    def _handle_filters_args(self, rison_args):
        for flt in rison_args.get(API_FILTERS_RIS_KEY, []) or []:
            column = flt.get("col", "") if isinstance(flt, dict) else ""
            if isinstance(column, str) and pii.hidden_path(self.datamodel.obj, column):
                raise InvalidColumnFilterFABException(
                    _("You cannot filter by a masked column: %(column)s", column=column)
                )
        return super()._handle_filters_args(rison_args)

    def _merge_update_item(self, model_item, data):
        # FAB fills the fields a PUT leaves out from the row's dump, which masks personal data: the
        # mask would be saved over the value. Those (and a mask sent back as read) keep the stored value.
        sent = dict(data)
        merged = super()._merge_update_item(model_item, data)
        for column, kind in self.register.pii.items():
            stored = getattr(model_item, column, None)
            if column in merged and (
                column not in sent
                or (sent[column] == pii.mask(stored, kind) and not pii.sees_clear(self.register, model_item))
            ):
                merged[column] = stored
        return merged

    def _refused(self, refusal: writes.WriteRefused):
        body = {"message": refusal.message}
        if refusal.errors:
            body["errors"] = {k or "_": str(v) for k, v in refusal.errors.items()}
        return self.response(refusal.status, **body)

    def post_headless(self):
        data = _json_body()
        if data is None:
            return self.response_400(message=_("The request body is not valid JSON."))
        try:
            item = _load(self.add_model_schema, data)
        except ValidationError as err:
            return self.response_422(message=err.messages)
        try:
            writes.save(self.register, item)
        except writes.WriteRefused as refusal:
            return self._refused(refusal)
        return self.response(201, result=self.add_model_schema.dump(item, many=False), id=item.id)

    def put_headless(self, pk):
        body = _json_body()
        if body is None:
            return self.response_400(message=_("The request body is not valid JSON."))
        item = self.datamodel.get(pk)
        if not item:
            return self.response_404()
        if not writes.can_modify(self.register, item):
            return self.response(403, message=_("You may read this record but not change it."))
        if not isinstance(body, dict):
            return self.response_422(message={"_schema": [_("Send the record as a JSON object.")]})
        data = dict(body)
        expected = _int_or_none(data.pop("version", None))
        if expected is None:
            return self.response_422(
                message={"version": [_("Send the version you read, to protect against lost updates.")]}
            )
        try:
            # a PUT may carry only the fields it changes: merge the rest from the row
            with self.datamodel.session.no_autoflush:  # as in the form: no flush before the version check
                item = _load(self.edit_model_schema, self._merge_update_item(item, data), instance=item)
        except ValidationError as err:
            return self.response_422(message=err.messages)
        try:
            writes.save(self.register, item, expected_version=expected)
        except writes.WriteRefused as refusal:
            return self._refused(refusal)
        return self.response(200, result=self.edit_model_schema.dump(item, many=False), version=item.version)

    @expose("/<int:pk>/transition/<name>", methods=["POST"])
    @protect()
    @safe
    def transition(self, pk, name):
        """Take a workflow step: body {"version": <the version you read>}."""
        t = workflow.find(self.register, name)
        if t is None:
            return self.response_404()
        if not self.appbuilder.sm.has_access(f"can_{t.right}", self.class_permission_name):
            return self.response_403()
        item = self.datamodel.get(pk)
        if not item:
            return self.response_404()
        expected = _int_or_none((request.get_json(silent=True) or {}).get("version"))
        if expected is None:
            return self.response_422(
                message={"version": [_("Send the version you read, to protect against lost updates.")]}
            )
        try:
            warnings = workflow.apply(self.register, item, t, expected_version=expected)
        except writes.WriteRefused as refusal:
            return self._refused(refusal)
        return self.response(
            200,
            result=self.show_model_schema.dump(item, many=False),
            version=item.version,
            warnings=[str(w) for w in warnings],
        )

    def delete_headless(self, pk):
        item = self.datamodel.get(pk)
        if not item:
            return self.response_404()
        try:
            writes.delete(self.register, item)
        except writes.WriteRefused as refusal:
            return self._refused(refusal)
        return self.response(200, message="OK")


def _camel(key: str) -> str:
    return "".join(part.capitalize() for part in key.split("_"))


def view_class_name(reg: Register) -> str:
    """The generated view's class name, which is also its blueprint endpoint."""
    return f"{_camel(reg.key)}View"


def _default_form_columns(datamodel) -> list[str]:
    skip = set(SYSTEM_FIELDS) | {"org_unit"} | {"is_deleted"}
    return [c for c in datamodel.get_user_columns_list() if c not in skip] + ["org_unit"]


def _extra_form_fields(reg: Register, columns, search: bool = False) -> dict:
    """Form fields for column types FAB's converter lacks or mislabels: enums, EnumSet, DateTime, Time,
    Boolean, decimals typed with thousands separators or full-width digits."""
    fields = {}
    for col in columns:
        column = reg.model.__table__.c.get(col)
        if column is None:
            continue
        required = [wtv.DataRequired()] if not (column.nullable or search) else [wtv.Optional()]
        if isinstance(column.type, sa.DateTime):
            fields[col] = LocalDateTimeField(reg.label(col), validators=required)
        elif isinstance(column.type, sa.Boolean) and not search:
            # a NOT NULL flag must still be allowed to stay unticked (FAB would make it DataRequired)
            fields[col] = BooleanField(reg.label(col), validators=[wtv.Optional()])
        elif isinstance(column.type, sa.Time):
            fields[col] = TimeField(reg.label(col), validators=[wtv.Optional()], format="%H:%M")
        elif isinstance(column.type, EnumSet):
            fields[col] = EnumSetField(reg.label(col), validators=[wtv.Optional()], enum_cls=column.type.enum_cls)
        elif isinstance(column.type, sa.Enum) and column.type.enum_class is not None:
            fields[col] = LabeledEnumField(
                reg.label(col), validators=required, enum_cls=column.type.enum_class, nullable=column.nullable or search
            )
        elif values.is_decimal(column) and not search:
            # InputRequired: DataRequired would refuse an amount of 0
            needed = [wtv.InputRequired()] if not column.nullable and column.default is None else [wtv.Optional()]
            fields[col] = DecimalTextField(
                reg.label(col), validators=needed, money=values.kind_of(column) == values.MONEY
            )
    return fields


def _columns(reg: Register, datamodel):
    form = list(reg.form_columns) if reg.form_columns is not None else _default_form_columns(datamodel)
    show = (
        list(reg.show_columns)
        if reg.show_columns is not None
        else (form + ["created_by", "created_at", "updated_by", "updated_at", "version"])
    )
    if not reg.writable:
        form = []
    return form, show


def build_view(reg: Register) -> type[ScopedModelView]:
    datamodel = ScopedInterface(reg.model)
    datamodel.eager = tuple(c for c in reg.list_columns if datamodel.is_relation(c))
    datamodel.paged_view = view_class_name(reg)  # keyset pages, capped count (core/paging.py)
    datamodel.filter_converter_class = search.converter_for(tuple(reg.fulltext))
    form, show = _columns(reg, datamodel)
    all_cols = set(reg.list_columns) | set(reg.search_columns) | set(form) | set(show)
    extra = _extra_form_fields(reg, form)
    org_choice = {"org_unit": [["id", WritableOrgUnits, reg]]} if "org_unit" in form else {}
    attrs = {
        "register": reg,
        "datamodel": datamodel,
        "class_permission_name": reg.key,
        "route_base": f"/{reg.key}",
        "extra_args": {"register_key": reg.key},  # for templates (attachment panel)
        "list_title": reg.name,
        "show_title": reg.name,
        "add_title": reg.name,
        "edit_title": reg.name,
        "list_columns": list(reg.list_columns),
        "search_columns": list(reg.search_columns),
        "add_columns": form,
        "edit_columns": form + [LOCK_FIELD] if form else [],
        "show_columns": show,
        # a related column sorts by the related row's name (ScopedInterface.relation_sort_column)
        "order_columns": [
            c for c in reg.list_columns if not datamodel.is_relation(c) or datamodel.is_relation_many_to_one(c)
        ],
        "label_columns": {c: reg.label(c) for c in all_cols},
        "base_order": reg.order,
        # drop-downs in a stable order (by the related row's name): the same default on every database
        "order_rel_fields": {
            c: (datamodel.relation_sort_column(c).split(".", 1)[1], "asc")
            for c in form
            if datamodel.is_relation_many_to_one(c)
        },
        "add_form_query_rel_fields": org_choice,
        "edit_form_query_rel_fields": org_choice,
        "add_form_extra_fields": extra,
        "search_form_extra_fields": _extra_form_fields(reg, reg.search_columns, search=True),
        "edit_form_extra_fields": {**extra, LOCK_FIELD: HiddenField()},
        "base_permissions": None if reg.writable else ["can_read"],
    }
    permission_names = dict(VIEW_PERMISSIONS)
    for t in reg.transitions:
        attrs[f"do_{t.name}"] = _action_for(t)
        permission_names[f"do_{t.name}"] = t.right
    attrs["method_permission_name"] = permission_names
    bases = (reg.view_mixin, ScopedModelView) if reg.view_mixin else (ScopedModelView,)
    return type(view_class_name(reg), bases, attrs)


def _action_for(t):
    def do(self, item):
        return self._transition(t, item)

    do.__name__ = f"do_{t.name}"
    do._action = (t.name, t.label, t.confirmation, t.icon, False, True)  # what FAB's @action sets
    return do


def build_api(reg: Register) -> type[ScopedModelRestApi]:
    datamodel = ScopedInterface(reg.model)
    datamodel.filter_converter_class = search.converter_for(tuple(reg.fulltext))
    form, show = _columns(reg, datamodel)
    # EnumSet columns are edited in the form only (the API would see a bare string)
    plain_form = [c for c in form if not isinstance(getattr(reg.model.__table__.c.get(c), "type", None), EnumSet)]
    list_cols = ["id", *[c for c in reg.list_columns if not datamodel.is_relation(c)]]
    if hasattr(reg.model, "version"):
        list_cols.append("version")
    attrs = {
        "register": reg,
        "datamodel": datamodel,
        "class_permission_name": reg.key,
        "resource_name": reg.key,
        "list_columns": list_cols,
        "show_columns": [
            "id",
            *[c for c in show if not datamodel.is_relation(c) or datamodel.is_relation_many_to_one(c)],
        ],
        "add_columns": plain_form,
        "edit_columns": plain_form,
        "search_columns": [c for c in reg.search_columns],
        "order_columns": [c for c in list_cols],
        "label_columns": {c: reg.label(c) for c in set(list_cols) | set(show) | set(form)},
        "base_order": reg.order,
        "base_permissions": None if reg.writable else ["can_read"],
    }
    bases = (reg.api_mixin, ScopedModelRestApi) if reg.api_mixin else (ScopedModelRestApi,)
    return type(f"{_camel(reg.key)}Api", bases, attrs)
