"""Form fields for choosing regions: options in code order, indented by level, so the tree is visible."""

from django import forms

from .choices import RegionLevel


class RegionChoiceField(forms.ModelChoiceField):
    """A region select whose options read like the tree (新会区 / 　大泽镇 / 　　五和村)."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset.order_by("code"), **kwargs)

    def label_from_instance(self, obj) -> str:
        depth = max(0, obj.level - RegionLevel.COUNTY)
        return "\u3000" * depth + obj.name
