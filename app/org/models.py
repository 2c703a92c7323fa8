"""组织单元, 单位名录, 工作人员, 小区, and the login user (domain §2.1, §2.4)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_appbuilder.security.sqla.models import User as FabUser
from sqlalchemy.orm import relationship

from app.core.enums import EnumSet, enum_column
from app.core.mixins import USER, RegisterRow, Tracked, link_table
from app.core.values import phone_column
from app.extensions import db

from .enums import Module, OrgUnitType, Position, UnitKind

COMMUNITY_TYPES = (OrgUnitType.community, OrgUnitType.village)


class OrgUnit(Tracked, db.Model):
    """组织单元 — the tree every row and user hangs on. Its own id is its scope anchor."""

    __tablename__ = "org_unit"
    name = sa.Column(sa.String(100), nullable=False)
    unit_type = enum_column(OrgUnitType, nullable=False)
    parent_id = sa.Column(sa.Integer, sa.ForeignKey("org_unit.id"), index=True)
    parent = relationship("OrgUnit", remote_side="OrgUnit.id", foreign_keys=[parent_id])
    code = sa.Column(sa.String(50), unique=True)
    head_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"))
    head = relationship(USER, foreign_keys=[head_id])
    sort_order = sa.Column(sa.Integer, default=0)
    is_active = sa.Column(sa.Boolean, nullable=False, default=True)

    def __repr__(self) -> str:
        return self.name

    @property
    def community_id(self) -> int | None:
        if self.unit_type in COMMUNITY_TYPES:
            return self.id
        if self.unit_type == OrgUnitType.grid:
            return self.parent_id
        return None

    @classmethod
    def scope_sets(cls, user_id: int, org_unit_id: int | None) -> dict[str, set[int]]:
        """The org ids a user's community/grid scopes cover, from one query over the tree."""
        rows = db.session.execute(
            sa.select(cls.id, cls.parent_id, cls.unit_type, cls.head_id).where(cls.is_deleted.is_(False))
        ).all()
        by_id = {r.id: r for r in rows}
        street = {r.id for r in rows if r.unit_type == OrgUnitType.street}
        own = by_id.get(org_unit_id)
        community_id = None
        if own is not None:
            if own.unit_type in COMMUNITY_TYPES:
                community_id = own.id
            elif own.unit_type == OrgUnitType.grid:
                community_id = own.parent_id
        community = set()
        if community_id is not None:
            community = {community_id} | {r.id for r in rows if r.parent_id == community_id}
        grid = {r.id for r in rows if r.unit_type == OrgUnitType.grid and r.head_id == user_id}
        if own is not None and own.unit_type == OrgUnitType.grid:
            grid.add(own.id)
        return {"street": street, "community": community, "grid": grid}


class AppUser(FabUser):
    """The login user, with the org unit that decides community/grid scope."""

    __tablename__ = "ab_user"
    __table_args__ = {"extend_existing": True}
    # ab_user ↔ org_unit refer to each other: this side is added after both tables exist
    org_unit_id = sa.Column(
        sa.Integer, sa.ForeignKey("org_unit.id", use_alter=True, name="fk_ab_user_org_unit_id"), index=True
    )
    org_unit = relationship(OrgUnit, foreign_keys=[org_unit_id])
    # access (app/access): a first password set by someone else must be changed at first login;
    # the epoch is in every session and bumped to end them all; the TOTP secret enrols 2FA
    must_change_password = sa.Column(sa.Boolean, nullable=False, default=False, server_default=sa.false())
    session_epoch = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")
    totp_secret = sa.Column(sa.String(64))
    totp_last_step = sa.Column(sa.BigInteger)

    def get_id(self) -> str:
        # Flask-Login keeps this in the session and the remember cookie: "<id>.<epoch>", so
        # bumping session_epoch logs out every session of the user (app.access.sessions)
        return f"{self.id}.{self.session_epoch or 0}"

    def __repr__(self) -> str:
        name = f"{self.last_name or ''}{self.first_name or ''}"
        return name or self.username


class Unit(RegisterRow, db.Model):
    """单位名录 — offices, stationed agencies, task forces, third parties, upper departments."""

    __tablename__ = "unit"
    name = sa.Column(sa.String(100), nullable=False)
    unit_kind = enum_column(UnitKind, nullable=False)
    contact_person = sa.Column(sa.String(50))
    contact_phone = phone_column()
    is_active = sa.Column(sa.Boolean, nullable=False, default=True)

    def __repr__(self) -> str:
        return self.name


class StaffProfile(RegisterRow, db.Model):
    """工作人员 — extends the login user: post, unit, modules led or headed."""

    __tablename__ = "staff_profile"
    user_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False, unique=True)
    user = relationship(USER, foreign_keys=[user_id])
    full_name = sa.Column(sa.String(50), nullable=False)
    position = enum_column(Position, nullable=False)
    unit_id = sa.Column(sa.Integer, sa.ForeignKey("unit.id"))
    unit = relationship(Unit, foreign_keys=[unit_id])
    lead_modules = sa.Column(EnumSet(Module), nullable=False, default=list)
    head_modules = sa.Column(EnumSet(Module), nullable=False, default=list)
    phone = phone_column()
    is_active = sa.Column(sa.Boolean, nullable=False, default=True)

    def __repr__(self) -> str:
        return self.full_name

    @classmethod
    def for_user(cls, user_id: int) -> StaffProfile | None:
        return db.session.execute(
            sa.select(cls).where(cls.user_id == user_id, cls.is_deleted.is_(False))
        ).scalar_one_or_none()


compound_grid = link_table(
    "residential_compound_grid", compound_id="residential_compound.id", org_unit_id="org_unit.id"
)


class ResidentialCompound(RegisterRow, db.Model):
    """小区 — a compound of a community (org_unit is its 所属社区); may span grids."""

    __tablename__ = "residential_compound"
    name = sa.Column(sa.String(100), nullable=False)
    grids = relationship(OrgUnit, secondary=compound_grid)
    address = sa.Column(sa.String(200))
    is_old = sa.Column(sa.Boolean, default=False)
    property_company_id = sa.Column(sa.Integer, sa.ForeignKey("unit.id"))
    property_company = relationship(Unit, foreign_keys=[property_company_id])
    has_owners_committee = sa.Column(sa.Boolean, default=False)
    household_count = sa.Column(sa.Integer)

    def __repr__(self) -> str:
        return self.name
