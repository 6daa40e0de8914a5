from django.urls import path

from .views import daily_briefing

app_name = "briefing"
urlpatterns = [path("", daily_briefing, name="daily")]
