from django.urls import path

from .views import (
    AssistRequestViews,
    FollowUpViews,
    ManagementPlanViews,
    TestResultViews,
    protocol_detail,
    protocol_list,
)

app_name = "followup"
urlpatterns = [
    *ManagementPlanViews.urls(),
    *FollowUpViews.urls(),
    *TestResultViews.urls(),
    *AssistRequestViews.urls(),
    path("protocols/", protocol_list, name="protocol_list"),
    path("protocols/<int:pk>/", protocol_detail, name="protocol_detail"),
]
