"""Deprecated: mlp.plotting (see mlp.course)."""
import mlp.plotting as _module
from mlp.course import deprecated

deprecated("plotting")
globals().update({k: v for k, v in vars(_module).items() if not k.startswith("__")})
