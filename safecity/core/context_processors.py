from django.conf import settings

from .navigation import menu_for
from .notifications import unread_count
from .scoping import get_scopes


def navigation(request):
    """The menu and the site name for every page."""
    user = getattr(request, "user", None)
    if user is None:
        return {"safecity_site_name": settings.SAFECITY["SITE_NAME"]}
    return {
        "safecity_site_name": settings.SAFECITY["SITE_NAME"],
        "nav_menu": menu_for(user),
        "user_scopes": get_scopes(user),
        "unread_notifications": unread_count(user),
    }
