from .views import TyphoonResponseViews, VesselViews

app_name = "typhoon"
urlpatterns = [*TyphoonResponseViews.urls(), *VesselViews.urls()]
