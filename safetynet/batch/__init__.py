"""The city at once: pipelines over Parquet and frames that call the same ``policy`` rules.

A pipeline takes frames in and gives frames out; reading and writing the database is a thin
adapter at its edge. Nothing here imports Django.
"""
