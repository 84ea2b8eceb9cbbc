"""Deprecated: mlp.datasets (see mlp.course)."""
import mlp.datasets as _module
from mlp.course import deprecated

deprecated("datasets")
globals().update({k: v for k, v in vars(_module).items() if not k.startswith("__")})
