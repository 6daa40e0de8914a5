from .views import CertificateViews, CourseViews

app_name = "training"
urlpatterns = [*CourseViews.urls(), *CertificateViews.urls()]
