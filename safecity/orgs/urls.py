from .views import OrganizationViews

app_name = "orgs"
urlpatterns = OrganizationViews.urls()
