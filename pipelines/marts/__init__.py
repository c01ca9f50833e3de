"""Marts: SQL models over the staging tables, one asset per published table."""
