from .views import DepotViews, EquipmentViews, ExpertViews, RescueTeamViews, ReserveStandardViews

app_name = "resources"
urlpatterns = [
    *DepotViews.urls(),
    *ReserveStandardViews.urls(),
    *EquipmentViews.urls(),
    *ExpertViews.urls(),
    *RescueTeamViews.urls(),
]
