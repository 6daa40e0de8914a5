"""Tables of epidemic investigation. Identity numbers and phones are masked on screen and in exports."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from safecity.core.tables import BaseTable, MaskedColumn

from .models import Case, Cluster, Contact, Exposure, ExposureSite, Person


class PersonTable(BaseTable):
    name = tables.Column(linkify=True)
    id_number = MaskedColumn(kind="id_number")
    phone = MaskedColumn(kind="phone")
    region = tables.Column(order_by=("region__code",))
    cluster = tables.Column(linkify=True, order_by=("cluster__code",))

    class Meta(BaseTable.Meta):
        model = Person
        fields = ("name", "id_number", "phone", "sex", "birth_date", "region", "cluster", "status")


class CaseTable(BaseTable):
    number = tables.Column(linkify=True)
    person = tables.Column(linkify=True, order_by=("person__name",))
    classification = tables.Column(attrs={"td": {"data-col": "classification"}})
    onset_at = tables.DateTimeColumn(format="Y-m-d")
    reported_at = tables.DateTimeColumn(format="Y-m-d H:i")
    region = tables.Column(order_by=("region__code",))
    closed_at = tables.DateTimeColumn(format="Y-m-d", verbose_name=_("closed"))

    class Meta(BaseTable.Meta):
        model = Case
        fields = (
            "number",
            "person",
            "disease",
            "classification",
            "source",
            "onset_at",
            "reported_at",
            "region",
            "outcome",
            "closed_at",
            "status",
        )


class ExposureSiteTable(BaseTable):
    name = tables.Column(linkify=True)
    started_at = tables.DateTimeColumn(format="Y-m-d H:i")
    ended_at = tables.DateTimeColumn(format="Y-m-d H:i")
    region = tables.Column(order_by=("region__code",))
    exposed = tables.Column(verbose_name=_("persons exposed"), accessor="exposure_count", orderable=False, default=0)

    class Meta(BaseTable.Meta):
        model = ExposureSite
        fields = ("name", "kind", "address", "started_at", "ended_at", "region", "exposed", "status")


class ExposureTable(BaseTable):
    id = tables.Column(linkify=True, verbose_name=_("no."))
    person = tables.Column(linkify=True, order_by=("person__name",))
    exposed_to = tables.Column(verbose_name=_("exposed to"), accessor="source_person", empty_values=(), orderable=False)
    exposed_on = tables.DateColumn(format="Y-m-d")
    last_exposed_on = tables.DateColumn(format="Y-m-d")

    class Meta(BaseTable.Meta):
        model = Exposure
        fields = (
            "id",
            "person",
            "exposed_to",
            "exposed_on",
            "last_exposed_on",
            "setting",
            "proximity",
            "source",
            "status",
        )

    # the persons exposed at a site: built by the generic detail page from ``ExposureSite.exposures``
    related = ("person", "source_person", "source_site")

    def render_exposed_to(self, record):
        target = record.source_person or record.source_site
        return format_html('<a href="{}">{}</a>', target.get_absolute_url(), target) if target else "—"

    def value_exposed_to(self, record):
        return str(record.source_person or record.source_site or "")


class ContactTable(tables.Table):
    """Contacts of a case (or of a person): class with its word, degree, through whom, when."""

    person = tables.Column(linkify=True, order_by=("person__name",))
    contact_class = tables.Column(attrs={"td": {"data-col": "class"}})
    degree = tables.Column()
    via = tables.Column(accessor="via__person", verbose_name=_("through"), linkify=True, orderable=False)
    shared_site = tables.Column(verbose_name=_("at site"), orderable=False, default="")
    case = tables.Column(linkify=True, order_by=("case__number",))
    first_exposed_on = tables.DateColumn(format="Y-m-d")
    last_exposed_on = tables.DateColumn(format="Y-m-d")
    controlled_at = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta:
        model = Contact
        fields = (
            "person",
            "contact_class",
            "degree",
            "via",
            "shared_site",
            "case",
            "first_exposed_on",
            "last_exposed_on",
            "controlled_at",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = ""

    def render_contact_class(self, record, value):
        css = "text-bg-danger" if record.contact_class == "close" else "text-bg-warning"
        return format_html('<span class="badge {}">{}</span>', css, value)


class ClusterTable(BaseTable):
    code = tables.Column(linkify=True)
    name = tables.Column()
    disease = tables.Column()
    size = tables.Column(attrs={"td": {"class": "text-end"}})
    case_count = tables.Column(attrs={"td": {"class": "text-end"}})
    first_onset = tables.DateColumn(format="Y-m-d")
    latest_onset = tables.DateColumn(format="Y-m-d")
    is_active = tables.Column(verbose_name=_("active"), orderable=True, empty_values=())
    chain = tables.Column(verbose_name=_("chain view"), empty_values=(), orderable=False, exclude_from_export=True)

    class Meta(BaseTable.Meta):
        model = Cluster
        fields = ("code", "name", "disease", "size", "case_count", "first_onset", "latest_onset", "region", "is_active")

    def render_is_active(self, value):
        if value:
            return format_html('<span class="badge text-bg-danger">{}</span>', _("active"))
        return format_html('<span class="badge text-bg-success">{}</span>', _("quiet"))

    def value_is_active(self, value):
        return str(_("active")) if value else str(_("quiet"))

    def render_chain(self, record):
        from django.urls import reverse

        return format_html(
            '<a href="{}">{}</a>', reverse("epidemic:cluster_chain", kwargs={"pk": record.pk}), _("open")
        )
