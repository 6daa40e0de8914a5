from .views import CaseViews, ClusterViews, ExposureSiteViews, ExposureViews, PersonViews

app_name = "epidemic"
urlpatterns = [
    *PersonViews.urls(),
    *CaseViews.urls(),
    *ExposureSiteViews.urls(),
    *ExposureViews.urls(),
    *ClusterViews.urls(),
]
