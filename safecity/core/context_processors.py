from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .navigation import menu_for
from .notifications import unread_count
from .scoping import get_scopes


def navigation(request):
    """The menu, the site name and the unread count for every page.

    Lazy: templates rendered inside a page with the request (tables, fragments) run context
    processors again, and must not repeat the queries unless they show these values.
    """
    user = getattr(request, "user", None)
    if user is None:
        return {"safecity_site_name": settings.SAFECITY["SITE_NAME"]}
    return {
        "safecity_site_name": settings.SAFECITY["SITE_NAME"],
        "nav_menu": SimpleLazyObject(lambda: menu_for(user)),
        "user_scopes": SimpleLazyObject(lambda: get_scopes(user)),
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user)),
    }
