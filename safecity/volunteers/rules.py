"""Volunteer rules as data: the skill taxonomy, the consent text and its version, the hours rules.

Change the consent text → raise ``CONSENT_VERSION``: each volunteer keeps the version they agreed to.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

#: The volunteers' skill taxonomy (code, name), loaded into ``Skill`` by migration 0002; administrators keep it after.
SKILLS: list[tuple[str, str]] = [
    ("first_aid", "急救"),
    ("rescue", "搜救"),
    ("firefighting_support", "灭火协助"),
    ("water_rescue", "水上救援"),
    ("driving", "驾驶"),
    ("medical", "医疗护理"),
    ("psychology", "心理疏导"),
    ("interpreting", "翻译"),
    ("communications", "通信"),
    ("logistics", "后勤保障"),
    ("drone", "无人机"),
    ("epidemic_support", "防疫协助"),
    ("publicity", "宣传"),
]

#: The version of the consent text a volunteer agrees to at registration (PIPL art. 13–14, 29).
CONSENT_VERSION = "2026-01"
CONSENT_TEXT = _(
    "I agree that the emergency management office keeps my name, identity number, phone, address and skills "
    "to organise volunteer training and deployments and to certify my service hours. I may ask to see, correct "
    "or delete them at any time; they are not passed to anyone else."
)

#: Values an import file may use for "consent given".
CONSENT_YES = {"是", "同意", "已同意", "已签署", "y", "yes", "true", "1", "√", "✓"}
CONSENT_NO = {"否", "不同意", "未同意", "n", "no", "false", "0", ""}

#: Rows per page of the hours report; the XLSX file holds every row of the period.
HOURS_PAGE_ROWS = 100


def load_skills(apps=None) -> None:
    """Add the skills of :data:`SKILLS` that are missing (never changes an existing one)."""
    from django.apps import apps as global_apps

    Skill = (apps or global_apps).get_model("volunteers", "Skill")
    for order, (code, name) in enumerate(SKILLS, start=1):
        Skill.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})
