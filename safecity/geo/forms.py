from django import forms
from django.forms.models import construct_instance
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safecity.core.forms import BaseModelForm

from . import codes
from .choices import RegionLevel
from .fields import RegionChoiceField
from .models import Region


class RegionForm(BaseModelForm):
    """Create or edit a region. The level and the subtree prefix follow from the code."""

    parent = RegionChoiceField(
        queryset=Region.objects.filter(level__lte=RegionLevel.VILLAGE),
        required=False,
        label=_("parent region"),
        help_text=_("Left empty, it is found from the code."),
    )

    class Meta:
        model = Region
        fields = ["code", "name", "parent", "population", "latitude", "longitude", "boundary"]
        widgets = {"boundary": forms.Textarea(attrs={"rows": 3})}

    def clean_code(self):
        try:
            return codes.normalize_code(self.cleaned_data["code"])
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc


class RegionImportForm(BaseModelForm):
    """One row of a region import. The parent may be an existing region or an earlier row of the same file."""

    parent_code = forms.CharField(label=_("parent region code"), required=False)

    class Meta:
        model = Region
        fields = ["code", "name", "population", "latitude", "longitude"]

    def clean_code(self):
        try:
            return codes.normalize_code(self.cleaned_data["code"])
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("code")
        if not code:
            return cleaned
        if Region.objects.filter(code=code).exists():
            self.add_error("code", gettext("Region code %(code)s already exists.") % {"code": code})
            return cleaned
        expected = codes.parent_code(code)
        given = cleaned.get("parent_code")
        if given:
            try:
                given = codes.normalize_code(given)
            except forms.ValidationError as exc:
                self.add_error("parent_code", exc.messages)
                return cleaned
            if expected and given != expected:
                self.add_error(
                    "parent_code",
                    gettext("The parent of region code %(code)s should be %(expected)s.")
                    % {"code": code, "expected": expected},
                )
                return cleaned
        pending = self.import_context.setdefault("codes", set()) if self.import_context is not None else set()
        if expected and codes.level_of(code) > RegionLevel.CITY:
            in_db = Region.objects.restrict(self.user, "view").filter(code=expected).exists()
            if not in_db and expected not in pending:
                self.add_error(
                    "code",
                    gettext(
                        "The parent region %(parent)s does not exist or is outside your area "
                        "(nor is it in an earlier row of this file)."
                    )
                    % {"parent": expected},
                )
                return cleaned
        pending.add(code)
        return cleaned

    def _post_clean(self):
        # The parent is resolved at save time (it may be created by an earlier row of the same file).
        self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)

    def save(self, commit=True):
        instance = super().save(commit=False)
        parent = codes.parent_code(instance.code)
        instance.parent = Region.objects.filter(code=parent).first() if parent else None
        if commit:
            instance.save()
        return instance
