"""Learning: the catalog, course home, page view, progress and seat time."""
