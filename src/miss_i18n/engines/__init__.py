"""Offline machine translation engines behind one interface (see base.py)."""
