from .views import ContingencyPlanViews, DrillViews

app_name = "plans"
urlpatterns = [*ContingencyPlanViews.urls(), *DrillViews.urls()]
