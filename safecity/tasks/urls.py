from .views import TaskViews

app_name = "tasks"
urlpatterns = TaskViews.urls()
