from django.urls import path

from . import views

app_name = "surveillance"
urlpatterns = [path("four-earlies/", views.four_earlies, name="four_earlies")]
