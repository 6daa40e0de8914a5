from .views import FacilityStaffViews, FacilityViews, StayViews

app_name = "quarantine"
urlpatterns = [*FacilityViews.urls(), *FacilityStaffViews.urls(), *StayViews.urls()]
