from django.urls import path

from .views import (
    DutyLogEntryViews,
    DutyPostViews,
    HandoverAcknowledgeView,
    HandoverViews,
    RosterExportView,
    RosterImportView,
    RosterIndexView,
    RosterView,
    ShiftSwapViews,
    ShiftViews,
    SwapDecisionView,
)

app_name = "duty"
urlpatterns = [
    *DutyPostViews.urls(),
    path("roster/", RosterIndexView.as_view(), name="roster_index"),
    path("dutyposts/<int:pk>/roster/", RosterView.as_view(), name="roster"),
    path("dutyposts/<int:pk>/roster/export/", RosterExportView.as_view(), name="roster_export"),
    path("dutyposts/<int:pk>/roster/import/", RosterImportView.as_view(), name="roster_import"),
    *ShiftViews.urls(),
    *ShiftSwapViews.urls(),
    path("shiftswaps/<int:pk>/approve/", SwapDecisionView.as_view(decision="approve"), name="shiftswap_approve"),
    path("shiftswaps/<int:pk>/reject/", SwapDecisionView.as_view(decision="reject"), name="shiftswap_reject"),
    *DutyLogEntryViews.urls(),
    *HandoverViews.urls(),
    path("handovers/<int:pk>/acknowledge/", HandoverAcknowledgeView.as_view(), name="handover_acknowledge"),
]
