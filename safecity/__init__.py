"""SafeCity — the command platform of a city's epidemic-prevention HQ and work-safety committee."""

__version__ = "0.1.0"
