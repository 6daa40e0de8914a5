"""Figures of hazard inspection and rectification (Order No. 16, 2008; local practice)."""

from safecity.accounts.roles import Role

from .choices import HazardStatus

#: A hazard waiting for its rectification (and overdue once past its deadline in one of these states).
RECTIFYING_STATUSES = (HazardStatus.ASSIGNED, HazardStatus.RECTIFYING)

#: Who re-inspects rectified hazards in their area ("My work" on the home page): county and town staff.
REINSPECTOR_ROLES = frozenset({Role.COUNTY_STAFF.value, Role.TOWN_STAFF.value})

#: A major hazard's remediation plan has six elements (Order No. 16 art. 15).
MAJOR_PLAN_ELEMENTS = ("plan_goals", "plan_methods", "plan_funds", "plan_people", "plan_deadline", "plan_safety")

#: The supervising department reviews on site within 10 days of the written application to resume.
REVIEW_DAYS_AFTER_APPLICATION = 10

#: How often the overdue sweep runs (seconds): deadlines are whole days.
OVERDUE_SWEEP_SECONDS = 3600

#: Days overdue after which the escalation goes one level up (to the county/HQ staff of the region).
ESCALATE_AFTER_DAYS_OVERDUE = 3

#: Default rectification period by hazard level, in days (an ordinary one is fixed at once).
DEFAULT_RECTIFICATION_DAYS = {"ordinary": 7, "major": 60}

#: Photos: accepted image formats (Pillow's name → file extension), largest file, largest image, thumbnail box.
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_PIXELS = 50_000_000
THUMBNAIL_SIZE = (320, 320)
