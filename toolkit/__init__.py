"""toolkit: a static site generator for campaign toolkits."""

__version__ = "0.1.0"
