from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    """What kind of body an organization is."""

    GOVERNMENT = "government", _("government department")
    ENTERPRISE = "enterprise", _("enterprise")
    INSTITUTION = "institution", _("public institution")
    SOCIAL = "social", _("social organization")
    COMMUNITY = "community", _("village or community committee")


class Sector(models.TextChoices):
    """The line of work: for departments their remit, for enterprises their industry's supervising sector."""

    HEALTH = "health", _("health")
    EMERGENCY_MANAGEMENT = "emergency_management", _("emergency management")
    TRANSPORT = "transport", _("transport")
    NATURAL_RESOURCES = "natural_resources", _("natural resources and forestry")
    AGRICULTURE_FISHERIES = "agriculture_fisheries", _("agriculture and fisheries")
    MARITIME = "maritime", _("maritime")
    HOUSING_CONSTRUCTION = "housing_construction", _("housing and construction")
    PUBLIC_SECURITY = "public_security", _("public security")
    FIRE_RESCUE = "fire_rescue", _("fire and rescue")
    EDUCATION = "education", _("education")
    CIVIL_AFFAIRS = "civil_affairs", _("civil affairs")
    MARKET_REGULATION = "market_regulation", _("market regulation")
    WATER_RESOURCES = "water_resources", _("water resources")
    ECOLOGY_ENVIRONMENT = "ecology_environment", _("ecology and environment")
    METEOROLOGY = "meteorology", _("meteorology")
    COMMERCE = "commerce", _("commerce")
    CULTURE_TOURISM = "culture_tourism", _("culture and tourism")
    INDUSTRY = "industry", _("industry and information technology")
    OTHER = "other", _("other")
