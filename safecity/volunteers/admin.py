from django.contrib import admin

from safecity.core.admin import ScopedModelAdmin

from .models import Deployment, Participation, Skill, TeamMembership, Volunteer, VolunteerTeam


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order")


@admin.register(Volunteer)
class VolunteerAdmin(ScopedModelAdmin):
    list_display = ("name", "region", "status", "joined_on")
    list_filter = ("status", "skills")
    search_fields = ("name",)
    raw_id_fields = ("region",)
    exclude = ("id_number", "phone")  # personal data: pages show them masked, with the logged full view
    readonly_fields = ("consent_at", "consent_version", "status", "status_reason", "status_since")

    def has_add_permission(self, request):
        return False  # registration needs the volunteer's consent: the registration page asks for it


@admin.register(VolunteerTeam)
class VolunteerTeamAdmin(ScopedModelAdmin):
    list_display = ("name", "region")
    search_fields = ("name",)
    raw_id_fields = ("region",)


@admin.register(TeamMembership)
class TeamMembershipAdmin(ScopedModelAdmin):
    list_display = ("team", "volunteer", "role", "joined_on", "left_on")
    raw_id_fields = ("team", "volunteer")


@admin.register(Deployment)
class DeploymentAdmin(ScopedModelAdmin):
    list_display = ("title", "kind", "region", "starts_at", "ends_at")
    list_filter = ("kind",)
    raw_id_fields = ("region", "incident", "team")


@admin.register(Participation)
class ParticipationAdmin(ScopedModelAdmin):
    """Read-only: hours are confirmed on the deployment's page (service with bounds)."""

    list_display = ("deployment", "volunteer", "hours", "confirmed_by", "confirmed_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
