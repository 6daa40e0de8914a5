from .views import CapMessageViews, WarningSignalViews

app_name = "alerts"
urlpatterns = [*WarningSignalViews.urls(), *CapMessageViews.urls()]
