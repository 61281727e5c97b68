"""Tables of the record store. Every change to them is an Alembic migration."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from formapp.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class Role(enum.StrEnum):
    """The SUS permissions (behörigheter)."""

    SAMVERKANSADMIN = "samverkansadministrator"
    INSATSANSVARIG = "insatsansvarig"
    DELTAGARANSVARIG = "deltagaransvarig"
    RAPPORT = "rapport"


class Forbund(db.Model):
    """A samverkansorganisation (samordningsförbund): the tenant every record belongs to."""

    __tablename__ = "forbund"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    organisationsnummer: Mapped[str | None] = mapped_column(String(11), unique=True)
    kommun_text: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    insatser: Mapped[list[Insats]] = relationship(back_populates="forbund",
                                                  order_by="Insats.name")
    users: Mapped[list[User]] = relationship(back_populates="forbund")


class Insats(db.Model):
    """An insats the förbund finances, with the attributes SUS and the yearly reports use."""

    __tablename__ = "insats"
    __table_args__ = (
        UniqueConstraint("forbund_id", "name"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="period_order"),
        CheckConstraint("kind IN ('individinriktad', 'strukturovergripande')", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    forbund_id: Mapped[int] = mapped_column(ForeignKey("forbund.id", ondelete="RESTRICT"),
                                            index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(32))
    inriktning: Mapped[str] = mapped_column(String(64))
    finansieringsform: Mapped[str] = mapped_column(String(32))
    is_volyminsats: Mapped[bool] = mapped_column(Boolean, default=False)
    prio_langtidssjukskrivna: Mapped[bool] = mapped_column(Boolean, default=False)
    prio_unga_aktivitetsersattning: Mapped[bool] = mapped_column(Boolean, default=False)
    prio_unga_funktionsnedsattning: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)

    forbund: Mapped[Forbund] = relationship(back_populates="insatser")

    def runs_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class User(db.Model):
    """A person who logs in. ``forbund_id`` is empty only for system administrators."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    forbund_id: Mapped[int | None] = mapped_column(ForeignKey("forbund.id", ondelete="RESTRICT"),
                                                   index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_system_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # SUS: an employee of the förbund can not be deltagaransvarig.
    employed_by_forbund: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped on password change or deactivation: every older session ends.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    forbund: Mapped[Forbund | None] = relationship(back_populates="users")
    grants: Mapped[list[Grant]] = relationship(
        back_populates="user", foreign_keys="Grant.user_id",
        order_by="(Grant.role, Grant.valid_until)")

    # Flask-Login protocol: the session stores id and version, so bumping the version logs out.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class Grant(db.Model):
    """A permission (behörighet): at most two years; per insats for a deltagaransvarig."""

    __tablename__ = "permission_grant"
    __table_args__ = (
        CheckConstraint("valid_until >= valid_from", name="period_order"),
        CheckConstraint(
            "(role = 'deltagaransvarig' AND insats_id IS NOT NULL)"
            " OR (role <> 'deltagaransvarig' AND insats_id IS NULL)",
            name="insats_only_for_deltagaransvarig"),
        # One live grant per user, role and insats; revoked ones are kept as history.
        Index("uq_grant_live", "user_id", "role", "insats_id", unique=True,
              sqlite_where=text("revoked_at IS NULL AND insats_id IS NOT NULL"),
              postgresql_where=text("revoked_at IS NULL AND insats_id IS NOT NULL")),
        Index("uq_grant_live_forbund", "user_id", "role", unique=True,
              sqlite_where=text("revoked_at IS NULL AND insats_id IS NULL"),
              postgresql_where=text("revoked_at IS NULL AND insats_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"),
                                         index=True)
    role: Mapped[str] = mapped_column(String(32))
    insats_id: Mapped[int | None] = mapped_column(ForeignKey("insats.id", ondelete="RESTRICT"),
                                                  index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    granted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(back_populates="grants", foreign_keys=[user_id])
    insats: Mapped[Insats | None] = relationship()

    def is_live_on(self, day: date) -> bool:
        return self.revoked_at is None and self.valid_from <= day <= self.valid_until


class ConsentStatus(enum.StrEnum):
    ACTIVE = "active"  # signed, not yet used by a registration
    USED = "used"  # a registration with personal data rests on it
    WITHDRAWN = "withdrawn"  # the participant took it back (GDPR art. 7.3)
    SUPERSEDED = "superseded"  # replaced by a newer consent before it was used


class Person(db.Model):
    """A participant known by personnummer within one förbund (never across förbund)."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("forbund_id", "personnummer"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    forbund_id: Mapped[int] = mapped_column(ForeignKey("forbund.id", ondelete="RESTRICT"),
                                            index=True)
    personnummer: Mapped[str] = mapped_column(String(12))
    kon: Mapped[str] = mapped_column(String(8))
    birth_date: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ArchivedDocument(db.Model):
    """A sealed PDF in the archive: its SHA-256 names the file; committed with its record."""

    __tablename__ = "archived_document"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # consent, withdrawal, 9448, 9449 …
    forbund_id: Mapped[int] = mapped_column(ForeignKey("forbund.id", ondelete="RESTRICT"),
                                            index=True)
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConsentDraft(db.Model):
    """A consent being taken on the tablet: the officer's answers until the participant signs.

    Kept on the server, never in the cookie, and deleted when the consent is sealed or
    abandoned; a draft older than a day is ignored.
    """

    __tablename__ = "consent_draft"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)
    insats_id: Mapped[int] = mapped_column(ForeignKey("insats.id", ondelete="CASCADE"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    personnummer: Mapped[str] = mapped_column(String(12))
    place: Mapped[str] = mapped_column(String(100))
    locale: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    insats: Mapped[Insats] = relationship()
    officer: Mapped[User] = relationship()


class Consent(db.Model):
    """A signed FK 9443: who, for which insats, which texts, and the sealed PDF that proves it."""

    __tablename__ = "consent"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'used', 'withdrawn', 'superseded')",
                        name="status"),
        # One active consent per person and insats, enforced by the database.
        Index("uq_consent_active", "person_id", "insats_id", unique=True,
              sqlite_where=text("status = 'active'"),
              postgresql_where=text("status = 'active'")),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the document id (UUID)
    forbund_id: Mapped[int] = mapped_column(ForeignKey("forbund.id", ondelete="RESTRICT"),
                                            index=True)
    insats_id: Mapped[int] = mapped_column(ForeignKey("insats.id", ondelete="RESTRICT"),
                                           index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"),
                                           index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id",
                                                              ondelete="SET NULL"))
    locale: Mapped[str] = mapped_column(String(16))  # the language the participant read
    binding_version: Mapped[str] = mapped_column(String(64))
    binding_sha256: Mapped[str] = mapped_column(String(64))
    read_version: Mapped[str | None] = mapped_column(String(64))
    read_sha256: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))  # namnförtydligande
    place: Mapped[str] = mapped_column(String(100))
    signed_on: Mapped[date] = mapped_column(Date)
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    pdf_sha256: Mapped[str] = mapped_column(ForeignKey("archived_document.sha256",
                                                       ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(16), default=ConsentStatus.ACTIVE.value)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id",
                                                                   ondelete="SET NULL"))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    withdrawal_pdf_sha256: Mapped[str | None] = mapped_column(
        ForeignKey("archived_document.sha256", ondelete="RESTRICT"))

    person: Mapped[Person] = relationship()
    insats: Mapped[Insats] = relationship()
    officer: Mapped[User | None] = relationship(foreign_keys=[officer_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])


class ConsentTextVersion(db.Model):
    """A FK 9443 text version a förbund published itself (its own controller text or an
    official translation). The built-in versions live in forms/9443; both are immutable."""

    __tablename__ = "consent_text_version"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    forbund_id: Mapped[int] = mapped_column(ForeignKey("forbund.id", ondelete="RESTRICT"),
                                            index=True)
    locale: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)  # the TOML text, exactly as published
    sha256: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id",
                                                                   ondelete="SET NULL"))
