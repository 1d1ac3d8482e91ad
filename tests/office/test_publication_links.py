"""The home page leads the public to what is published for them: the policy explainers and the
check of a document's code."""

from django.test import Client


def test_the_home_page_links_the_explainers_and_the_document_check(city):
    page = Client().get("/").content.decode()
    assert 'href="/public/explainer/"' in page and 'href="/public/documents/"' in page
    assert 'href="/public/explainer/370830/"' in page  # each county's row leads to its explainer
    assert Client().get("/public/explainer/370830/").status_code == 200
