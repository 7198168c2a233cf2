"""The thesis book domain package."""
