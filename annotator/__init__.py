"""annotator: correct machine-made annotations of news articles in the terminal."""

__version__ = "0.1.0"
