"""Organizations and departments."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safecity.core.models import ScopedModel
from safecity.core.validators import validate_phone

from .choices import OrganizationKind, Sector
from .validators import validate_credit_code


class Organization(ScopedModel):
    """A government department, enterprise, institution or community body in a region.

    Departments (kind *government*) are what users belong to and what "responsible unit" points at
    across the domain apps; enterprises are the units inspected and reporting.
    """

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices, db_index=True)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("superior organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True, validators=[validate_phone])
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    responsible_phone = models.CharField(
        _("responsible person's phone"), max_length=30, blank=True, validators=[validate_phone]
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["region__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="orgs_organization_unique_name_in_region"),
            models.UniqueConstraint(
                fields=["credit_code"], condition=~models.Q(credit_code=""), name="orgs_organization_unique_credit_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name
