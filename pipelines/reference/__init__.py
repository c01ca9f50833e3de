"""Loaders for ``data/reference``: the county office's own rules, kept as data.

Plan catalogues, unit registries, calendar overrides and event dates are files the office
reviews and commits; nothing here hard-codes a year's plan.
"""
