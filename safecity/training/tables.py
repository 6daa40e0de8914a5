import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from safecity.core.masking import mask_id_number
from safecity.core.tables import BaseTable

from .choices import CertificateStatus
from .models import Attendance, Certificate, Course

STATUS_CSS = {
    CertificateStatus.VALID: "success",
    CertificateStatus.EXPIRING: "warning",
    CertificateStatus.EXPIRED: "danger",
}


class CertificateStatusColumn(tables.Column):
    """Valid (green) / expiring soon (yellow) / expired (red), always with its word."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("certificate status"))
        kwargs.setdefault("accessor", "expires_on")
        kwargs.setdefault("order_by", ("expires_on",))
        kwargs.setdefault("default", "")
        super().__init__(**kwargs)

    def _status(self, record):
        return record.status_on(timezone.localdate())

    def render(self, value, record):
        status = self._status(record)
        text_css = " text-dark" if status == CertificateStatus.EXPIRING else ""
        return format_html(
            '<span class="badge text-bg-{}{}" data-status="{}">{}</span>',
            STATUS_CSS[status],
            text_css,
            status,
            CertificateStatus(status).label,
        )

    def value(self, value, record):
        return str(CertificateStatus(self._status(record)).label)


class HolderColumn(tables.Column):
    """The holder's name, linked to their record; another person's identity number masked beside it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("holder"))
        kwargs.setdefault("accessor", "person_name")
        kwargs.setdefault("order_by", ("volunteer__name", "expert__name", "team_member__name", "person_name"))
        kwargs.setdefault("default", "")
        super().__init__(**kwargs)

    def render(self, value, record):
        holder = record.holder
        if holder is not None:
            return format_html('<a href="{}">{}</a>', holder.get_absolute_url(), holder.name)
        return format_html(
            "{} <span class='text-muted small'>{}</span>", record.person_name, mask_id_number(record.person_id_number)
        )

    def value(self, value, record):
        holder = record.holder
        return holder.name if holder is not None else record.person_name


class CourseTable(BaseTable):
    title = tables.Column(linkify=True)
    topic = tables.Column(order_by=("topic__order",))
    region = tables.Column(linkify=True, order_by=("region__code",))
    starts_on = tables.DateColumn(format="Y-m-d")
    ends_on = tables.DateColumn(format="Y-m-d")
    attendee_count = tables.Column(verbose_name=_("attendees"), attrs={"td": {"class": "text-end"}})
    passed_count = tables.Column(verbose_name=_("passed"), attrs={"td": {"class": "text-end"}})

    class Meta(BaseTable.Meta):
        model = Course
        fields = (
            "title",
            "topic",
            "organiser",
            "region",
            "starts_on",
            "ends_on",
            "hours",
            "attendee_count",
            "passed_count",
            "status",
        )


class CertificateTable(BaseTable):
    number = tables.Column(linkify=True)
    holder = HolderColumn()
    holder_kind = tables.Column()
    topic = tables.Column(order_by=("topic__order",))
    region = tables.Column(linkify=True, order_by=("region__code",))
    issued_on = tables.DateColumn(format="Y-m-d")
    expires_on = tables.DateColumn(format="Y-m-d", attrs={"td": {"data-col": "expires-on"}})
    certificate_status = CertificateStatusColumn()

    class Meta(BaseTable.Meta):
        model = Certificate
        fields = (
            "holder",
            "holder_kind",
            "topic",
            "number",
            "region",
            "issued_on",
            "expires_on",
            "certificate_status",
            "issuing_body",
            "status",
        )
        sequence = ("holder", "holder_kind", "topic", "number", "...")


class HolderCertificateTable(tables.Table):
    """A holder's certificates (on the expert's, volunteer's or team member's page)."""

    number = tables.Column(linkify=True)
    topic = tables.Column()
    issued_on = tables.DateColumn(format="Y-m-d")
    expires_on = tables.DateColumn(format="Y-m-d")
    certificate_status = CertificateStatusColumn()

    class Meta:
        model = Certificate
        fields = ("number", "topic", "issued_on", "expires_on", "certificate_status", "issuing_body")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "sc-certificates"}
        empty_text = ""


class AttendanceTable(tables.Table):
    holder = HolderColumn()
    holder_kind = tables.Column()

    class Meta:
        model = Attendance
        fields = ("holder", "holder_kind", "passed", "score")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = ""
