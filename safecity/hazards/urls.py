from django.urls import path

from .checklist_views import checklist_edit, checklist_list
from .views import CampaignViews, HazardViews, InspectionTargetViews, InspectionTeamViews, inspection_detail

app_name = "hazards"
urlpatterns = [
    *InspectionTargetViews.urls(),
    *HazardViews.urls(),
    *InspectionTeamViews.urls(),
    *CampaignViews.urls(),
    path("inspections/<int:pk>/", inspection_detail, name="inspection_detail"),
    path("checklists/", checklist_list, name="checklist_list"),
    path("checklists/<str:category>/", checklist_edit, name="checklist_edit"),
]
