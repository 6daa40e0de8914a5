from django.contrib import admin

from safecity.core.admin import ScopedModelAdmin

from .models import Attendance, Certificate, Course, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "validity_months", "order")


@admin.register(Course)
class CourseAdmin(ScopedModelAdmin):
    list_display = ("title", "topic", "region", "starts_on", "ends_on")
    list_filter = ("topic",)
    search_fields = ("title", "organiser")
    raw_id_fields = ("region",)


@admin.register(Attendance)
class AttendanceAdmin(ScopedModelAdmin):
    list_display = ("course", "holder_kind", "person_name", "passed", "score")
    raw_id_fields = ("course", "volunteer", "expert", "team_member")
    exclude = ("person_id_number", "person_phone")


@admin.register(Certificate)
class CertificateAdmin(ScopedModelAdmin):
    list_display = ("number", "topic", "holder_kind", "region", "issued_on", "expires_on")
    list_filter = ("topic", "holder_kind")
    search_fields = ("number", "person_name")
    raw_id_fields = ("region", "course", "volunteer", "expert", "team_member")
    exclude = ("person_id_number", "person_phone")
