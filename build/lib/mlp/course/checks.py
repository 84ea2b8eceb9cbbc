"""Deprecated: mlp.checks (see mlp.course)."""
import mlp.checks as _module
from mlp.course import deprecated

deprecated("checks")
globals().update({k: v for k, v in vars(_module).items() if not k.startswith("__")})
