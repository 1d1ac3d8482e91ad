"""Scenarios: a past period of the city replayed through the office's services.

``jining2020`` builds the Jining of 2020 whose figures the seed publishes (16.11 万 dibao and 3.39
万 tekun persons in the city; 汶上县's 9,802 rural dibao households of 18,192 persons, 64.35 %
of them registered poor, 277 urban households of 504 persons, 2,696 rural tekun), takes its rolls
over on 2020-07-01 as a migration from the old system would (``roll.take_over``), and runs July to
December through the services at a simulated date (the office's one clock, ``web.clock``).

- ``plan``: the seed's counts, the weighting of the counties it gives no figure for, and the
  movements of each month (pure Python, no database);
- ``city``: the synthetic roll that plan describes, as frames (vectorised, deterministic);
- ``roll``: the take-over of a roll, a bulk, audited, transactional service;
- ``replay``: the months July to December through the services;
- ``jining2020``: the whole, for ``safetynet generate --scenario jining-2020`` and the test.
"""
