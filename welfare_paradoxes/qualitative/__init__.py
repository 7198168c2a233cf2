"""The qualitative strand: excerpt register (T13), coding, displays, attribution audit (T11)."""

from welfare_paradoxes.qualitative.attributions import attribution_audit, parsed_attributions

__all__ = ["attribution_audit", "parsed_attributions"]
