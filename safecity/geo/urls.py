from .views import RegionViews

app_name = "geo"
urlpatterns = RegionViews.urls()
