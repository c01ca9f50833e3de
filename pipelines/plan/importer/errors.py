"""The one error of the plan importer."""


class PlanImportError(ValueError):
    """The plan text breaks the conventions the importer reads; the message says where."""
