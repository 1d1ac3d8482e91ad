"""safetynet: the social assistance platform of a prefecture-level city (see docs/ and DESIGN.md)."""

__version__ = "0.1.0"
