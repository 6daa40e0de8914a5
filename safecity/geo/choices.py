"""Region levels and the code layout of the 12-digit statistical division code (grids add 3 digits)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    """Administrative level. The value orders levels from the top."""

    PROVINCE = 1, _("province")
    CITY = 2, _("city")
    COUNTY = 3, _("county")
    TOWN = 4, _("town")
    VILLAGE = 5, _("village")
    GRID = 6, _("grid")


#: Significant digits of the code at each level: ``44`` / ``4407`` / ``440705`` / ``440705101`` /
#: ``440705101001`` / ``440705101001001``.
PREFIX_LENGTH = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWN: 9,
    RegionLevel.VILLAGE: 12,
    RegionLevel.GRID: 15,
}
