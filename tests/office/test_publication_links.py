"""The home page leads the public to what is published for them: the policy explainers and the
check of a document's code."""

from django.test import Client


def test_the_home_page_links_the_explainers_and_the_document_check(city):
    page = Client().get("/").content.decode()
    assert 'href="/public/explainer/"' in page and 'href="/public/documents/"' in page
    assert 'href="/public/explainer/370830/"' in page  # each county's row leads to its explainer
    assert Client().get("/public/explainer/370830/").status_code == 200


def test_the_public_reads_the_documents_not_the_repositorys_pointers(city):
    for url in ("/", "/public/explainer/370830/"):
        page = Client().get(url).content.decode()
        assert "我市社会救助标准再次提高" in page, url
        assert "sources/" not in page and "POLICY.md" not in page and "seed" not in page, url
    assert "/api/v1/docs" not in Client().get("/").content.decode()  # the API's note is for staff
