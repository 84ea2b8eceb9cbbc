"""Deprecated: mlp.double_descent (see mlp.course)."""
import mlp.double_descent as _module
from mlp.course import deprecated

deprecated("double_descent")
globals().update({k: v for k, v in vars(_module).items() if not k.startswith("__")})
