"""The registrar's HTTP API, one package per resource: `resources.py` holds the blueprint and
its thin views, `schemas.py` the marshmallow schemas that load requests and dump answers."""
