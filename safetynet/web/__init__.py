"""The web layer's leaf: what every page and API route of every app shares, in one package that
imports no app (only Django, django-ninja, pydantic, django-filter and ``safetynet.policy``), so
any app may import it and it never imports them back.

- ``api``: the API's error types and handlers, and ``make_api()``, the NinjaAPI with them and
  its authentication installed (``safetynet/site/urls.py`` builds it and mounts each app's router);
- ``auth``: API authentication (bearer tokens, the browser session), the caller's address;
- ``lang``: the current language (``"zh"`` or ``"en"``) of a page or an API call;
- ``lists``: pagination (25 rows a page, one pager) and the lists' filter fields;
- ``personal``: the one rule of who sees whole resident ID numbers;
- ``inputs``: bounded input types, the error shape and pydantic's refusals in the house's words.
- ``clock``: the office's one clock, ``today()`` (a simulated ``SAFETYNET_TODAY`` in the demo, else the local date).

``tests/office/test_web_layer.py`` checks that importing it loads no app.
"""
