"""The "+1" of the seed: social organisations and their projects, donations, charity supermarkets.

One module per domain; Django finds the models here."""

from safetynet.charity.models.donations import DonationEntry
from safetynet.charity.models.organisations import (
    Application,
    Delivery,
    IncubationBase,
    Organisation,
    Project,
    Round,
    Score,
)
from safetynet.charity.models.supermarkets import Enrolment, StockEntry, Supermarket

__all__ = ["Application", "Delivery", "DonationEntry", "Enrolment", "IncubationBase", "Organisation", "Project",
           "Round", "Score", "StockEntry", "Supermarket"]
