"""Users, their region scopes and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from safecity.core.querysets import RestrictedQuerySet
from safecity.core.validators import validate_id_number, validate_phone

from .roles import Role


class UserQuerySet(RestrictedQuerySet):
    pass


class SafeCityUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in: HQ duty officer, county or town staff, grid worker, leader …

    What they may do comes from their roles (groups); where, from their :class:`UserScope` rows.
    """

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    id_number = models.CharField(
        _("identity number"),
        max_length=18,
        blank=True,
        validators=[validate_id_number],
        help_text=_("Resident identity number; shown masked."),
    )
    title = models.CharField(_("job title"), max_length=50, blank=True)
    department = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["last_login", "password"])
    objects = SafeCityUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})" if self.full_name else self.username

    @classmethod
    def scope_q(cls, scopes) -> Q:
        """A user is visible to those whose scopes contain one of the user's scope regions."""
        region_q = Q(pk__in=[])
        for scope in scopes:
            region_q |= Q(region__prefix__startswith=scope.prefix)
        return Q(Exists(UserScope.objects.filter(region_q, user=OuterRef("pk"))))

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def roles(self) -> list[str]:
        names = {g.name for g in self.groups.all()}
        return [r.label for r in Role if r.value in names]

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("accounts:user_detail", kwargs={"pk": self.pk})


class UserScope(models.Model):
    """One region (optionally narrowed to one department) a user may act in."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="scopes")
    region = models.ForeignKey("geo.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("user scope")
        verbose_name_plural = _("user scopes")
        constraints = [
            models.UniqueConstraint(fields=["user", "region", "department"], name="accounts_userscope_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region}" + (f" · {self.department}" if self.department_id else "")
