from django.urls import path

from .views import (
    DepotMapView,
    DepotViews,
    EquipmentViews,
    ExpertViews,
    RescueTeamViews,
    ReserveStandardViews,
    TeamMemberViews,
)

app_name = "resources"
urlpatterns = [
    path("depots/map/", DepotMapView.as_view(config=DepotViews), name="depot_map"),
    *DepotViews.urls(),
    *ReserveStandardViews.urls(),
    *EquipmentViews.urls(),
    *ExpertViews.urls(),
    *RescueTeamViews.urls(),
    *TeamMemberViews.urls(),
]
