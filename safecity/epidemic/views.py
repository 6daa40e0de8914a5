"""Epidemic investigation pages: persons (with duplicates and merge), cases (classification, closing),
exposure sites, exposures, transmission chains and the chain view.

The generic pages come from :class:`~safecity.core.views.ObjectViews`; where a write has consequences
(a person's ID number, a case, an exposure) the page calls the service instead of a plain save.
"""

from __future__ import annotations

import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecity.core.exceptions import OutOfScope
from safecity.core.views import ObjectArchiveView, ObjectEditView, ObjectView, ObjectViews, _add_model_errors

from . import person_import as _person_import  # noqa: F401 - registers the person-list job importer
from . import rules, selectors, services
from .choices import Classification, ContactClass
from .filtersets import CaseFilterSet, ClusterFilterSet, ExposureFilterSet, ExposureSiteFilterSet, PersonFilterSet
from .forms import (
    CaseForm,
    ClassifyForm,
    CloseCaseForm,
    ClusterForm,
    ExposureForm,
    ExposureSiteForm,
    MergeForm,
    PersonForm,
)
from .models import Case, Cluster, Contact, Exposure, ExposureSite, Person
from .tables import CaseTable, ClusterTable, ContactTable, ExposureSiteTable, ExposureTable, PersonTable

# --------------------------------------------------------------------------------------------------
# Service-backed edit and archive pages
# --------------------------------------------------------------------------------------------------


class ServiceEditView(ObjectEditView):
    """The generic form page, saving through ``self.perform`` (a service) instead of ``object_save``."""

    def perform(self, form, instance):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        instance = self.get_instance()
        form = self.get_form(instance, data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                obj = self.perform(form, instance)
            except OutOfScope as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:
                _add_model_errors(form, exc)
            else:
                messages.success(request, _("Saved %(object)s.") % {"object": obj})
                return HttpResponseRedirect(obj.get_absolute_url())
        return self.render_form(form, instance, status=400)


class PersonEditView(ServiceEditView):
    def perform(self, form, instance):
        person = form.instance
        if instance.pk:
            return services.person_save(actor=self.request.user, person=person)
        data = form.cleaned_data
        extra = {k: data[k] for k in ("address", "notes") if data.get(k)}
        if data.get("birth_date"):
            extra["birth_date"] = data["birth_date"]
        if data.get("sex"):
            extra["sex"] = data["sex"]
        found, created = services.person_find_or_create(
            actor=self.request.user,
            name=data["name"],
            id_number=data.get("id_number", ""),
            phone=data.get("phone", ""),
            region=data["region"],
            **extra,
        )
        if not created:
            messages.info(self.request, _("This person is already in the person index; the existing record is shown."))
        return found


class CaseEditView(ServiceEditView):
    def perform(self, form, instance):
        data = form.cleaned_data
        times = {
            f: data.get(f)
            for f in ("onset_at", "sampled_at", "detected_at", "reported_at", "isolated_at", "treated_at")
        }
        if not instance.pk:
            return services.case_create(
                actor=self.request.user,
                person=data["person"],
                disease=data["disease"],
                classification=data["classification"],
                source=data["source"],
                region=data.get("region"),
                place=data.get("place", ""),
                notes=data.get("notes", ""),
                **times,
            )
        return services.case_edit(
            actor=self.request.user,
            case=instance,
            source=data["source"],
            region=data.get("region") or instance.region,
            place=data.get("place", ""),
            notes=data.get("notes", ""),
            **times,
        )


class ExposureEditView(ServiceEditView):
    def perform(self, form, instance):
        data = form.cleaned_data
        fields = {f: data.get(f) for f in ("exposed_on", "last_exposed_on", "setting", "proximity", "source")}
        fields["note"] = data.get("note", "")
        if instance.pk:
            return services.exposure_update(actor=self.request.user, exposure=instance, **fields)
        person = data.get("person")
        if person is None:
            person, _created = services.person_find_or_create(
                actor=self.request.user,
                name=data["new_name"],
                id_number=data.get("new_id_number", ""),
                phone=data.get("new_phone", ""),
                region=data["new_region"],
            )
        return services.exposure_record(
            actor=self.request.user,
            person=person,
            source_person=data.get("source_person"),
            source_site=data.get("source_site"),
            **fields,
        )


class ServiceArchiveView(ObjectArchiveView):
    service = None

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        reason = request.POST.get("reason", "")[:100]
        try:
            type(self).service(actor=request.user, reason=reason, **{self.config.model._meta.model_name: obj})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Archived %(object)s.") % {"object": obj})
        return HttpResponseRedirect(obj.get_absolute_url())


class CaseArchiveView(ServiceArchiveView):
    service = staticmethod(services.case_archive)


class ExposureArchiveView(ServiceArchiveView):
    service = staticmethod(services.exposure_archive)


# --------------------------------------------------------------------------------------------------
# Persons
# --------------------------------------------------------------------------------------------------


class PersonViews(ObjectViews):
    model = Person
    table = PersonTable
    filterset = PersonFilterSet
    form = PersonForm
    select_related = ("region", "cluster")
    masked_fields = {"id_number": "id_number", "phone": "phone"}
    detail_fields = [
        "name",
        "id_number",
        "phone",
        "sex",
        "birth_date",
        "region",
        "address",
        "cluster",
        "merged_into",
        "notes",
    ]
    detail_template = "epidemic/person_detail.html"
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    view_classes = {"add": PersonEditView, "edit": PersonEditView}
    empty_hint = gettext_lazy("No persons in your area yet. Add one, or import a screening list.")

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        user = request.user

        def table(model_qs, table_class, prefix, **kwargs):
            t = table_class(model_qs, **kwargs)
            tables.RequestConfig(request, paginate={"per_page": 20}).configure(t)
            t.prefix = prefix
            return t

        exposures_in = Exposure.objects.restrict(user).filter(person=obj, archived_at__isnull=True)
        exposures_out = Exposure.objects.restrict(user).filter(source_person=obj, archived_at__isnull=True)
        related = ("person", "source_person", "source_site")
        return {
            "cases_table": table(
                Case.objects.restrict(user).filter(person=obj).select_related("disease", "region", "person"),
                CaseTable,
                "cases-",
                exclude=("person", "status"),
            ),
            "exposures_in_table": table(
                exposures_in.select_related(*related), ExposureTable, "in-", exclude=("person", "status")
            ),
            "exposures_out_table": table(
                exposures_out.select_related(*related), ExposureTable, "out-", exclude=("exposed_to", "status")
            ),
            "contacts_table": table(
                Contact.objects.restrict(user)
                .filter(person=obj, archived_at__isnull=True)
                .select_related("case__person", "via__person", "person"),
                ContactTable,
                "contacts-",
                exclude=("person",),
            ),
            "cluster": selectors.cluster_of(obj),
            "merged_persons": Person.objects.restrict(user).filter(merged_into=obj),
            "duplicates": possible_duplicates_of(obj, user),
            "can_merge": user.has_perm("epidemic.change_person") and obj.merged_into_id is None,
            "can_add_case": user.has_perm("epidemic.add_case") and obj.merged_into_id is None,
            "can_add_exposure": user.has_perm("epidemic.add_exposure") and obj.merged_into_id is None,
            **quarantine_prompt(user, obj),
        }

    @classmethod
    def urls(cls) -> list:
        return [
            path("persons/duplicates/", duplicates, name="person_duplicates"),
            path("persons/import-list/", person_import, name="person_import"),
            path("persons/pick/", person_pick, name="person_pick"),
            *super().urls(),
            path("persons/<int:pk>/merge/", PersonMergeView.as_view(config=cls), name="person_merge"),
        ]


def quarantine_prompt(user, person: Person) -> dict:
    """Where the person is checked in, or the "check into a quarantine facility" action when one of their
    active management plans needs facility quarantine (quarantine and follow-up apps, when installed)."""
    from django.apps import apps

    if not (apps.is_installed("safecity.quarantine") and apps.is_installed("safecity.followup")):
        return {}
    from safecity.followup.choices import PlanStatus
    from safecity.followup.models import ManagementPlan
    from safecity.quarantine.selectors import check_in_prompt

    plans = (
        ManagementPlan.objects.restrict(user, "view")
        .filter(person=person, status=PlanStatus.ACTIVE, archived_at__isnull=True)
        .prefetch_related("steps")
        .order_by("start_date", "pk")
    )
    return check_in_prompt(user, person, plans)


def possible_duplicates_of(person: Person, user):
    """Other current persons with the same name and phone, or the same name and birth date."""
    q = Q(pk__in=[])
    if person.phone:
        q |= Q(phone=person.phone)
    if person.birth_date:
        q |= Q(birth_date=person.birth_date)
    return (
        Person.objects.restrict(user)
        .filter(q, name=person.name, merged_into__isnull=True)
        .exclude(pk=person.pk)
        .select_related("region")[:20]
    )


@login_required
def duplicates(request):
    """Groups of persons that are probably one person: same name and phone, or same name and birth date."""
    visible = Person.objects.restrict(request.user).filter(merged_into__isnull=True, archived_at__isnull=True)
    groups = []
    for keys in (("name", "phone"), ("name", "birth_date")):
        empty = Q(phone="") if "phone" in keys else Q(birth_date__isnull=True)
        rows = visible.exclude(empty).values(*keys).annotate(n=Count("pk")).filter(n__gt=1).order_by("-n", *keys)[:100]
        for row in rows:
            members = list(visible.filter(**{k: row[k] for k in keys}).select_related("region").order_by("pk"))
            groups.append({"rule": keys, "members": members})
    seen, unique = set(), []
    for group in groups:
        key = tuple(p.pk for p in group["members"])
        if key not in seen:
            seen.add(key)
            unique.append(group)
    return render(
        request,
        "epidemic/person_duplicates.html",
        {"groups": unique[:100], "can_merge": request.user.has_perm("epidemic.change_person")},
    )


class PersonMergeView(ObjectView):
    """Merge another record of the same person into this one (POST from the person or duplicates page)."""

    action = "change"

    def post(self, request, *args, **kwargs):
        keep = self.get_object("change")
        form = MergeForm(data=request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return HttpResponseRedirect(keep.get_absolute_url())
        try:
            services.person_merge(actor=request.user, keep=keep, duplicate=form.cleaned_data["duplicate"])
        except (ValidationError, OutOfScope) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(
                request, _("Merged %(duplicate)s into this person.") % {"duplicate": form.cleaned_data["duplicate"]}
            )
        return HttpResponseRedirect(keep.get_absolute_url())


@login_required
def person_pick(request):
    """The person picker's search results (or, with ``choose``, the picker holding the chosen person)."""
    from safecity.core.pickers import pick_response

    from .widgets import SOURCE

    return pick_response(request, SOURCE, mode="typed")


@login_required
def person_import(request):
    """Upload a screened/contact person list (CSV/XLSX, up to millions of rows): checked and imported by
    the background workers, deduplicated against the person index, progress on the job page."""
    from safecity.core.import_jobs import start_import_job

    from . import person_import as importer

    if not request.user.has_perm("epidemic.add_person"):
        raise PermissionDenied
    if request.GET.get("template"):
        return importer.template_response()
    ctx = {"columns": importer.column_labels()}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            ctx["file_error"] = _("Choose a CSV or XLSX file to import.")
            return render(request, "epidemic/person_import.html", ctx, status=400)
        if upload.size > importer.MAX_BYTES:
            ctx["file_error"] = _("The file is larger than %(size)s MB.") % {"size": importer.MAX_BYTES // 1024 // 1024}
            return render(request, "epidemic/person_import.html", ctx, status=400)
        data = upload.read()
        try:
            total = importer.count_rows(data, upload.name)
        except Exception as exc:  # an unreadable file: say so on the page
            ctx["file_error"] = str(exc)
            return render(request, "epidemic/person_import.html", ctx, status=400)
        job = start_import_job(
            actor=request.user, importer=importer.JOB_IMPORTER, data=data, filename=upload.name, total_rows=total
        )
        return HttpResponseRedirect(reverse("import_job", kwargs={"pk": job.pk}))
    return render(request, "epidemic/person_import.html", ctx)


# --------------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------------


class CaseViews(ObjectViews):
    model = Case
    table = CaseTable
    filterset = CaseFilterSet
    form = CaseForm
    select_related = ("person", "disease", "region", "protocol")
    detail_fields = [
        "number",
        "person",
        "disease",
        "protocol",
        "classification",
        "source",
        "region",
        "place",
        "onset_at",
        "sampled_at",
        "detected_at",
        "reported_at",
        "isolated_at",
        "treated_at",
        "outcome",
        "outcome_at",
        "closed_at",
        "notes",
    ]
    detail_template = "epidemic/case_detail.html"
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    view_classes = {"add": CaseEditView, "edit": CaseEditView, "archive": CaseArchiveView}
    empty_hint = gettext_lazy("No cases in your area.")

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        contacts = selectors.contacts_of_case(obj, depth=2, user=request.user)
        by_class = []
        for value, label in ContactClass.choices:
            t = ContactTable(contacts.filter(contact_class=value), exclude=("case",))
            tables.RequestConfig(request, paginate={"per_page": 25}).configure(t)
            t.prefix = f"{value}-"
            by_class.append((value, label, t))
        history = []
        previous = None
        for record in obj.history.order_by("history_date", "history_id").select_related("history_user"):
            if record.classification != previous:
                history.append(
                    {
                        "at": record.history_date,
                        "user": record.history_user,
                        "from": dict(Classification.choices).get(previous, "") if previous else "",
                        "to": dict(Classification.choices).get(record.classification, record.classification),
                        "reason": record.history_change_reason or "",
                    }
                )
                previous = record.classification
        can_change = request.user.has_perm("epidemic.change_case") and obj.archived_at is None
        return {
            "contacts_by_class": by_class,
            "classification_history": history,
            "cluster": selectors.cluster_of(obj.person),
            "classify_form": ClassifyForm(user=request.user, initial={"classification": obj.classification}),
            "close_form": CloseCaseForm(user=request.user),
            "can_classify": can_change,
            "can_close": can_change and obj.closed_at is None,
        }

    @classmethod
    def urls(cls) -> list:
        return [
            *super().urls(),
            path("cases/<int:pk>/classify/", CaseClassifyView.as_view(config=cls), name="case_classify"),
            path("cases/<int:pk>/close/", CaseCloseView.as_view(config=cls), name="case_close"),
        ]


class CaseClassifyView(ObjectView):
    action = "change"

    def post(self, request, *args, **kwargs):
        case = self.get_object("change")
        form = ClassifyForm(data=request.POST, user=request.user)
        try:
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            services.case_classify(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Classification changed."))
        return HttpResponseRedirect(case.get_absolute_url())


class CaseCloseView(ObjectView):
    action = "change"

    def post(self, request, *args, **kwargs):
        case = self.get_object("change")
        form = CloseCaseForm(data=request.POST, user=request.user)
        try:
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            services.case_close(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Case closed."))
        return HttpResponseRedirect(case.get_absolute_url())


# --------------------------------------------------------------------------------------------------
# Exposure sites and exposures
# --------------------------------------------------------------------------------------------------


class ExposureSiteViews(ObjectViews):
    model = ExposureSite
    table = ExposureSiteTable
    filterset = ExposureSiteFilterSet
    form = ExposureSiteForm
    select_related = ("region",)
    actions = ("list", "detail", "history", "add", "edit", "archive", "restore")
    detail_fields = ["kind", "name", "address", "started_at", "ended_at", "region", "latitude", "longitude", "notes"]
    related = [(gettext_lazy("Persons exposed here"), "exposures", ExposureTable)]
    empty_hint = gettext_lazy("No exposure sites recorded in your area.")

    @classmethod
    def base_queryset(cls):
        return (
            super()
            .base_queryset()
            .annotate(exposure_count=Count("exposures", filter=Q(exposures__archived_at__isnull=True)))
        )


class ExposureViews(ObjectViews):
    model = Exposure
    table = ExposureTable
    filterset = ExposureFilterSet
    form = ExposureForm
    select_related = ("person", "source_person", "source_site")
    actions = ("list", "detail", "history", "add", "edit", "archive")
    view_classes = {"add": ExposureEditView, "edit": ExposureEditView, "archive": ExposureArchiveView}
    detail_fields = [
        "person",
        "source_person",
        "source_site",
        "exposed_on",
        "last_exposed_on",
        "setting",
        "proximity",
        "source",
        "note",
    ]
    empty_hint = gettext_lazy("No exposures recorded in your area.")


# --------------------------------------------------------------------------------------------------
# Transmission chains and the chain view
# --------------------------------------------------------------------------------------------------


class ClusterViews(ObjectViews):
    model = Cluster
    table = ClusterTable
    filterset = ClusterFilterSet
    form = ClusterForm
    select_related = ("disease", "region")
    actions = ("list", "detail", "history", "edit", "archive", "restore")
    detail_fields = [
        "code",
        "name",
        "disease",
        "size",
        "case_count",
        "first_onset",
        "latest_onset",
        "region",
        "merged_into",
        "notes",
    ]
    detail_template = "epidemic/cluster_detail.html"
    empty_hint = gettext_lazy("No transmission chains yet: they appear when exposures or cases are recorded.")

    @classmethod
    def base_queryset(cls):
        return selectors.with_activity(super().base_queryset())

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        cases = (
            Case.objects.restrict(request.user)
            .filter(person__cluster=obj)
            .select_related("person", "disease", "region")
        )
        cases_table = CaseTable(cases, exclude=("status",))
        tables.RequestConfig(request, paginate={"per_page": 20}).configure(cases_table)
        visible = Person.objects.restrict(request.user).filter(cluster=obj).count()
        return {
            "cases_table": cases_table,
            "visible_persons": visible,
            "outside_persons": max(obj.size - visible, 0),
            "active_days": rules.CLUSTER_ACTIVE_DAYS,
        }

    @classmethod
    def urls(cls) -> list:
        return [
            *super().urls(),
            path("clusters/<int:pk>/chain/", chain_view, name="cluster_chain"),
        ]


@login_required
def chain_view(request, pk: int):
    """The interactive chain graph of one transmission chain (drawn from ``/api/clusters/<pk>/graph/``)."""
    cluster = get_object_or_404(selectors.with_activity(Cluster.objects.restrict(request.user)), pk=pk)
    if cluster.merged_into_id:
        return HttpResponseRedirect(reverse("epidemic:cluster_chain", kwargs={"pk": cluster.merged_into_id}))
    return render(
        request,
        "epidemic/cluster_chain.html",
        {
            "object": cluster,
            "graph_url": reverse("cluster-graph", kwargs={"pk": cluster.pk}),
            "limit": rules.GRAPH_NODE_LIMIT,
            "classes": selectors.class_labels(),
            "texts": {
                "loading": _("Loading…"),
                # {shown} and {total} are filled in by chain.js
                "shown": _("{shown} of the chain's {total} nodes drawn"),
                "aggregated": _("the rest aggregated into count nodes"),
                "generation": _("generation"),
                "error": _("The chain could not be loaded."),
                "outside": _("outside your area"),
            },
        },
    )
