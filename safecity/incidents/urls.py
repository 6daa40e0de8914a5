from .views import IncidentViews

app_name = "incidents"
urlpatterns = IncidentViews.urls()
