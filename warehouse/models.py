"""Every table of the warehouse, and the names of the figures a monthly figure row adds up.

Amounts of money paid to households are stored in fen (分, 64-bit integer: a county's month
passes PostgreSQL's 32-bit integer at 21.5 million 元) so that monthly and annual sums are
exact; budgets in evaluations are stored as reported, in 万元.
No table has a column for a raw ID number or a name: households are known by a keyed
hash (`household_key`) and a masked ID for display.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint
from sqlalchemy import String as SAString
from sqlmodel import Field, SQLModel


class County(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=12)
    name: str
    short_names: str = ""  # ';'-separated names a roster title may use
    province: str = ""
    prefecture: str = ""
    deadline_day: int | None = None  # None: month end
    report_day: int | None = None  # the day of the following month a roster is due (报送截止); None: the 25th
    source: str = "upload"
    note: str = ""


class Township(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("county_code", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    county_code: str = Field(foreign_key="county.code", index=True)
    code: str = ""
    name: str
    source: str = "upload"
    note: str = ""


class Standard(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("county_code", "program", "category", "effective_from"),)
    id: int | None = Field(default=None, primary_key=True)
    county_code: str = Field(foreign_key="county.code", index=True)
    program: str
    category: str = ""  # "" = every category
    effective_from: dt.date
    yuan_per_person_month: float
    document: str = ""
    source: str = "upload"
    note: str = ""


class Upload(SQLModel, table=True):
    """The upload log: one row per file stored, replaced versions kept with status."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str  # roster | standards | evaluation | counties
    county_code: str | None = Field(default=None, index=True)
    program: str | None = None
    month: dt.date | None = Field(default=None, index=True)  # the span of stored months, at any scale (read.years)
    file_name: str
    file_hash: str = Field(index=True)
    rows_read: int = 0
    rows_stored: int = 0
    households: int = 0
    persons: int = 0
    amount_fen: int = Field(default=0, sa_type=BigInteger)
    findings: int = 0
    uploaded_at: dt.datetime
    uploaded_by: str
    replaces_id: int | None = None
    status: str = "active"  # active | replaced
    source: str = "upload"


class _RosterRow(SQLModel):
    """One roster row as stored: a household paid (or due) in one month, pseudonymised."""

    sheet: str = ""
    row: int  # 1-based row number a person sees in the file (or sheet)
    township: str
    village: str = ""
    household_key: str = Field(sa_type=SAString(32), nullable=False)
    id_masked: str
    id_valid: bool
    persons: int
    category: str = ""
    standard: float | None = None  # from the row, 元/人/月
    amount_fen: int = Field(sa_type=BigInteger)
    paid_on: dt.date | None = None


class HouseholdMonth(_RosterRow, table=True):
    """The rows of each county × programme × month's live version: the approved one, or the first
    report while it waits for approval (a replacement waits in household_review).

    The primary key is the month's slot plus the row's position in the file, and on SQLite
    the table is clustered on it (WITHOUT ROWID): a month is one contiguous range, bulk
    inserts append, and slot and cross-county lookups need no secondary index. On PostgreSQL
    the table is partitioned by month (warehouse/partitions.py makes each month's partition):
    a month is one table, its lookups touch nothing else, and old years detach whole. There,
    each month also has an index on household_key: the cross-county check of an upload looks up
    its own households in the month (about 21 million rows at national scale) instead of reading it.
    A hash index: the check only asks for equality, and a hash index is half the size of a B-tree
    on these random 32-character keys and costs half as much to keep up in a large upload's COPY.
    """

    __tablename__ = "household_month"
    __table_args__ = (
        Index("ix_household_month_key", "household_key", postgresql_using="hash").ddl_if(dialect="postgresql"),
        {"sqlite_with_rowid": False, "postgresql_partition_by": "RANGE (month)"},
    )
    month: dt.date = Field(primary_key=True)
    county_code: str = Field(primary_key=True)
    program: str = Field(primary_key=True)
    position: int = Field(primary_key=True)  # 0-based order of the row in the file
    # The upload that stored the row. No foreign key: checking one costs PostgreSQL about 5 s a
    # million rows (a trigger per row), and store_roster writes both in one transaction anyway.
    upload_id: int


class HouseholdReview(_RosterRow, table=True):
    """The rows of a replacement waiting for approval while the approved version stays in household_month
    (leadership keeps seeing it); approving the replacement moves them over."""

    __tablename__ = "household_review"
    upload_id: int = Field(primary_key=True)
    position: int = Field(primary_key=True)
    month: dt.date
    county_code: str
    program: str


class _UploadedForSlot(SQLModel):
    """Rows a roster upload derives for its county × programme × month: replacing the upload deletes them."""

    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = Field(foreign_key="upload.id", index=True)
    county_code: str
    program: str
    month: dt.date


class MonthlyFigure(_UploadedForSlot, table=True):
    """Figures per county × programme × month × township × category; sum them for totals."""

    __tablename__ = "monthly_figure"
    __table_args__ = (Index("ix_monthly_figure_slot", "county_code", "program", "month"),)
    township: str
    category: str = ""
    households: int
    persons: int
    amount_fen: int = Field(sa_type=BigInteger)
    on_time_households: int
    late_households: int
    unpaid_households: int
    # None: stored before it was counted (a warehouse made by an older version) or by a report's own figures
    one_person_households: int | None = None
    new_households: int | None = None  # None: no earlier month stored to compare with
    exited_households: int | None = None
    new_persons: int | None = None
    exited_persons: int | None = None
    source: str = "upload"


# MonthlyFigure's figures, in its column order: a month's own, then the changes against the month before
# (null where none is stored). Each adds up over townships and categories.
MONTH_FIGURES = (
    "households",
    "persons",
    "amount_fen",
    "on_time_households",
    "late_households",
    "unpaid_households",
    "one_person_households",
)
CHANGE_FIGURES = ("new_households", "exited_households", "new_persons", "exited_persons")
FIGURES = MONTH_FIGURES + CHANGE_FIGURES


class Finding(_UploadedForSlot, table=True):
    __table_args__ = (Index("ix_finding_slot", "county_code", "month"),)
    kind: str
    sheet: str = ""
    row: int
    id_masked: str = ""
    detail: str


class MonthState(SQLModel, table=True):
    """Where a county × programme × month stands: 待审核 → 已审核 → 已锁定, or 已退回 to its uploader.

    `upload_id` is the newest version, the one the state is about (a new upload makes the month pending
    again); `approved_upload_id` the version leadership sees, kept while a replacement waits for approval.
    """

    __tablename__ = "month_state"
    __table_args__ = (UniqueConstraint("county_code", "program", "month"),)
    id: int | None = Field(default=None, primary_key=True)
    county_code: str = Field(foreign_key="county.code", index=True)
    program: str
    month: dt.date
    state: str  # pending | approved | locked | returned
    upload_id: int
    approved_upload_id: int | None = None
    uploaded_by: str
    uploaded_at: dt.datetime
    reported_at: dt.datetime  # when the month was first reported (its first upload): reporting timeliness
    decided_by: str = ""
    decided_at: dt.datetime | None = None
    reason: str = ""  # why it was returned or unlocked


class Evaluation(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("county_code", "program", "year", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    upload_id: int | None = Field(default=None, foreign_key="upload.id")
    county_code: str = Field(foreign_key="county.code", index=True)
    program: str  # rural | urban | all
    year: int = Field(index=True)  # the years there are, one index lookup each (read.years)
    kind: str  # self | department | finance
    evaluator: str = ""
    total_score: float | None = None
    grade: str = ""  # exactly as reported
    rubric: str = ""
    budget_wan: float | None = None
    arrived_wan: float | None = None
    spent_wan: float | None = None
    planned_persons: int | None = None
    source: str = "upload"


class EvaluationState(SQLModel, table=True):
    """Where an evaluation (county × programme × year × kind) stands: 待审核 → 已审核 → 已锁定, or 已退回.

    `upload_id` is the newest score sheet's upload, the one the state is about; `approved_evaluation_id`
    the evaluation row leadership sees (None until one is approved). A replacement of an approved
    evaluation waits in evaluation_review until it is approved.
    """

    __tablename__ = "evaluation_state"
    __table_args__ = (UniqueConstraint("county_code", "program", "year", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    county_code: str = Field(foreign_key="county.code", index=True)
    program: str
    year: int
    kind: str
    state: str  # pending | approved | locked | returned
    upload_id: int | None = None
    approved_evaluation_id: int | None = None
    uploaded_by: str
    uploaded_at: dt.datetime
    decided_by: str = ""
    decided_at: dt.datetime | None = None
    reason: str = ""


class EvaluationReview(SQLModel, table=True):
    """A score sheet's replacement of an approved evaluation, waiting for approval: its validated rows as
    JSON (the same rows storing it takes), so that leadership keeps seeing the approved evaluation."""

    __tablename__ = "evaluation_review"
    __table_args__ = (UniqueConstraint("county_code", "program", "year", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = Field(foreign_key="upload.id")
    county_code: str
    program: str
    year: int
    kind: str
    rows: str = Field(sa_type=Text)


class IndicatorScore(SQLModel, table=True):
    __tablename__ = "indicator_score"
    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", index=True)
    position: int
    path: str  # "决策/资金投入/预算编制科学性"
    depth: int
    level1: str
    level2: str = ""
    level3: str = ""
    level4: str = ""
    points: float | None = None
    score: float | None = None
    target: str = ""
    actual: str = ""
    note: str = ""


class PerformanceTarget(SQLModel, table=True):
    """A row of a report's performance-target table (绩效指标): target and actual as written.

    `path` is the scored indicator that holds the target ("" where none does); `score` is what
    the report gave the target row itself (None where it scored only the holding indicator).
    """

    __tablename__ = "performance_target"
    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", index=True)
    position: int
    path: str = ""
    name: str
    target: str = ""
    actual: str = ""
    score: float | None = None
    note: str = ""


class Account(SQLModel, table=True):
    """A person who may log in: a role, the counties an evaluator may upload for, an argon2 hash."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_column=Column(SAString, unique=True, nullable=False))
    display_name: str = ""
    role: str  # viewer (领导) | evaluator (评价人员) | admin (管理员)
    counties: str = ""  # ','-separated county codes an evaluator may upload for
    password_hash: str
    disabled: bool = False
    failed_logins: int = 0
    locked_until: dt.datetime | None = None
    created_at: dt.datetime
    changed_at: dt.datetime


class FollowUp(SQLModel, table=True):
    """The follow-up register (整改台账): where someone has taken up a flag, and what they found.

    A flag (an anomaly, a month's findings of one kind, a re-check difference) has a `subject` that names it
    the same way every time it is raised, and a `figure` that says what it was when its status was set: an
    identical re-upload raises the same subject and figure (a closed flag stays closed), a changed figure
    reopens it (warehouse/followup.py). Flags nobody has taken up have no row: they are 待核实.
    """

    __tablename__ = "follow_up"
    key: str = Field(primary_key=True)  # a short hash of the subject, what people type
    subject: str = Field(sa_type=Text)
    kind: str  # anomaly | finding | recheck
    county_code: str = Field(index=True)
    program: str
    status: str  # open | explained | fixed | false_alarm
    owner: str = ""
    due: dt.date | None = None
    note: str = Field(default="", sa_type=Text)
    figure: str = ""  # the flag's figure when the status was set
    updated_by: str
    updated_at: dt.datetime


class AuditEvent(SQLModel, table=True):
    """The audit log: append-only (the database refuses UPDATE and DELETE on it)."""

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(index=True)
    actor: str  # an account's username, or the command-line user
    action: str  # upload | replace | reject | login | login_failed | locked | user_add | user_disable | …
    county_code: str | None = None
    file_name: str = ""
    file_hash: str = ""
    detail: str = ""  # never a raw ID number or a name from a roster


class WarehouseMeta(SQLModel, table=True):
    """Facts about the warehouse itself, such as the fingerprint of the ID-key chain its rows were hashed with."""

    __tablename__ = "warehouse_meta"
    name: str = Field(primary_key=True)
    value: str
