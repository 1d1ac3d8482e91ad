"""The documents' addresses: each document's PDF for the office, the public verification page."""

urlpatterns: list = []
