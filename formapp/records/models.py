"""Tables of the record store. Every change to them is an Alembic migration."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Connection,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from formapp.documents.archive_blob_ddl import archive_blob_ddl, archive_tail_ddl
from formapp.domain.personnummer import Personnummer
from formapp.extensions import Model
from formapp.protection.columns import EncryptedJSON, EncryptedText
from formapp.protection.lookup import personnummer_hash
from formapp.records.consent_gate import gate_ddl


def utcnow() -> datetime:
    return datetime.now(UTC)


class Role(enum.StrEnum):
    """The SUS permissions (behörigheter)."""

    SAMVERKANSADMIN = "samverkansadministrator"
    INSATSANSVARIG = "insatsansvarig"
    DELTAGARANSVARIG = "deltagaransvarig"
    RAPPORT = "rapport"


class Forbund(Model):
    """A samverkansorganisation (samordningsförbund): the tenant every record belongs to."""

    __tablename__ = "forbund"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    organisationsnummer: Mapped[str | None] = mapped_column(String(11), unique=True)
    kommun_text: Mapped[str] = mapped_column(Text, default="")
    # As personuppgiftsansvarig: filled into formapp's consent text (issue 18).
    postadress: Mapped[str] = mapped_column(Text, default="", server_default="")
    kontakt_epost: Mapped[str] = mapped_column(String(254), default="", server_default="")
    kontakt_telefon: Mapped[str] = mapped_column(String(40), default="", server_default="")
    dataskyddsombud: Mapped[str] = mapped_column(String(254), default="", server_default="")
    # Which consent text new consents use: "formapp-samtycke", "fk-9443" or "egen" (its own).
    consent_text: Mapped[str] = mapped_column(String(32), default="formapp-samtycke",
                                              server_default="formapp-samtycke")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # Participants answer a few questions about the text before signing (issue 19).
    understanding_questions: Mapped[bool] = mapped_column(Boolean, default=False,
                                                          server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    insatser: Mapped[list[Insats]] = relationship(back_populates="forbund",
                                                  order_by="Insats.name")
    users: Mapped[list[User]] = relationship(back_populates="forbund")


class Insats(Model):
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


class User(Model):
    """A person who logs in. ``forbund_id`` is empty only for system administrators."""

    __tablename__ = "app_user"
    # One formapp user per subject of an identity provider.
    __table_args__ = (Index("ix_app_user_idp", "idp_provider", "idp_subject", unique=True),)

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
    # How the last login was made (formapp.records.sign_in: password, totp, recovery, idp,
    # idp_mfa).
    last_login_method: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Linked by a samverkansadministratör to a subject of an identity provider (its key in
    # FORMAPP_OIDC_PROVIDERS and the value of its identifying claim): then the user signs in
    # there and never with the password.
    idp_provider: Mapped[str | None] = mapped_column(String(40))
    idp_subject: Mapped[str | None] = mapped_column(String(255))
    # TOTP (RFC 6238): the shared secret (encrypted), when it was confirmed (None: enrolment
    # begun, not finished) and the last time step used (a code counts once).
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText("app_user.totp_secret"))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # A short PIN for taking the tablet back after a hand-over (Argon2id), instead of the
    # password; an identity-provider user has no formapp password to type.
    handback_pin_hash: Mapped[str | None] = mapped_column(String(255))

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


class Grant(Model):
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


class ConsentKind(enum.StrEnum):
    """Where a consent's proof comes from."""

    SIGNED = "signed"  # signed in formapp: the sealed FK 9443 formapp wrote
    PAPER = "paper"  # a scanned signed paper FK 9443, sealed as-is, attested by the officer
    UNPROVEN = "unproven"  # made up by an Excel import before issue 17: no proof at all
    SYNTHETIC = "synthetic"  # bulk rows of the bench: no person, no proof


class ConsentStatus(enum.StrEnum):
    ACTIVE = "active"  # signed, not yet used by a registration
    USED = "used"  # a registration with personal data rests on it
    WITHDRAWN = "withdrawn"  # the participant took it back (GDPR art. 7.3)
    SUPERSEDED = "superseded"  # replaced by a newer consent before it was used


class Person(Model):
    """A participant known by personnummer within one förbund (never across förbund).

    Personnummer and name are encrypted; the person is found, and kept unique per förbund,
    through ``personnummer_hmac``, a keyed hash set whenever the personnummer is.
    """

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("forbund_id", "personnummer_hmac"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    forbund_id: Mapped[int] = mapped_column(ForeignKey("forbund.id", ondelete="RESTRICT"),
                                            index=True)
    personnummer: Mapped[str] = mapped_column(EncryptedText("person.personnummer"))
    personnummer_hmac: Mapped[str] = mapped_column(String(64))
    kon: Mapped[str] = mapped_column(String(8))
    # None for a samordningsnummer whose month or day is 00 (not fully known).
    birth_date: Mapped[date | None] = mapped_column(Date)
    name: Mapped[str] = mapped_column(EncryptedText("person.name"), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @validates("personnummer")
    def _hash_personnummer(self, _: str, digits: str) -> str:
        self.personnummer_hmac = personnummer_hash(digits)
        return digits

    @property
    def pnr(self) -> Personnummer:
        """The personnummer as a value (``.formatted`` is how pages and PDFs write it)."""
        return Personnummer.from_digits(self.personnummer)


class ArchivedDocument(Model):
    """A sealed PDF in the archive: its SHA-256 names the file; committed with its record."""

    __tablename__ = "archived_document"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # consent, withdrawal, 9448, 9449 …
    forbund_id: Mapped[int] = mapped_column(ForeignKey("forbund.id", ondelete="RESTRICT"),
                                            index=True)
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Long-term proof appended (``cases.renewal``): the whole document's hash and size now.
    # ``sha256`` and ``size`` stay those of the sealed first revision, the binding.
    renewed_sha256: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    renewed_size: Mapped[int | None] = mapped_column(Integer)
    renewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ArchiveBlob(Model):
    """A sealed PDF kept in the database (``FORMAPP_ARCHIVE_BACKEND=database``), which every app
    node reaches; write-once by trigger (``documents.archive_blob_ddl``). ``envelope`` is the
    header of its encryption (``documents.envelope``), NULL when ``body`` is the plain PDF.
    A backup copies these as files, like the local archive's, not as table rows."""

    __tablename__ = "archive_blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    envelope: Mapped[str | None] = mapped_column(Text)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


@event.listens_for(ArchiveBlob.__table__, "after_create")
def _archive_blob_write_once(target: object, connection: Connection, **_: object) -> None:
    for statement in archive_blob_ddl(connection.dialect.name):
        connection.exec_driver_sql(statement)


class ArchiveTail(Model):
    """A renewal of an ``ArchiveBlob``'s document (long-term proof, ``cases.renewal``): the
    bytes appended to it, ``n`` counting from 1 in the order they follow the sealed PDF.
    Write-once like the document (``documents.archive_blob_ddl``), encrypted at rest like it
    (``envelope`` NULL when ``body`` is plain); a backup copies these as
    ``<sha256>.<n>.tail`` files, like the local archive's."""

    __tablename__ = "archive_tail"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    envelope: Mapped[str | None] = mapped_column(Text)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


@event.listens_for(ArchiveTail.__table__, "after_create")
def _archive_tail_write_once(target: object, connection: Connection, **_: object) -> None:
    for statement in archive_tail_ddl(connection.dialect.name):
        connection.exec_driver_sql(statement)


class ConsentDraft(Model):
    """A consent being taken on the tablet: the officer's answers until the participant signs.

    Kept on the server, never in the cookie, and deleted when the consent is sealed or
    abandoned; a draft older than a day is ignored.
    """

    __tablename__ = "consent_draft"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)
    insats_id: Mapped[int] = mapped_column(ForeignKey("insats.id", ondelete="CASCADE"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    personnummer: Mapped[str] = mapped_column(EncryptedText("consent_draft.personnummer"))
    place: Mapped[str] = mapped_column(String(100))
    locale: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set when the tablet locks (idle or "ge tillbaka"): no participant page of this draft
    # answers again until the officer has unlocked it with their password.
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # What the participant had written when the tablet locked (language, name, signature
    # strokes), given back to the same hand-over once the officer has unlocked it.
    progress: Mapped[dict | None] = mapped_column(EncryptedJSON("consent_draft.progress"))
    # The understanding questions answered so far (issue 19): sealed with the consent.
    understanding: Mapped[dict | None] = mapped_column(EncryptedJSON("consent_draft.understanding"))
    # "Tolk läser": an interpreter reads aloud, so the idle lock waits longer; sealed too.
    interpreter: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))

    insats: Mapped[Insats] = relationship()
    officer: Mapped[User] = relationship()


class Consent(Model):
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
    name: Mapped[str] = mapped_column(EncryptedText("consent.name"))  # namnförtydligande
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
    # SHA-256 of the draft's token: a second signature of the same draft (a double tap) finds
    # this consent instead of making another; unique, so two at once cannot both commit.
    draft_token_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    # ConsentKind; for a paper consent ``officer`` attested it and ``scan_sha256`` is the
    # scanned PDF as it came (the archived, sealed file ``pdf_sha256`` starts with those bytes).
    kind: Mapped[str] = mapped_column(String(16), default=ConsentKind.SIGNED.value,
                                      server_default=ConsentKind.SIGNED.value)
    scan_sha256: Mapped[str | None] = mapped_column(String(64))

    person: Mapped[Person] = relationship()
    insats: Mapped[Insats] = relationship()
    officer: Mapped[User | None] = relationship(foreign_keys=[officer_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])


class ConsentTextVersion(Model):
    """A FK 9443 text version a förbund published itself (its own controller text or an
    official translation). The built-in versions live in forms/9443; both are immutable."""

    __tablename__ = "consent_text_version"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    forbund_id: Mapped[int] = mapped_column(ForeignKey("forbund.id", ondelete="RESTRICT"),
                                            index=True)
    locale: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    # Which text it is a version of: "formapp-samtycke" (filled in from the förbund's
    # settings), "egen" (the förbund's own), "fk-9443" (an official translation of FK's).
    text_id: Mapped[str] = mapped_column(String(32), default="egen", server_default="egen")
    content: Mapped[str] = mapped_column(Text)  # the TOML text, exactly as published
    sha256: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id",
                                                                   ondelete="SET NULL"))


class ConsentAudio(Model):
    """A recording of a consent text version read aloud (e.g. by an interpreter), uploaded
    by the förbund: bound to the exact version by its id and SHA-256. Never changed; a newer
    upload for the same version is the one participants hear (issue 19)."""

    __tablename__ = "consent_audio"
    __table_args__ = (
        UniqueConstraint("forbund_id", "text_version", "audio_sha256"),
        Index("ix_consent_audio_text", "forbund_id", "text_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    forbund_id: Mapped[int] = mapped_column(ForeignKey("forbund.id", ondelete="RESTRICT"))
    locale: Mapped[str] = mapped_column(String(16))
    text_version: Mapped[str] = mapped_column(String(64))  # built-in or ConsentTextVersion id
    text_sha256: Mapped[str] = mapped_column(String(64))
    audio_sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(32))
    seconds: Mapped[float] = mapped_column(Float)
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    # Optional: when each reading section starts, in seconds (JSON list, one per section of
    # formapp.readaloud.sections), so the reading page marks the section being read.
    section_starts: Mapped[str | None] = mapped_column(Text)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id",
                                                                  ondelete="SET NULL"))


# --- FK 9448 / 9449: registrations ------------------------------------------------------------
# The answers are kept twice on purpose: ``answers``/``end_answers`` hold the cleaned values as
# the form defines them (what the PDF shows, what a rättelse starts from), and the columns hold
# what the follow-up reports count, so those are plain SQL over indexed columns (issue 7).


# Every registration column a follow-up report groups, filters or counts by (issue 10).
REPORT_COLUMNS = (
    "start_date", "insats_id", "kon", "age_at_start", "end_reason", "utbildning",
    "forsorjning_tid", "arbetar_fore", "arbete_procent_fore", "arbete_typ_fore", "studerar_fore",
    "studie_procent_fore", "arbetar_efter", "arbete_procent_efter", "arbete_typ_efter",
    "studerar_efter", "studie_procent_efter", "aktivt_arbetssokande_efter",
    "forsorjning_fore_bits", "forsorjning_efter_bits")
# The kinds of offentlig försörjning (forms/common/support_block.toml) as bits of
# ``forsorjning_*_bits``: fixed forever (stored); a new kind takes the next free bit.
SUPPORT_BITS = {"sjukpenning": 1, "aktivitetsersattning": 2, "sjukersattning": 4, "a_kassa": 8,
                "aktivitetsstod": 16, "forsorjningsstod": 32, "studiestod": 64, "annan": 128,
                "ingen": 256}


class Registration(Model):
    """One participation of a person in an insats: FK 9448 (start) and, once ended, FK 9449.

    Active while ``end_date`` is empty; one active registration per person and insats, enforced
    by a partial unique index. Kön and birth date are the person's; ``kon`` and
    ``age_at_start`` are kept here too because the reports group by them (without a join to
    ``person``) and they never change.
    """

    __tablename__ = "registration"
    __table_args__ = (
        Index("uq_registration_active", "person_id", "insats_id", unique=True,
              sqlite_where=text("end_date IS NULL"),
              postgresql_where=text("end_date IS NULL")),
        Index("ix_registration_insats_start", "insats_id", "start_date"),
        # The follow-up reports read only this index, never the wide rows (answers JSON):
        # a förbund's participations by end date (a year's ended ones, or those ended on or
        # after a day or still open), with every column a report groups or counts by.
        Index("ix_registration_report", "forbund_id", "end_date", *REPORT_COLUMNS, "id"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="period_order"),
        CheckConstraint("(end_date IS NULL) = (end_reason IS NULL)", name="end_complete"),
        CheckConstraint("end_reason IS NULL OR end_reason IN "
                        "('1', '2', '3', '4', '5', '6', '7', '9')", name="end_reason"),
        CheckConstraint(
            "(arbetar_fore AND arbete_procent_fore BETWEEN 1 AND 100"
            " AND arbete_typ_fore IS NOT NULL)"
            " OR (NOT arbetar_fore AND arbete_procent_fore IS NULL AND arbete_typ_fore IS NULL)",
            name="arbete_fore"),
        CheckConstraint(
            "(studerar_fore AND studie_procent_fore BETWEEN 1 AND 100)"
            " OR (NOT studerar_fore AND studie_procent_fore IS NULL)", name="studier_fore"),
        # The after-block exists exactly when the registration ended with a reason that asks it.
        CheckConstraint(
            "(end_reason IS NULL OR end_reason IN ('6', '7')) = (arbetar_efter IS NULL)"
            " AND (arbetar_efter IS NULL) = (studerar_efter IS NULL)"
            " AND (arbetar_efter IS NULL) = (aktivt_arbetssokande_efter IS NULL)",
            name="after_block"),
        CheckConstraint(
            "arbetar_efter IS NULL"
            " OR (arbetar_efter AND arbete_procent_efter BETWEEN 1 AND 100"
            " AND arbete_typ_efter IS NOT NULL)"
            " OR (NOT arbetar_efter AND arbete_procent_efter IS NULL"
            " AND arbete_typ_efter IS NULL)", name="arbete_efter"),
        CheckConstraint(
            "studerar_efter IS NULL"
            " OR (studerar_efter AND studie_procent_efter BETWEEN 1 AND 100)"
            " OR (NOT studerar_efter AND studie_procent_efter IS NULL)", name="studier_efter"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    forbund_id: Mapped[int] = mapped_column(ForeignKey("forbund.id", ondelete="RESTRICT"),
                                            index=True)
    insats_id: Mapped[int] = mapped_column(ForeignKey("insats.id", ondelete="RESTRICT"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"),
                                           index=True)
    # The consent it rests on; a consent serves one registration only.
    consent_id: Mapped[str] = mapped_column(ForeignKey("consent.id", ondelete="RESTRICT"),
                                            unique=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id",
                                                              ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(EncryptedText("registration.name"))  # Namn on the 9448
    start_date: Mapped[date] = mapped_column(Date)
    age_at_start: Mapped[int | None] = mapped_column(Integer)  # None: "okänd"
    kon: Mapped[str] = mapped_column(String(8))  # the person's (set with ``person``)
    kommun: Mapped[str] = mapped_column(String(4))
    stadsdel: Mapped[str | None] = mapped_column(String(100))
    utbildning: Mapped[str] = mapped_column(String(32))
    forsorjning_tid: Mapped[str] = mapped_column(String(32))
    aktivt_arbetssokande_fore: Mapped[bool] = mapped_column(Boolean)
    arbetar_fore: Mapped[bool] = mapped_column(Boolean)
    arbete_procent_fore: Mapped[int | None] = mapped_column(Integer)
    arbete_typ_fore: Mapped[str | None] = mapped_column(String(32))
    studerar_fore: Mapped[bool] = mapped_column(Boolean)
    studie_procent_fore: Mapped[int | None] = mapped_column(Integer)
    answers: Mapped[dict] = mapped_column(EncryptedJSON("registration.answers"))  # has namn
    document_id: Mapped[str] = mapped_column(String(36), unique=True)
    pdf_sha256: Mapped[str] = mapped_column(ForeignKey("archived_document.sha256",
                                                       ondelete="RESTRICT"))
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    # FK 9449, empty while active.
    end_date: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(2))
    aktivt_arbetssokande_efter: Mapped[bool | None] = mapped_column(Boolean)
    arbetar_efter: Mapped[bool | None] = mapped_column(Boolean)
    arbete_procent_efter: Mapped[int | None] = mapped_column(Integer)
    arbete_typ_efter: Mapped[str | None] = mapped_column(String(32))
    studerar_efter: Mapped[bool | None] = mapped_column(Boolean)
    studie_procent_efter: Mapped[int | None] = mapped_column(Integer)
    # The support rows' kinds again, as SUPPORT_BITS (0: none), kept with them by
    # ``cases.registration.apply_columns``: the reports count kinds from the index, without a join.
    forsorjning_fore_bits: Mapped[int] = mapped_column(Integer, default=0)
    forsorjning_efter_bits: Mapped[int] = mapped_column(Integer, default=0)
    end_answers: Mapped[dict | None] = mapped_column(EncryptedJSON("registration.end_answers"))
    end_document_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    end_pdf_sha256: Mapped[str | None] = mapped_column(
        ForeignKey("archived_document.sha256", ondelete="RESTRICT"))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id",
                                                               ondelete="SET NULL"))
    # Optimistic locking: of two officers ending or correcting the same registration at once,
    # the second one's UPDATE finds no row of the version it read and is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    person: Mapped[Person] = relationship()
    insats: Mapped[Insats] = relationship()
    consent: Mapped[Consent] = relationship()
    officer: Mapped[User | None] = relationship(foreign_keys=[officer_id])
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])
    supports: Mapped[list[RegistrationSupport]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", passive_deletes=True)
    revisions: Mapped[list[RegistrationRevision]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", passive_deletes=True,
        order_by="RegistrationRevision.changed_at.desc()")

    @validates("person")
    def _kon_of(self, _: str, person: Person) -> Person:
        self.kon = person.kon
        return person

    @property
    def is_active(self) -> bool:
        return self.end_date is None


class RegistrationSupport(Model):
    """One kind of offentlig försörjning chosen "direkt före" (``fore``) or "direkt efter"
    (``efter``) the insats: a row per choice, so reports count kinds with GROUP BY."""

    __tablename__ = "registration_support"
    __table_args__ = (
        CheckConstraint("measurement IN ('fore', 'efter')", name="measurement"),
        # Covering: the reports find the participations with a kind without reading rows.
        Index("ix_registration_support_kind", "measurement", "kind", "registration_id"),
    )

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True)
    measurement: Mapped[str] = mapped_column(String(8), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)

    registration: Mapped[Registration] = relationship(back_populates="supports")


class RegistrationRevision(Model):
    """A rättelse: the values (and sealed PDF) a registration had before ``changed_by``
    corrected them at ``changed_at``."""

    __tablename__ = "registration_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    form: Mapped[str] = mapped_column(String(4))  # 9448 or 9449
    previous_answers: Mapped[dict] = mapped_column(
        EncryptedJSON("registration_revision.previous_answers"))
    previous_document_id: Mapped[str] = mapped_column(String(36))
    previous_pdf_sha256: Mapped[str] = mapped_column(ForeignKey("archived_document.sha256",
                                                                ondelete="RESTRICT"))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id",
                                                                 ondelete="SET NULL"))

    registration: Mapped[Registration] = relationship(back_populates="revisions")
    changed_by: Mapped[User | None] = relationship()


class RegistrationErasure(Model):
    """End reason 8 (Felregistrering): the registration and its personal data are gone; this
    says only that one was removed, when and by whom. The consent (and its proof) stays."""

    __tablename__ = "registration_erasure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    forbund_id: Mapped[int] = mapped_column(ForeignKey("forbund.id", ondelete="RESTRICT"),
                                            index=True)
    insats_id: Mapped[int] = mapped_column(ForeignKey("insats.id", ondelete="RESTRICT"))
    consent_id: Mapped[str] = mapped_column(ForeignKey("consent.id", ondelete="RESTRICT"),
                                            index=True)
    documents_removed: Mapped[int] = mapped_column(Integer)
    erased_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    erased_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id",
                                                                ondelete="SET NULL"))


class AnonymousCount(Model):
    """Participants registered without personal data (no consent, skyddad identitet): a
    count per insats, inregistreringsår and kön. Never deregistered."""

    __tablename__ = "anonymous_count"
    __table_args__ = (
        UniqueConstraint("insats_id", "year", "kon"),
        CheckConstraint("kon IN ('kvinna', 'man')", name="kon"),
        CheckConstraint("count >= 0", name="not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    insats_id: Mapped[int] = mapped_column(ForeignKey("insats.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    kon: Mapped[str] = mapped_column(String(8))
    count: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id",
                                                                 ondelete="SET NULL"))


class ImportBatch(Model):
    """One Excel import into an insats: the file by its SHA-256 (imported once per insats),
    its sealed receipt and how many rows went which way."""

    __tablename__ = "import_batch"
    __table_args__ = (UniqueConstraint("insats_id", "file_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    forbund_id: Mapped[int] = mapped_column(ForeignKey("forbund.id", ondelete="RESTRICT"))
    insats_id: Mapped[int] = mapped_column(ForeignKey("insats.id", ondelete="RESTRICT"))
    file_sha256: Mapped[str] = mapped_column(String(64))
    receipt_sha256: Mapped[str | None] = mapped_column(
        ForeignKey("archived_document.sha256", ondelete="RESTRICT"))
    with_consent: Mapped[int] = mapped_column(Integer)  # on a consent already in formapp
    with_paper: Mapped[int] = mapped_column(Integer)  # on a scanned paper FK 9443
    anonymous: Mapped[int] = mapped_column(Integer)  # counted only (year and kön)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id",
                                                                  ondelete="SET NULL"))


class VolumeCount(Model):
    """A volyminsats's participants ("pinnstatistik"): a count per year, not by kön."""

    __tablename__ = "volume_count"
    __table_args__ = (
        UniqueConstraint("insats_id", "year"),
        CheckConstraint("count >= 0", name="not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    insats_id: Mapped[int] = mapped_column(ForeignKey("insats.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id",
                                                                 ondelete="SET NULL"))


class SubmissionToken(Model):
    """A form sent once: the second submission of the same page finds its token here and is
    shown the first one's result instead of storing a second record."""

    __tablename__ = "submission_token"

    token: Mapped[str] = mapped_column(String(43), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    result_url: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)


class AuditEntry(Model):
    """One thing done with personal data or rights: who, when, what, why. Append-only and
    chained: each entry's HMAC covers its content and the previous entry's hash, so a
    changed, removed or inserted entry breaks the chain (``records.audit.verify_chain``), and
    sealed checkpoints outside the database catch entries cut off or deleted."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK: kept forever
    actor: Mapped[str] = mapped_column(String(254))  # the name and e-mail at the time
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(200))  # e.g. "consent:<id>", "export:excel"
    why: Mapped[str] = mapped_column(Text, default="")
    forbund_id: Mapped[int | None] = mapped_column(Integer, index=True)
    person_key: Mapped[str | None] = mapped_column(String(64), index=True)  # keyed hash of pnr
    details: Mapped[str] = mapped_column(Text, default="{}")  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)  # HMAC, or SHA-256 (see key_id)
    # The lookup key the entry's HMAC was made under (``protection.chain_key``); NULL only for
    # entries written before the trail was keyed (plain SHA-256, sealed by the keyed entry
    # that follows them).
    key_id: Mapped[str | None] = mapped_column(String(32))


# Every encrypted value the ORM writes is bound to its row: ``protection.row_binding``,
# initialised by ``create_app``.


# The audit trail refuses UPDATE and DELETE in the database itself; the hash chain catches
# whoever goes around that (a database administrator can drop a trigger).
AUDIT_APPEND_ONLY_DDL: dict[str, tuple[str, ...]] = {
    "sqlite": (
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
        "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit_entry is append-only'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
    ),
}


@event.listens_for(AuditEntry.__table__, "after_create")
def _audit_append_only(target: object, connection: Connection, **_: object) -> None:
    for statement in AUDIT_APPEND_ONLY_DDL.get(connection.dialect.name, ()):
        connection.exec_driver_sql(statement)


# The consent gate in the database (``records.consent_gate``): created with each table.
def _consent_gate(target: Table, connection: Connection, **_: object) -> None:
    for statement in gate_ddl(connection.dialect.name).get(target.name, ()):
        connection.exec_driver_sql(statement)


for _gated in (Consent.__table__, Registration.__table__, RegistrationSupport.__table__):
    event.listen(_gated, "after_create", _consent_gate)


class LoginFailure(Model):
    """A failed login, kept for the throttling window: per account and per address."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_account_at", "account_key", "at"),
                      Index("ix_login_failure_address_at", "address", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_key: Mapped[str] = mapped_column(String(64))  # keyed hash of the e-mail typed
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LoginSession(Model):
    """A logged-in session, kept on the server so that it can end for real: the cookie holds
    a random key, this row only its SHA-256 (a database reader can not take a session over).

    Logout, a password change, a removed permission and the absolute lifetime end it; a copied
    cookie of an ended session gets the login page.
    """

    __tablename__ = "login_session"
    __table_args__ = (Index("ix_login_session_user", "user_id", "ended_at"),)

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(32))
    # Wrong officer passwords at the tablet's hand-back, counted here and not in the cookie
    # (an old cookie replayed would reset a count kept there).
    handback_failures: Mapped[int] = mapped_column(Integer, default=0,
                                                   server_default=text("0"))
    # How it was signed in to (formapp.records.sign_in), and the identity provider's ID token
    # (encrypted: it names the person), sent back to its end-session endpoint at logout.
    method: Mapped[str | None] = mapped_column(String(16))
    id_token: Mapped[str | None] = mapped_column(EncryptedText("login_session.id_token"))


class RecoveryCode(Model):
    """A one-time code that stands in for the TOTP code (a lost phone): shown once at
    enrolment, kept only as its SHA-256 (80 random bits: a hash is not worth guessing)."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"),
                                         index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DataKeyCheck(Model):
    """Per key that has data in the database, a value only that key produces: a missing or
    wrong key stops the app at start (``formapp.protection.current.check_keys``)."""

    __tablename__ = "data_key_check"

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)  # data or lookup
    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    check_value: Mapped[str] = mapped_column(Text)
