"""The adjudication app (`annotator review`): a reviewer resolves annotators' disagreements."""

from annotator.tui.review.app import ReviewApp

__all__ = ["ReviewApp"]
