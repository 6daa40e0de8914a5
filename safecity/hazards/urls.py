from .views import CampaignViews, HazardViews, InspectionTargetViews, InspectionTeamViews

app_name = "hazards"
urlpatterns = [*InspectionTargetViews.urls(), *HazardViews.urls(), *InspectionTeamViews.urls(), *CampaignViews.urls()]
