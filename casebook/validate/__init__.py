"""Validate: the schema check and the registered rules, run on loaded Documents."""

from .rules import REGISTRY, Context, codes_of, run_rules
from .schemacheck import check

__all__ = ["REGISTRY", "Context", "check", "codes_of", "run_rules"]
