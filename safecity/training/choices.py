from django.db import models
from django.utils.translation import gettext_lazy as _


class HolderKind(models.TextChoices):
    """Who holds a certificate or attends a course."""

    VOLUNTEER = "volunteer", _("volunteer")
    EXPERT = "expert", _("expert")
    TEAM_MEMBER = "team_member", _("rescue team member")
    PERSON = "person", _("other person")


class CertificateStatus(models.TextChoices):
    """Derived from the expiry date (rules.certificate_status)."""

    VALID = "valid", _("valid")
    EXPIRING = "expiring", _("expiring soon")
    EXPIRED = "expired", _("expired")
