"""licscan: may we use this model for what we intend?  Answered with evidence."""

__version__ = "0.1.0"
