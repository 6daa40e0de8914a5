from .views import UserViews

app_name = "accounts"
urlpatterns = UserViews.urls()
