"""Importing a list of screened or contact persons: every row checked (errors by row and column, nothing
written), repeated persons merged within the file and matched against the person index, the user's
county only, history rows for every person created; large files as a background job."""

import dataclasses

import pytest

from safecity.core import import_jobs
from safecity.core.import_jobs import confirm_import_job, run_import_job, start_import_job
from safecity.core.models import ImportJob, ImportJobStatus
from safecity.core.validators import id_check_char
from safecity.epidemic import person_import
from safecity.epidemic.models import Person

HEADERS = ["姓名", "身份证号", "手机号", "住址", "区划代码", "人员类别", "来源名单"]
VILLAGE = "440705101201"  # 五和村, Xinhui
GRID = "440705101201001"
TAISHAN_VILLAGE = "440781100201"


def label(key: str) -> str:
    """The column's label as error messages name it (in the active language)."""
    return str(next(c.label for c in person_import.COLUMNS if c.key == key))


def id_number(sequence: int, birth: str = "19800101", area: str = "440705") -> str:
    first17 = f"{area}{birth}{sequence:03d}"
    return first17 + id_check_char(first17)


def csv_bytes(rows, headers=HEADERS) -> bytes:
    lines = [",".join(headers)] + [",".join(str(c) for c in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def run(rows, user, headers=HEADERS):
    return person_import.import_file(csv_bytes(rows, headers), "list.csv", actor=user)


def test_a_valid_list_creates_each_person_with_sex_and_birth_date_from_the_id_and_notes_from_the_extra_columns(
    xinhui_user,
):
    result = run(
        [
            ["张三", id_number(11), "13800000001", "五和村1号", VILLAGE, "密接", "协查名单A"],
            ["李四", id_number(12, "19920230"[:6] + "15"), "", "", GRID, "", ""],
            ["王五", "", "0750-3123456", "", VILLAGE, "", ""],
        ],
        xinhui_user,
    )
    assert result.ok and result.created_count == 3
    zhang = Person.objects.get(name="张三")
    assert (zhang.sex, zhang.birth_date.isoformat(), zhang.region.code) == ("male", "1980-01-01", VILLAGE)
    assert zhang.notes == f"{label('person_class')}：密接；{label('source_list')}：协查名单A"
    assert zhang.created_by == xinhui_user
    assert Person.objects.get(name="李四").sex == "female"
    assert Person.objects.get(name="王五").phone == "0750-3123456"


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(xinhui_user):
    good = id_number(21)
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    result = run(
        [
            ["张三", good, "13800000001", "", VILLAGE, "", ""],
            ["李四", bad_check, "13800000002", "", VILLAGE, "", ""],
            ["王五", "", "12345", "", VILLAGE, "", ""],
            ["赵六", "", "", "", VILLAGE, "", ""],
            ["", id_number(22), "", "", VILLAGE, "", ""],
            ["钱七", id_number(23), "", "", "440705999999", "", ""],
            ["孙八", id_number(24), "", "", "440705000000", "", ""],
        ],
        xinhui_user,
    )
    assert not result.ok and result.created_count == 0
    assert [(e.row, e.field) for e in result.errors] == [
        (3, label("id_number")),
        (4, label("phone")),
        (5, label("id_number")),
        (6, label("name")),
        (7, label("region")),
        (8, label("region")),
    ]
    assert "校验" in result.errors[0].message or "check" in result.errors[0].message
    assert Person.objects.count() == 0 and Person.history.count() == 0


def test_repeated_persons_within_the_file_are_merged_into_their_first_row(xinhui_user):
    number = id_number(31)
    result = run(
        [
            ["张三", "", "13800000001", "", VILLAGE, "", ""],  # row 2
            ["张三", number, "13800000001", "", VILLAGE, "", ""],  # row 3: same name + phone, gives the ID
            ["张三丰", number.lower(), "13900000009", "", VILLAGE, "", ""],  # row 4: same ID
            ["李四", "", "13800000002", "", VILLAGE, "", ""],  # row 5
            ["李四", "", "138-0000-0002", "", GRID, "", ""],  # row 6: same name + phone (normalised)
            ["李四", id_number(32), "13800000002", "", VILLAGE, "", ""],  # row 7: a second 李四 with an ID
        ],
        xinhui_user,
    )
    assert result.ok and result.created_count == 2
    assert result.merged == [(3, 2), (4, 2), (6, 5), (7, 5)]
    zhang = Person.objects.get(name="张三")
    assert (zhang.id_number, zhang.phone, zhang.sex) == (number, "13800000001", "male")
    assert Person.objects.filter(name="李四").count() == 1


def test_persons_already_in_the_index_are_matched_not_created_again(xinhui_user, city):
    existing_id = Person.objects.create(name="老张", id_number=id_number(41), region=city["village"])
    existing_phone = Person.objects.create(name="老李", phone="13800000041", region=city["village"])
    result = run(
        [
            ["张某", id_number(41), "", "", VILLAGE, "", ""],  # same ID, other spelling of the name
            ["老李", "", "13800000041", "", VILLAGE, "", ""],  # same name + phone, no ID
            ["老李", id_number(42), "13800000041", "", VILLAGE, "", ""],  # ID only in the file: same person
            ["新人", id_number(43), "13800000043", "", VILLAGE, "", ""],
        ],
        xinhui_user,
    )
    assert result.ok and result.created_count == 1
    assert sorted(result.matched) == [(2, existing_id.pk), (3, existing_phone.pk)]
    assert result.merged == [(4, 3)]
    assert Person.objects.count() == 3
    assert "共 4 行：新增 1 人，2 人已在人员库中（不重复创建），1 行与文件中前面的行重复（已合并）。" in result.notes


def test_a_county_user_can_only_import_into_their_county(xinhui_user, taishan_user):
    rows = [
        ["张三", id_number(51), "", "", VILLAGE, "", ""],
        ["李四", id_number(52, area="440781"), "", "", TAISHAN_VILLAGE, "", ""],
    ]
    result = run(rows, xinhui_user)
    assert [(e.row, e.field) for e in result.errors] == [(3, label("region"))]
    assert Person.objects.count() == 0
    result = run(rows, taishan_user)
    assert [(e.row, e.field) for e in result.errors] == [(2, label("region"))]
    assert Person.objects.count() == 0


def test_a_commit_outside_the_scope_is_refused_whole(xinhui_user, taishan_user):
    headers, rows = person_import.read(csv_bytes([["张三", id_number(53), "", "", VILLAGE, "", ""]]), "a.csv")
    result = person_import.check(headers, rows, user=xinhui_user)
    assert result.ok
    with pytest.raises(person_import.OutOfScope):
        person_import.commit(result, actor=taishan_user)
    assert Person.objects.count() == 0


def test_every_imported_person_has_a_creation_history_row_by_the_importing_user(xinhui_user):
    run([[f"人员{i}", id_number(100 + i), "", "", VILLAGE, "", ""] for i in range(30)], xinhui_user)
    persons = set(Person.objects.values_list("pk", flat=True))
    history = Person.history.filter(history_type="+")
    assert set(history.values_list("id", flat=True)) == persons and len(persons) == 30
    assert set(history.values_list("history_user", flat=True)) == {xinhui_user.pk}


def test_missing_required_columns_are_reported_and_nothing_is_checked(xinhui_user):
    result = run([["张三", "13800000001"]], xinhui_user, headers=["姓名", "手机号"])
    assert result.missing_columns == [label("region")] and result.total_rows == 0 and not result.ok


def test_a_large_list_is_checked_and_imported_by_the_background_job_with_a_summary(xinhui_user):
    rows = [[f"人员{i}", id_number(200 + i), "", "", VILLAGE, "", ""] for i in range(40)]
    rows.append(rows[0])  # one repeated row
    data = csv_bytes(rows)
    job = start_import_job(
        actor=xinhui_user,
        importer=person_import.JOB_IMPORTER,
        data=data,
        filename="big.csv",
        total_rows=person_import.count_rows(data, "big.csv"),
    )
    assert job.total_rows == 41
    run_import_job(job.pk, commit=False)
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.error_count) == (ImportJobStatus.CHECKED, 41, 0)
    assert "40" in job.message and Person.objects.count() == 0
    confirm_import_job(actor=xinhui_user, job=job)
    run_import_job(job.pk, commit=True)
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportJobStatus.DONE, 40)
    assert Person.objects.count() == 40 and Person.history.count() == 40


def test_a_job_with_bad_rows_lists_them_and_cannot_be_confirmed(xinhui_user):
    rows = [[f"人员{i}", id_number(300 + i), "", "", VILLAGE, "", ""] for i in range(10)]
    rows[4][4] = TAISHAN_VILLAGE
    data = csv_bytes(rows)
    job = start_import_job(
        actor=xinhui_user, importer=person_import.JOB_IMPORTER, data=data, filename="big.csv", total_rows=10
    )
    run_import_job(job.pk, commit=False)
    job.refresh_from_db()
    assert job.error_count == 1 and job.errors[0][:2] == [6, label("region")]
    with pytest.raises(Exception):  # noqa: B017 - ValidationError from the job service
        confirm_import_job(actor=xinhui_user, job=job)
    assert ImportJob.objects.get().status == ImportJobStatus.CHECKED and Person.objects.count() == 0


URL = "/epidemic/persons/import-list/"


def test_the_upload_page_starts_a_background_job_and_leads_to_its_progress_page(
    xinhui_client, django_capture_on_commit_callbacks
):
    from safecity.core.testing import upload

    page = xinhui_client.get(URL)
    assert page.status_code == 200 and label("region") in page.content.decode()
    data = csv_bytes([[f"人员{i}", id_number(400 + i), "", "", VILLAGE, "", ""] for i in range(5)])
    response = xinhui_client.post(URL, {"file": upload("list.csv", data)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/imports/{job.pk}/"
    assert (job.model, job.total_rows) == (person_import.JOB_IMPORTER.key, 5)
    run_import_job(job.pk, commit=False)
    page = xinhui_client.get(f"/imports/{job.pk}/").content.decode()
    assert 'data-testid="confirm-import"' in page and 'href="/epidemic/persons/import-list/"' in page
    assert Person.objects.count() == 0


def test_the_upload_page_refuses_other_file_types_and_users_without_the_permission(xinhui_client, client, leader_user):
    from safecity.core.testing import upload

    response = xinhui_client.post(URL, {"file": upload("list.txt", b"a,b\n1,2\n")})
    assert response.status_code == 400 and not ImportJob.objects.exists()
    template = xinhui_client.get(URL + "?template=1")
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(leader_user)
    assert client.get(URL).status_code == 403


def test_the_portable_fallback_writes_persons_and_history_and_refuses_out_of_scope_rows(xinhui_user, city):
    headers, rows = person_import.read(csv_bytes([["张三", id_number(61), "", "", VILLAGE, "", ""]]), "a.csv")
    result = person_import.check(headers, rows, user=xinhui_user)
    assert person_import._commit_bulk(result.records, actor=xinhui_user) == 1
    assert Person.history.filter(history_type="+", history_user=xinhui_user).count() == 1
    outside = [[*result.records[0][:2], id_number(62), *result.records[0][3:7], city["taishan_village"].pk, ""]]
    with pytest.raises(person_import.OutOfScope):
        person_import._commit_bulk(outside, actor=xinhui_user)


def test_the_fast_identity_number_path_accepts_exactly_what_the_gb_11643_validator_accepts():
    import random
    from datetime import date

    from django.core.exceptions import ValidationError

    from safecity.core.validators import parse_id_number

    rng = random.Random(5)
    today = date(2026, 11, 29)
    samples = [
        id_number(rng.randrange(1000), f"{rng.randint(1870, 2030)}{rng.randint(0, 13):02d}{rng.randint(0, 32):02d}"[:8])
        for _ in range(3000)
    ]
    samples += (
        ["0" + s[1:] for s in samples[:50]] + [s[:-1] + "0" for s in samples[:300]] + [s.lower() for s in samples[:50]]
    )
    samples += [
        "11010519491231002X",
        "440524188001010014",
        "110105491231002",
        " 11010519491231002X",
        "１１０１０５１９４９１２３１００２Ｘ",
    ]
    for number in samples:
        try:
            info = parse_id_number(number, today=today)
            expected = (info.number, info.birth_date, info.sex)
        except ValidationError:
            expected = None
        fast = person_import._fast_id(number, today)
        assert fast is None or fast == expected, number  # the fast path never accepts more, nor differs
        if fast is None and expected is not None:
            assert number != expected[0]  # it only leaves to the validator what needs normalising


def test_saving_in_batches_reports_progress_and_writes_each_person_and_history_row_once(xinhui_user, monkeypatch):
    monkeypatch.setattr(person_import, "WRITE_BATCH", 7)
    rows = [[f"人员{i}", id_number(500 + i), "", "", VILLAGE, "", ""] for i in range(30)]
    rows[10] = rows[3]  # merged: the file's rows and the records written no longer line up
    headers, body = person_import.read(csv_bytes(rows), "a.csv")
    result = person_import.check(headers, body, user=xinhui_user)
    seen = []
    assert person_import.commit(result, actor=xinhui_user, progress=seen.append) == 29
    assert seen == sorted(seen) and len(seen) == 5 and seen[-1] == 30
    assert Person.objects.count() == 29 and Person.history.count() == 29
    assert Person.objects.values("id_number").distinct().count() == 29


def _checked_job(user, rows):
    data = csv_bytes(rows)
    job = start_import_job(
        actor=user, importer=person_import.JOB_IMPORTER, data=data, filename="list.csv", total_rows=len(rows)
    )
    run_import_job(job.pk, commit=False)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.CHECKED and job.error_count == 0
    confirm_import_job(actor=user, job=job)
    return job


def test_the_confirmed_import_saves_what_the_check_kept_without_checking_the_file_again(xinhui_user, monkeypatch):
    rows = [[f"人员{i}", id_number(400 + i), "", f"{i}号", VILLAGE, "密接", ""] for i in range(12)]
    rows.append(["无证", "", "13800000077", "", GRID, "", ""])
    job = _checked_job(xinhui_user, rows)

    def no_second_check(*args, **kwargs):
        raise AssertionError("the file was checked again")

    monkeypatch.setattr(person_import, "_check", no_second_check)
    run_import_job(job.pk, commit=True)
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportJobStatus.DONE, 13)
    first = Person.objects.get(name="人员0")
    assert (first.address, first.sex, first.birth_date.isoformat(), first.region.code) == (
        "0号",
        "female",  # 17th digit 0: even
        "1980-01-01",
        VILLAGE,
    )
    assert first.notes == f"{label('person_class')}：密接"
    no_id = Person.objects.get(name="无证")
    assert (no_id.id_number, no_id.phone, no_id.birth_date, no_id.region.code) == ("", "13800000077", None, GRID)
    assert Person.history.filter(history_type="+").count() == 13
    assert not any(person_import.Path(job.file).name in p.name for p in _import_folder().iterdir())


def _import_folder():
    from safecity.core.import_jobs import _folder

    return _folder()


def test_persons_saved_by_others_after_the_upload_are_matched_not_created_twice(xinhui_user, city):
    rows = [
        ["张三", id_number(431), "", "", VILLAGE, "", ""],
        ["无证", "", "13800000088", "", VILLAGE, "", ""],
        ["李四", id_number(432), "", "", VILLAGE, "", ""],
    ]
    job = _checked_job(xinhui_user, rows)
    # meanwhile, someone else records two of them by hand
    Person.objects.create(name="张三", id_number=id_number(431), region=city["dazhe"])
    Person.objects.create(name="无证", id_number=id_number(433), phone="13800000088", region=city["dazhe"])
    run_import_job(job.pk, commit=True)
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportJobStatus.DONE, 1)
    assert Person.objects.filter(name="张三").count() == 1 and Person.objects.filter(name="无证").count() == 1
    assert "2" in job.message.splitlines()[-1] and "2、3" in job.message.splitlines()[-1]


def test_a_kept_check_that_was_altered_is_ignored_and_the_file_is_checked_again(xinhui_user):
    rows = [[f"人员{i}", id_number(450 + i), "", "", VILLAGE, "", ""] for i in range(5)]
    job = _checked_job(xinhui_user, rows)
    kept = _import_folder() / f"{job.file}.checked"
    kept.write_text(kept.read_text().replace("人员0", "冒名"), encoding="utf-8")
    run_import_job(job.pk, commit=True)
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportJobStatus.DONE, 5)
    assert not Person.objects.filter(name="冒名").exists() and Person.objects.filter(name="人员0").exists()


def test_a_kept_check_is_refused_whole_when_the_user_lost_the_area_since(xinhui_user, city):
    rows = [[f"人员{i}", id_number(470 + i), "", "", VILLAGE, "", ""] for i in range(5)]
    job = _checked_job(xinhui_user, rows)
    xinhui_user.scopes.all().delete()
    xinhui_user.scopes.create(region=city["taishan"])
    run_import_job(job.pk, commit=True)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED and Person.objects.count() == 0


def test_a_check_whose_rows_cannot_be_kept_still_imports_by_checking_again(xinhui_user, monkeypatch):
    def disk_full(result, path):
        path.write_text("partial")
        raise OSError(28, "No space left on device")

    importer = person_import.JOB_IMPORTER
    monkeypatch.setitem(import_jobs._importers, importer.key, dataclasses.replace(importer, keep=disk_full))
    rows = [[f"人员{i}", id_number(490 + i), "", "", VILLAGE, "", ""] for i in range(4)]
    job = _checked_job(xinhui_user, rows)
    assert not (_import_folder() / f"{job.file}.checked").exists()
    run_import_job(job.pk, commit=True)
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportJobStatus.DONE, 4)
