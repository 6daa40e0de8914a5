"""The monthly duty roster as offices exchange it in Excel: one row per day.

Columns: 日期 (date), 带班领导 (leader on shift), 值班人员 (duty officers, several names separated by
``、`` ``,`` or ``，``), 值班电话 (duty phone, optional). Each row becomes one standard shift of the chosen
post (``rules.shift_pattern``: 08:30 to 08:30 the next day). People are found by full name or
username among the users the importing user may see; ``张三（zhangsan）`` settles a shared name.

:func:`validate_roster` checks every row and names the row and column of each problem; nothing is
written here — :func:`safecity.duty.services.roster_import` saves the validated rows, all or nothing.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from safecity.accounts.models import User
from safecity.core.importers import RowError
from safecity.core.validators import normalize_phone

from .models import DutyPost, Shift

#: The roster's columns: field → label (the label in the current language is the export header).
COLUMNS = {
    "date": pgettext_lazy("roster column", "Date"),
    "leader": pgettext_lazy("roster column", "Leader on shift"),
    "officers": pgettext_lazy("roster column", "Duty officers"),
    "phone": pgettext_lazy("roster column", "Duty phone"),
}
REQUIRED = ("date", "leader", "officers")
#: The headers offices write (whatever the UI language), and other spellings of them.
ALIASES = {
    "日期": "date",
    "带班领导": "leader",
    "值班人员": "officers",
    "值班电话": "phone",
    "值班日期": "date",
    "带班": "leader",
    "带班领导姓名": "leader",
    "值班员": "officers",
    "值班人": "officers",
    "值班人员姓名": "officers",
    "联系电话": "phone",
    "电话": "phone",
}
NAME_SEPARATORS = re.compile(r"[、,，;；/\n]+")
_WITH_USERNAME = re.compile(r"^(?P<name>.*?)\s*[(（]\s*(?P<username>[^()（）]+?)\s*[)）]$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_WEEKDAY = re.compile(r"\s*[（(]?\s*(星期|周|礼拜)[一二三四五六日天]\s*[)）]?\s*$")
_EXCEL_EPOCH = date(1899, 12, 30)


@dataclass
class RosterRow:
    """One validated row: the shift it will create (and the shift it replaces, if any)."""

    row: int
    day: date
    starts_at: datetime
    ends_at: datetime
    leader: User | None
    officers: list[User]
    phone: str
    replaces: int | None = None


@dataclass
class RosterResult:
    """What a roster file holds, as the import preview shows it (same shape as ``core.importers.ImportResult``)."""

    headers: list[str]
    unknown_headers: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    total_rows: int = 0
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    preview: list[list[str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.missing_columns and self.total_rows > 0

    @property
    def replacing(self) -> int:
        return sum(1 for r in self.rows if r.replaces)


def _normalize_header(text: str) -> str:
    return str(text).strip().strip("*").strip().lower().replace(" ", "").replace("_", "")


def header_map() -> dict[str, str]:
    mapping = {_normalize_header(name): name for name in COLUMNS}
    for name, label in COLUMNS.items():
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                mapping[_normalize_header(str(label))] = name
    mapping.update({_normalize_header(alias): name for alias, name in ALIASES.items()})
    return mapping


def column_labels() -> list[str]:
    """Headers of the roster file in the current language (the import template and the export)."""
    return [str(label) for label in COLUMNS.values()]


def parse_date(text: str) -> date:
    """A roster date: ``2026-12-01``, ``2026/12/1``, ``2026.12.01``, ``2026年12月1日``, ``20261201``, with or
    without a weekday (``（星期二）``), or an Excel day number."""
    value = _WEEKDAY.sub("", str(text).strip())
    match = _DATE.match(value) or _DATE_COMPACT.match(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return date(year, month, day)  # ValueError for 2026-02-30
    if value.isdigit() and 20000 <= int(value) <= 80000:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    raise ValueError(value)


def person_label(user) -> str:
    return (user.full_name or user.username) if user is not None else ""


class People:
    """The users the importing user may see, by username and by full name (loaded once per import)."""

    def __init__(self, actor) -> None:
        self.by_username: dict[str, User] = {}
        self.by_name: dict[str, list[User]] = defaultdict(list)
        users = (
            User.objects.restrict(actor, "view")
            .filter(is_active=True, archived_at__isnull=True)
            .only("id", "username", "full_name")
        )
        for user in users:
            self.by_username[user.username.lower()] = user
            if user.full_name:
                self.by_name[user.full_name.strip()].append(user)

    def find(self, text: str) -> User:
        """The one user ``text`` names; ``ValidationError`` when nobody or several people match."""
        text = text.strip()
        match = _WITH_USERNAME.match(text)
        if match:
            user = self.by_username.get(match["username"].lower())
            if user is None or (match["name"] and user.full_name and user.full_name != match["name"]):
                raise ValidationError(_("Unknown person “%(name)s”.") % {"name": text})
            return user
        found = {u.pk: u for u in self.by_name.get(text, [])}
        by_username = self.by_username.get(text.lower())
        if by_username is not None:
            found[by_username.pk] = by_username
        if not found:
            raise ValidationError(
                _("Unknown person “%(name)s”: no user in your area has this name or username.") % {"name": text}
            )
        if len(found) > 1:
            raise ValidationError(
                _(
                    "Several people are called “%(name)s” (%(usernames)s); "
                    "write the name with the username, e.g. %(example)s."
                )
                % {
                    "name": text,
                    "usernames": "、".join(sorted(u.username for u in found.values())),
                    "example": f"{text}（{sorted(u.username for u in found.values())[0]}）",
                }
            )
        return next(iter(found.values()))


def validate_roster(*, actor, post: DutyPost, headers: list[str], rows: list[list[str]], replace: bool = False):
    """Check every row of a roster file for ``post``; nothing is written. Returns a :class:`RosterResult`."""
    mapping = header_map()
    columns: list[str | None] = []
    result = RosterResult(headers=headers)
    for header in headers:
        name = mapping.get(_normalize_header(header))
        columns.append(name if name not in columns else None)
        if name is None and str(header).strip():
            result.unknown_headers.append(header)
    present = {c for c in columns if c}
    result.missing_columns = [str(COLUMNS[name]) for name in REQUIRED if name not in present]
    if result.missing_columns:
        return result
    label = {name: headers[columns.index(name)] for name in present}
    pattern = post.pattern
    people = People(actor)
    seen_days: dict[date, int] = {}
    parsed: list[RosterRow] = []
    for index, raw in enumerate(rows):
        number = index + 2
        result.total_rows += 1
        if len(result.preview) < 40:
            result.preview.append(raw)
        cells = {name: str(value).strip() for name, value in zip(columns, raw, strict=False) if name}
        errors: list[RowError] = []

        def error(column: str, message: str, number: int = number, errors: list = errors) -> None:
            errors.append(RowError(row=number, field=label[column] if column else "", message=message))

        day = None
        if not cells.get("date"):
            error("date", _("The date is missing."))
        else:
            try:
                day = parse_date(cells["date"])
            except ValueError:
                error("date", _("“%(value)s” is not a date; write it as 2026-12-01.") % {"value": cells["date"]})
        if day is not None and day in seen_days:
            error("date", _("The same date as row %(row)s.") % {"row": seen_days[day]})
        elif day is not None:
            seen_days[day] = number
        leader = None
        leader_names = [n for n in NAME_SEPARATORS.split(cells.get("leader", "")) if n.strip()]
        if len(leader_names) > pattern.leaders:
            error("leader", _("At most %(n)s leader on shift per day.") % {"n": pattern.leaders})
        elif leader_names:
            try:
                leader = people.find(leader_names[0])
            except ValidationError as exc:
                error("leader", exc.messages[0])
        officers: list[User] = []
        for name in (n for n in NAME_SEPARATORS.split(cells.get("officers", "")) if n.strip()):
            try:
                officer = people.find(name)
            except ValidationError as exc:
                error("officers", exc.messages[0])
            else:
                if officer not in officers:
                    officers.append(officer)
        if not officers and not any(e.field == label["officers"] for e in errors):
            error("officers", _("At least %(n)s duty officer is needed.") % {"n": pattern.min_officers})
        phone = cells.get("phone", "")
        if phone:
            try:
                phone = normalize_phone(phone)
            except ValidationError as exc:
                error("phone", exc.messages[0])
        result.errors.extend(errors)
        if not errors and day is not None:
            starts_at = timezone.make_aware(datetime.combine(day, pattern.start))
            parsed.append(
                RosterRow(
                    row=number,
                    day=day,
                    starts_at=starts_at,
                    ends_at=starts_at + pattern.length,
                    leader=leader,
                    officers=officers,
                    phone=phone,
                )
            )
    if parsed:
        existing = dict(
            Shift.objects.filter(
                post=post, archived_at__isnull=True, starts_at__in=[r.starts_at for r in parsed]
            ).values_list("starts_at", "pk")
        )
        for row in parsed:
            if row.starts_at in existing:
                if replace:
                    row.replaces = existing[row.starts_at]
                else:
                    result.errors.append(
                        RowError(
                            row=row.row,
                            field=label["date"],
                            message=_(
                                "The roster already has a shift on %(day)s; tick “replace existing shifts” "
                                "to replace it."
                            )
                            % {"day": row.day.isoformat()},
                        )
                    )
    result.rows = parsed
    result.errors.sort(key=lambda e: e.row)
    return result


def roster_workbook(post: DutyPost, shifts, *, title: str = "") -> bytes:
    """An XLSX of ``shifts`` in the roster's shape (importable again)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (title or str(post))[:31]
    sheet.append(column_labels())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    from .selectors import duty_day_of

    for shift in shifts:
        sheet.append(
            [
                duty_day_of(post, shift.starts_at),
                person_label(shift.leader),
                "、".join(person_label(u) for u in shift.officers.all()),
                shift.phone or post.phone,
            ]
        )
    for row in sheet.iter_rows(min_row=2, max_col=1):
        row[0].number_format = "yyyy-mm-dd"
    for letter, width in zip("ABCD", (14, 16, 30, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
