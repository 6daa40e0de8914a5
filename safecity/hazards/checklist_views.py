"""Checklist pages: the list of checklists by category, and one checklist with its items inline.

Checklists are city-wide configuration (no region): everyone with the view permission reads them; the
city HQ (``services.may_edit_checklists``) edits them. Inspections keep a snapshot of the items they
were answered against, so an edit never changes an inspection already done.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from . import services
from .choices import TargetCategory
from .forms import ChecklistForm, ChecklistItemFormSet
from .models import Checklist


def _require_view(user) -> None:
    if not user.has_perm("hazards.view_checklist"):
        raise PermissionDenied


@login_required
def checklist_list(request):
    """Every target category with its checklist (or none yet) and the number of items."""
    _require_view(request.user)
    checklists = {c.category: c for c in Checklist.objects.prefetch_related("items")}
    rows = [
        {"category": value, "label": label, "checklist": checklists.get(value)}
        for value, label in TargetCategory.choices
    ]
    return render(
        request,
        "hazards/checklist_list.html",
        {"rows": rows, "can_edit": services.may_edit_checklists(request.user)},
    )


@login_required
def checklist_edit(request, category: str):
    """One category's checklist with its items; editable by the city HQ, read-only for everyone else."""
    _require_view(request.user)
    if category not in TargetCategory.values:
        raise Http404
    checklist = Checklist.objects.filter(category=category).first() or Checklist(category=category)
    can_edit = services.may_edit_checklists(request.user)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = ChecklistForm(data=request.POST, instance=checklist, user=request.user)
        items = ChecklistItemFormSet(data=request.POST, instance=checklist, prefix="items")
        if form.is_valid() and items.is_valid():
            services.checklist_save(actor=request.user, form=form, items=items)
            messages.success(request, _("Checklist saved. Inspections already done keep the items they answered."))
            return HttpResponseRedirect(reverse("hazards:checklist_edit", args=[category]))
        status = 400
    else:
        form = ChecklistForm(instance=checklist, user=request.user)
        items = ChecklistItemFormSet(instance=checklist, prefix="items")
    history = []
    if checklist.pk:
        history = list(checklist.history.select_related("history_user").order_by("-history_date")[:20])
    return render(
        request,
        "hazards/checklist_edit.html",
        {
            "checklist": checklist,
            "category_label": TargetCategory(category).label,
            "form": form,
            "items": items,
            "can_edit": can_edit,
            "history": history,
            "item_list": list(checklist.items.all()) if checklist.pk else [],
        },
        status=status,
    )
