"""olenv: AWS credentials through OneLogin, handed over without touching disk."""

__version__ = "0.1.0"
