"""Deprecated: mlp.widgets (see mlp.course)."""
import mlp.widgets as _module
from mlp.course import deprecated

deprecated("widgets")
globals().update({k: v for k, v in vars(_module).items() if not k.startswith("__")})
