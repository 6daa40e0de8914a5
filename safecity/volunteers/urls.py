from .views import DeploymentViews, VolunteerTeamViews, VolunteerViews

app_name = "volunteers"
urlpatterns = [
    *VolunteerViews.urls(),
    *VolunteerTeamViews.urls(),
    *DeploymentViews.urls(),
]
