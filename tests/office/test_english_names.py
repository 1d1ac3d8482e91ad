"""The English pages say staff, relations and refusals in English, with English brackets."""

from __future__ import annotations

from django.test import Client


def english(user) -> Client:
    c = Client()
    c.force_login(user)
    c.post("/i18n/setlang/", {"language": "en"})
    return c


def test_the_frame_names_the_user_by_role_and_area_in_english_brackets(city):
    page = english(city["clerk"]).get("/").content.decode()
    assert "Window clerk (任城区城关街道)" in page and "Window clerk（" not in page


def test_a_member_is_chosen_by_name_and_relation_in_english(city, poor_household):
    page = english(city["clerk"]).get(f"/households/{poor_household.pk}/change/").content.decode()
    head = poor_household.members.get(relation="head")
    assert f"{head.name} (Head)" in page and f"{head.name}（户主）" not in page
    assert "Relation to the head" in page and "与户主关系" not in page


def test_outside_staff_are_refused_in_english(city):
    answer = english(city["funeral_home"]).get("/households/")
    assert answer.status_code == 403
    page = answer.content.decode()
    assert "Funeral home staff work only on their own home" in page and "殡仪馆工作人员只能办理本馆的记录" not in page
    # in Chinese as before
    c = Client()
    c.force_login(city["funeral_home"])
    assert "殡仪馆工作人员只能办理本馆的记录" in c.get("/households/").content.decode()


def test_an_upload_over_the_limit_is_refused_in_the_users_language(city, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.SAFETYNET_MAX_UPLOAD_MB = 1
    c = english(city["verifier"])
    big = SimpleUploadedFile("deposits.csv", b"id_number,balance\n" + b"x" * (1024 * 1024 + 1))
    page = c.post("/verification/deliveries/", {"item": "deposits", "delivered": "2024-03-01", "file": big})
    text = page.content.decode()
    assert page.status_code == 413 and "The upload is too large" in text and "the limit is 1 MB" in text
    assert "上传的文件过大" not in text
