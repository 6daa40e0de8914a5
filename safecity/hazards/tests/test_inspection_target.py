from safecity.core.testing import ScopedModelTests
from safecity.hazards.factories import InspectionTargetFactory
from safecity.hazards.views import InspectionTargetViews

TOWN_OF = {"xinhui": "dazhe", "taishan": "dajiang"}


class TestInspectionTarget(ScopedModelTests):
    views = InspectionTargetViews
    api_url = "/api/inspection-targets/"

    def make(self, city, region_key):
        return InspectionTargetFactory(region=city[TOWN_OF[region_key]])

    def form_data(self, city, region_key):
        return {
            "name": "大泽镇五和村某三合一场所",
            "category": "three_in_one",
            "risk_grade": "high",
            "region": city[TOWN_OF[region_key]].pk,
            "latitude": "22.5301",
            "longitude": "113.0412",
            "responsible_person": "李四",
            "responsible_phone": "139 2233 4455",
        }

    def api_data(self, city, region_key):
        return {
            "name": "接口测试渡口",
            "category": "ferry_crossing",
            "region": city[TOWN_OF[region_key]].code,
            "responsible_phone": "13922334455",
        }

    def import_table(self, city):
        headers = ["场所名称", "类别", "区划代码", "风险等级", "纬度", "经度", "负责人", "负责人电话"]
        rows = [
            ["导入工地一", "construction_site", "440705101000", "moderate", 22.53, 113.04, "王五", "13800001111"],
            ["导入渡口二", "ferry_crossing", "440705101201", "high", 22.51, 113.02, "赵六", "0750-3123456"],
            ["导入城中村三", "urban_village", "440705000000", "low", None, None, "", ""],
        ]
        return headers, rows

    def import_table_with_bad_row(self, city):
        headers, rows = self.import_table(city)
        rows[1][2] = "440781100000"  # Taishan: outside a Xinhui user's scope
        return headers, rows, 3, "区划代码"


def test_a_latitude_outside_the_globe_is_refused(xinhui_client, city):
    from django.urls import reverse

    response = xinhui_client.post(
        reverse("hazards:inspectiontarget_add"),
        {
            "name": "坏坐标",
            "category": "urban_village",
            "risk_grade": "low",
            "region": city["dazhe"].pk,
            "latitude": "91",
        },
    )
    assert response.status_code == 400


def test_a_large_target_register_imports_as_a_background_job_with_progress(
    xinhui_client, city, settings, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from safecity.celery import app
    from safecity.core.models import ImportJob, ImportJobStatus
    from safecity.core.testing import upload, xlsx_bytes
    from safecity.hazards.models import InspectionTarget

    settings.SAFECITY = {**settings.SAFECITY, "IMPORT_SYNC_ROWS": 10}
    app.conf.task_always_eager = True
    try:
        headers = ["场所名称", "类别", "区划代码", "风险等级"]
        rows = [[f"城中村出租屋{i}", "urban_village", "440705101000", "moderate"] for i in range(80)]
        with django_capture_on_commit_callbacks(execute=True):
            response = xinhui_client.post(
                reverse("hazards:inspectiontarget_import"), {"file": upload("big.xlsx", xlsx_bytes(headers, rows))}
            )
        job = ImportJob.objects.get()
        assert response.status_code == 302
        assert (job.status, job.total_rows, job.processed_rows) == (ImportJobStatus.CHECKED, 80, 80)
        assert InspectionTarget.objects.count() == 0
        with django_capture_on_commit_callbacks(execute=True):
            xinhui_client.post(f"/imports/{job.pk}/confirm/")
        job.refresh_from_db()
        assert (job.status, job.created_count) == (ImportJobStatus.DONE, 80)
        assert InspectionTarget.objects.filter(region=city["dazhe"]).count() == 80
    finally:
        app.conf.task_always_eager = False
