"""Deprecated: mlp.answers (see mlp.course)."""
import mlp.answers as _module
from mlp.course import deprecated

deprecated("answers")
globals().update({k: v for k, v in vars(_module).items() if not k.startswith("__")})
