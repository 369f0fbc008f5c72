"""Signals that say "data changed" where bulk writes skip Django's model signals."""

from django.dispatch import Signal

# Sent by the accounts import after it wrote an owner's accounts (kwargs: workspace, owner).
accounts_changed = Signal()
