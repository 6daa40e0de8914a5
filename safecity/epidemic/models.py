"""Epidemic investigation: disease protocols (versioned data), the person index, cases, exposures,
contacts computed from the graph, and transmission-chain clusters maintained on write.

Nothing here is tied to one disease: COVID-19, dengue, influenza and the next unknown disease run on
the same tables; what differs between them (look-back days, measures and their periods, test days,
which settings make a secondary contact, how long personal data is kept) is a :class:`Protocol`
version, i.e. data.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safecity.core.models import BaseModel, ScopedModel, audit_user_field
from safecity.core.validators import validate_id_number, validate_phone

from .choices import (
    ArrivalRisk,
    CaseSource,
    Classification,
    ContactClass,
    ExposureSource,
    MeasureKind,
    Outcome,
    Proximity,
    Setting,
    Sex,
    SiteKind,
)


class Disease(models.Model):
    """A notifiable disease managed by the platform (COVID-19, dengue fever, influenza …)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    notifiable_class = models.CharField(_("notifiable class"), max_length=10, blank=True, help_text=_("A, B or C."))
    vector_borne = models.BooleanField(_("vector-borne"), default=False)

    class Meta:
        verbose_name = _("disease")
        verbose_name_plural = _("diseases")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Protocol(BaseModel):
    """One version of a disease's prevention and control protocol (防控方案), as data.

    A management plan keeps the protocol version it was made under: a new version changes new plans only.
    """

    disease = models.ForeignKey(Disease, verbose_name=_("disease"), on_delete=models.PROTECT, related_name="protocols")
    version = models.CharField(_("version"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    look_back_days = models.PositiveSmallIntegerField(
        _("look-back days"),
        default=4,
        help_text=_("Close contacts are counted from this many days before onset (or sampling, if no symptoms)."),
    )
    close_proximities = models.JSONField(
        _("proximities that make a close contact"), default=list, blank=True, help_text=_("Values of Proximity.")
    )
    secondary_settings = models.JSONField(
        _("settings that make a secondary contact"),
        default=list,
        blank=True,
        help_text=_("Values of Setting; empty means the protocol has no secondary contacts."),
    )
    retention_days = models.PositiveIntegerField(
        _("retention of personal data (days)"),
        default=180,
        help_text=_("Personal data of closed records older than this is removed or anonymised by the purge."),
    )
    notes = models.TextField(_("notes"), blank=True)

    scope_region_path = None  # protocols apply to the whole city

    class Meta:
        verbose_name = _("disease protocol")
        verbose_name_plural = _("disease protocols")
        ordering = ["disease__code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["disease", "version"], name="epidemic_protocol_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.disease} · {self.version}"

    @classmethod
    def scope_q(cls, scopes) -> Q:
        return Q()


class ProtocolMeasure(models.Model):
    """One step of what a protocol prescribes for a class of person (e.g. close contact: 7 days facility
    quarantine, tests on days 1, 2, 3, 5, 7; then 3 days home health monitoring, test on day 3)."""

    protocol = models.ForeignKey(
        Protocol, verbose_name=_("protocol"), on_delete=models.CASCADE, related_name="measures"
    )
    person_class = models.CharField(
        _("applies to"), max_length=20, choices=ContactClass.choices + ArrivalRisk.choices, db_index=True
    )
    step = models.PositiveSmallIntegerField(_("step"), default=1)
    measure = models.CharField(_("measure"), max_length=30, choices=MeasureKind.choices)
    days = models.PositiveSmallIntegerField(_("days"))
    test_days = models.JSONField(_("test days"), default=list, blank=True, help_text=_("Day numbers within this step."))

    class Meta:
        verbose_name = _("protocol measure")
        verbose_name_plural = _("protocol measures")
        ordering = ["protocol", "person_class", "step"]
        constraints = [
            models.UniqueConstraint(fields=["protocol", "person_class", "step"], name="epidemic_measure_unique_step"),
        ]

    def __str__(self) -> str:
        return f"{self.get_person_class_display()} · {self.step} · {self.get_measure_display()} {self.days}"


class Cluster(ScopedModel):
    """A transmission chain (传播链): the connected component of persons joined by exposures.

    Maintained on write (union by size in the same transaction as the exposure), so "the cluster of
    this case" is an indexed read of ``Person.cluster``. A cluster absorbed into a larger one keeps
    its row with ``merged_into`` set. ``region`` is the region of the first person of the chain.
    """

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(
        _("name"),
        max_length=100,
        blank=True,
        db_default="",  # chains are also written set-based (COPY) by the outbreak generator
        help_text=_("What investigators call the chain, e.g. a market cluster."),
    )
    disease = models.ForeignKey(
        Disease, verbose_name=_("disease"), on_delete=models.PROTECT, null=True, blank=True, related_name="clusters"
    )
    size = models.PositiveIntegerField(_("persons"), default=0)
    case_count = models.PositiveIntegerField(_("cases"), default=0)
    first_onset = models.DateField(_("first onset"), null=True, blank=True)
    latest_onset = models.DateField(_("latest onset"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), on_delete=models.PROTECT, null=True, blank=True, related_name="absorbed"
    )
    notes = models.TextField(_("notes"), blank=True, db_default="")

    class Meta:
        verbose_name = _("transmission chain")
        verbose_name_plural = _("transmission chains")
        ordering = ["-latest_onset", "-pk"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}" if self.name else self.code

    @classmethod
    def scope_q(cls, scopes) -> Q:
        """A chain is seen from its own region and from every area one of its persons lives in (a chain
        crossing counties appears in each; the graph shows other counties' persons without names)."""
        own = super().scope_q(scopes)
        persons = Person.objects.filter(Person.scope_q(scopes)).values("cluster_id")
        return own | Q(pk__in=persons)


class Person(ScopedModel):
    """One real person in the person index (人员库): cases, contacts, screened persons and arrivals.

    ``region`` is the finest known place of residence (grid, village or town). The identity number is
    stored normalised so that it can be matched, and shown masked unless the user may see it in full.
    A person merged into another keeps its row (archived, ``merged_into`` set) and history.
    """

    # Indexes: one per look-up actually made (see Meta.indexes) — no ``db_index`` here, which would add a
    # ``varchar_pattern_ops`` twin per column. A screening list writes up to a million persons at once, and
    # every index (and every foreign-key check) is paid per row: the base model's indexes on ``created_at``,
    # ``archived_at`` and the audit users are not made for this table (no page reads persons by them), and the
    # audit users are not checked by the database (they are set by the services from the signed-in user;
    # users are deactivated, never deleted, and Django still refuses to delete one that created persons).
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = audit_user_field(_("created by"), db_index=False, db_constraint=False)
    updated_by = audit_user_field(_("updated by"), db_index=False, db_constraint=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(_("identity number"), max_length=18, blank=True, validators=[validate_id_number])
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("transmission chain"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="persons",
        db_index=False,  # partial index in Meta: most persons (screened, arrivals) are in no chain
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
        db_index=False,  # partial index in Meta
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~Q(id_number="") & Q(merged_into__isnull=True),
                name="epidemic_person_unique_id_number",
            ),
        ]
        indexes = [
            # the list's order by name (the name search is ``icontains``: no B-tree serves it)
            models.Index(fields=["name", "phone"], name="epidemic_person_name_phone"),
            # search by exact identity number (any person, merged or not) and the import's dedupe
            # ``id_number = ANY(…)`` (the partial unique index serves neither: they do not state its condition)
            models.Index(fields=["id_number"], name="epidemic_person_id_number"),
            # search by exact phone; the import's dedupe ``phone = ANY(…)``
            models.Index(fields=["phone"], name="epidemic_person_phone"),
            # the persons of a chain; of a merged-away duplicate (only the few such rows are in these indexes)
            models.Index(fields=["cluster"], name="epidemic_person_cluster", condition=Q(cluster__isnull=False)),
            models.Index(
                fields=["merged_into"], name="epidemic_person_merged_into", condition=Q(merged_into__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Case(ScopedModel):
    """A case (病例) of a disease in a person: classification over time, the timestamps the "four
    earlies" are measured from, where it was found and how it ended. ``region`` is the managing region."""

    number = models.CharField(_("case number"), max_length=30, unique=True)
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="cases")
    disease = models.ForeignKey(Disease, verbose_name=_("disease"), on_delete=models.PROTECT, related_name="cases")
    protocol = models.ForeignKey(
        Protocol, verbose_name=_("protocol"), on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    classification = models.CharField(_("classification"), max_length=20, choices=Classification.choices, db_index=True)
    source = models.CharField(_("found through"), max_length=30, choices=CaseSource.choices, db_index=True)
    onset_at = models.DateTimeField(_("symptom onset"), null=True, blank=True)
    sampled_at = models.DateTimeField(_("sampled at"), null=True, blank=True)
    detected_at = models.DateTimeField(_("detected at"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True, db_index=True)
    isolated_at = models.DateTimeField(_("isolated at"), null=True, blank=True)
    treated_at = models.DateTimeField(_("treatment started at"), null=True, blank=True)
    place = models.CharField(_("where found"), max_length=255, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.UNDER_TREATMENT, db_index=True
    )
    outcome_at = models.DateTimeField(_("outcome at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, db_index=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.person}"


class ExposureSite(ScopedModel):
    """A place, event, consignment or vehicle persons were exposed at (an exposure's non-person end)."""

    kind = models.CharField(_("kind"), max_length=20, choices=SiteKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=255, blank=True)
    started_at = models.DateTimeField(_("from"), null=True, blank=True)
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("exposure site")
        verbose_name_plural = _("exposure sites")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class Exposure(BaseModel):
    """A typed edge of the transmission graph: ``person`` was exposed to ``source_person`` (or at
    ``source_site``) on ``exposed_on``, in a setting and at a proximity. Contact classes are computed
    from exposures and the protocol (:class:`Contact`), never typed by hand."""

    source_person = models.ForeignKey(
        Person,
        verbose_name=_("exposed to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exposures_out",
    )
    source_site = models.ForeignKey(
        ExposureSite,
        verbose_name=_("exposed at"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exposures",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("exposed person"), on_delete=models.PROTECT, related_name="exposures_in"
    )
    exposed_on = models.DateField(_("exposure date"), db_index=True)
    last_exposed_on = models.DateField(_("last exposure date"), null=True, blank=True)
    setting = models.CharField(_("setting"), max_length=20, choices=Setting.choices)
    proximity = models.CharField(_("proximity"), max_length=30, choices=Proximity.choices)
    source = models.CharField(
        _("how found"), max_length=20, choices=ExposureSource.choices, default=ExposureSource.INVESTIGATION
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    scope_region_path = "person__region"

    class Meta:
        verbose_name = _("exposure")
        verbose_name_plural = _("exposures")
        ordering = ["-exposed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(source_person__isnull=False) & Q(source_site__isnull=True))
                | (Q(source_person__isnull=True) & Q(source_site__isnull=False)),
                name="epidemic_exposure_one_source",
            ),
            models.CheckConstraint(condition=~Q(source_person=models.F("person")), name="epidemic_exposure_not_self"),
        ]
        indexes = [
            models.Index(fields=["source_person", "exposed_on"], name="epidemic_exposure_src_date"),
            models.Index(fields=["person", "exposed_on"], name="epidemic_exposure_dst_date"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ← {self.source_person or self.source_site} ({self.exposed_on})"


class Contact(BaseModel):
    """A person's class relative to a case — close contact (degree 1) or secondary contact (degree 2,
    ``via`` the close contact) — computed from exposures and the case's protocol, kept current on
    every write. Management plans (follow-up) hang off this row."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="contacts")
    case = models.ForeignKey(Case, verbose_name=_("index case"), on_delete=models.PROTECT, related_name="contacts")
    contact_class = models.CharField(_("class"), max_length=20, choices=ContactClass.choices, db_index=True)
    degree = models.PositiveSmallIntegerField(_("degree"), default=1)
    via = models.ForeignKey(
        "self", verbose_name=_("through"), on_delete=models.PROTECT, null=True, blank=True, related_name="secondary"
    )
    protocol = models.ForeignKey(
        Protocol, verbose_name=_("protocol"), on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    first_exposed_on = models.DateField(_("first exposure"))
    last_exposed_on = models.DateField(_("last exposure"))
    determined_at = models.DateTimeField(_("determined at"))
    controlled_at = models.DateTimeField(
        _("put under control at"), null=True, blank=True, help_text=_("When the first measure started.")
    )

    scope_region_path = "person__region"

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-determined_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "case"], name="epidemic_contact_once_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_contact_class_display()} · {self.case.number}"
