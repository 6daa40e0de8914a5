from safecity.core.views import ObjectViews

from .filtersets import UserFilterSet
from .forms import UserForm, UserImportForm
from .models import User
from .tables import UserTable


class UserViews(ObjectViews):
    model = User
    table = UserTable
    filterset = UserFilterSet
    form = UserForm
    import_form = UserImportForm
    import_bulk = False  # roles and scopes are saved with each user
    select_related = ("department",)
    prefetch_related = ("groups", "scopes__region")
    masked_fields = {"phone": "phone", "id_number": "id_number"}
    detail_fields = [
        "username",
        "full_name",
        "title",
        "phone",
        "id_number",
        "email",
        "department",
        "is_active",
        "last_login",
    ]
