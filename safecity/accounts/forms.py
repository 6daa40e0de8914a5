from django import forms
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from safecity.core.forms import BaseModelForm, ImportChoiceField
from safecity.core.validators import normalize_id_number, normalize_phone
from safecity.geo.codes import normalize_code
from safecity.geo.fields import RegionChoiceField
from safecity.geo.models import Region
from safecity.orgs.models import Organization

from .models import User, UserScope
from .roles import Role


class RoleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        try:
            return Role(obj.name).label
        except ValueError:
            return obj.name


class RegionMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return RegionChoiceField.label_from_instance(self, obj)


class UserForm(BaseModelForm):
    """Create or edit a user: who they are, their roles and the regions they act in."""

    roles = RoleChoiceField(queryset=Group.objects.filter(name__in=Role.values), required=False, label=_("roles"))
    scope_regions = RegionMultipleChoiceField(
        queryset=Region.objects.all(),
        label=_("regions of responsibility"),
        help_text=_("The user sees and works on records in these regions and everything below them."),
    )
    password = forms.CharField(
        label=_("password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Required for a new user; leave empty to keep the current password."),
    )

    fieldsets = [
        (_("Account"), ["username", "password", "is_active"]),
        (_("Person"), ["full_name", "title", "phone", "id_number", "email", "department"]),
        (_("Roles and regions"), ["roles", "scope_regions"]),
    ]

    class Meta:
        model = User
        fields = ["username", "full_name", "title", "phone", "id_number", "email", "department", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = self.fields["department"].queryset.filter(kind="government")
        if self.instance.pk and "roles" in self.fields:
            self.fields["roles"].initial = list(self.instance.groups.filter(name__in=Role.values))
            self.fields["scope_regions"].initial = [s.region_id for s in self.instance.scopes.all()]

    def clean_phone(self):
        value = self.cleaned_data.get("phone")
        return normalize_phone(value) if value else value

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number")
        return normalize_id_number(value) if value else value

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if not self.instance.pk and not password:
            self.add_error("password", _("A new user needs a password."))
        elif password:
            try:
                validate_password(password, self.instance)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("password"):
            user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
            self.save_m2m()
        return user

    def _save_m2m(self):
        super()._save_m2m()
        user = self.instance
        managed = Group.objects.filter(name__in=Role.values)
        user.groups.remove(*managed)
        user.groups.add(*self.cleaned_data.get("roles", []))
        wanted = set(self.cleaned_data.get("scope_regions", []))
        existing = {s.region: s for s in user.scopes.select_related("region")}
        for region, scope in existing.items():
            if region not in wanted:
                scope.delete()
        for region in wanted - set(existing):
            UserScope.objects.create(user=user, region=region, department=user.department)


class UserImportForm(UserForm):
    """One row of a user import: one role and one region code per row."""

    role = forms.ChoiceField(choices=Role.choices, label=_("role"))
    region = ImportChoiceField(
        Region.objects.all(),
        to_field_name="code",
        normalize=normalize_code,
        label=_("region code"),
        error_messages={"invalid_choice": _("Region code %(value)s does not exist or is outside your area.")},
    )
    department = ImportChoiceField(
        Organization.objects.filter(kind="government"),
        to_field_name="name",
        required=False,
        label=_("department"),
        error_messages={"invalid_choice": _("Department %(value)s does not exist or is outside your area.")},
    )

    roles = None
    scope_regions = None
    fieldsets = []

    class Meta(UserForm.Meta):
        fields = ["username", "full_name", "title", "phone", "id_number", "email", "department"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = _("Optional; without one the user cannot log in until a password is set.")

    def clean(self):
        cleaned = forms.ModelForm.clean(self)
        if cleaned.get("password"):
            try:
                validate_password(cleaned["password"], self.instance)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        if not self.cleaned_data.get("password"):
            user.set_unusable_password()
        if commit:
            user.save()
            self.save_m2m()
        return user

    def _save_m2m(self):
        forms.ModelForm._save_m2m(self)
        user = self.instance
        user.groups.add(Group.objects.get(name=self.cleaned_data["role"]))
        UserScope.objects.create(user=user, region=self.cleaned_data["region"], department=user.department)
