"""Base models: every SafeCity record has timestamps, authorship, history and archive-instead-of-delete.

Two bases, one per kind of record:

* :class:`BaseModel` — timestamps, created/updated by, ``archived_at``, full history
  (django-simple-history), and a :class:`~safecity.core.querysets.RestrictedQuerySet` manager.
* :class:`ScopedModel` — a ``BaseModel`` that belongs to a region; reads are scoped by the region's
  code prefix. Models that reach their region another way override :meth:`BaseModel.scope_q`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .querysets import RestrictedQuerySet
from .scoping import Scope


class _EveryFieldButId:
    """simple-history's ``no_db_index``: the field names whose history column gets no index — every one but the
    record's ``id``. History is read per record (``id``, ordered by ``history_date``, which simple-history
    indexes itself, as it does ``history_user``); an index per copied column (created_at, archived_at, every
    foreign key) only made each write slower: a million-person import wrote 11 indexes on the history table."""

    def __contains__(self, name: object) -> bool:
        return name != "id"

    def __iter__(self):
        return iter(())

    def __deepcopy__(self, memo):
        return self


def audit_user_field(verbose_name, **options) -> models.ForeignKey:
    """Who created / last changed a record (set by the services from the signed-in user, never in a form)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        **options,
    )


def reaching_q(scopes: Iterable[Scope], path: str = "region") -> Q:
    """Rows whose region (at ``path``) is inside one of ``scopes`` or above it: for records that concern
    everyone below them — a city-wide warning or typhoon response reaches every county and town in the city."""
    from safecity.geo.codes import prefixes_above

    q = Q(pk__in=[])
    for scope in scopes:
        q |= Q(**{f"{path}__prefix__startswith": scope.prefix}) | Q(
            **{f"{path}__prefix__in": prefixes_above(scope.prefix)}
        )
    return q


class BaseModel(models.Model):
    """Abstract base of every SafeCity record: who and when, history, archive instead of delete."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = audit_user_field(_("created by"))
    updated_by = audit_user_field(_("updated by"))
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False, db_index=True)

    history = HistoricalRecords(inherit=True, excluded_fields=["updated_at"], no_db_index=_EveryFieldButId())

    objects = RestrictedQuerySet.as_manager()

    #: Path from this model to its ``geo.Region`` for scoping ("" means the model *is* a region).
    scope_region_path: str = "region"
    #: Path to the department (an ``orgs.Organization``) for department-limited scopes, if any.
    scope_department_path: str | None = None

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        opts = self._meta
        try:
            return reverse(f"{opts.app_label}:{opts.model_name}_detail", kwargs={"pk": self.pk})
        except NoReverseMatch:
            return ""

    @classmethod
    def scope_q(cls, scopes: Iterable[Scope]) -> Q:
        """The filter that keeps rows inside any of ``scopes``."""
        prefix_lookup = (
            f"{cls.scope_region_path}__prefix__startswith" if cls.scope_region_path else "prefix__startswith"
        )
        q = Q(pk__in=[])
        for scope in scopes:
            part = Q(**{prefix_lookup: scope.prefix})
            if scope.department_id and cls.scope_department_path:
                part &= Q(**{cls.scope_department_path: scope.department_id})
            q |= part
        return q

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def archive(self) -> None:
        """Mark as archived (the caller saves). Nothing is deleted."""
        self.archived_at = timezone.now()


class ScopedModel(BaseModel):
    """A record that belongs to a region: what a user may see follows the region tree."""

    region = models.ForeignKey(
        "geo.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_set",
    )

    class Meta:
        abstract = True


class PersonalDataAccess(models.Model):
    """One look at a masked value (ID number, phone) in full: who, what, when. Kept as the PIPL audit trail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("record type"), on_delete=models.PROTECT
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    field = models.CharField(_("field"), max_length=50)
    accessed_at = models.DateTimeField(_("accessed at"), auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-accessed_at"]
        permissions = [("reveal_personal_data", _("Can see identity numbers and phones in full"))]
        indexes = [models.Index(fields=["content_type", "object_id"], name="core_pda_object_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.content_type.model}#{self.object_id}.{self.field}"


class NotificationLevel(models.TextChoices):
    """Severity, in the UI's colour language."""

    INFO = "info", _("information")
    WARNING = "warning", _("warning")
    DANGER = "danger", _("urgent")


class Notification(models.Model):
    """A message to one user in the in-app notification centre; outbound copies go through :class:`Delivery`."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    level = models.CharField(
        _("level"), max_length=10, choices=NotificationLevel.choices, default=NotificationLevel.INFO
    )
    target_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("record type"), on_delete=models.PROTECT, null=True, blank=True
    )
    target_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    #: Same key, same recipient: notified once (a sweep run twice sends nothing twice).
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], condition=~Q(dedupe_key=""), name="core_notification_once_per_key"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="core_notification_unread_idx")]

    def __str__(self) -> str:
        return self.title


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed, will retry")
    DEAD = "dead", _("given up")


class Delivery(models.Model):
    """The outbox: one notification to one outbound channel (email, webhook …), retried until sent.

    A row is created in the same transaction as its notification, so nothing is lost if a channel
    is down; the worker sends each row at most once (row lock + status), with back-off on failure.
    """

    notification = models.ForeignKey(
        Notification, verbose_name=_("notification"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=50)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now, db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="core_delivery_once_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.notification} → {self.channel} ({self.status})"


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    CHECKING = "checking", _("checking the rows")
    CHECKED = "checked", _("checked")
    IMPORT_QUEUED = "import_queued", _("queued for import")
    IMPORTING = "importing", _("importing")
    DONE = "done", _("imported")
    FAILED = "failed", _("failed")


class ImportJob(models.Model):
    """A large import run by the background workers: checked row by row with progress, then — after
    the user confirms a file without errors — saved all or nothing. Small files are imported in the
    request; this carries the same rules to files of tens of thousands of rows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    model = models.CharField(_("record type"), max_length=100)
    file = models.CharField(_("stored file"), max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=15, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED, db_index=True
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    created_count = models.PositiveIntegerField(_("records imported"), default=0)
    #: ``[[row, column, message], …]`` (at most 1,000), plus file-level messages in ``message``.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status in (ImportJobStatus.DONE, ImportJobStatus.CHECKED):
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0

    @property
    def running(self) -> bool:
        return self.status in (
            ImportJobStatus.QUEUED,
            ImportJobStatus.CHECKING,
            ImportJobStatus.IMPORT_QUEUED,
            ImportJobStatus.IMPORTING,
        )
