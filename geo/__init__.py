"""A geospatial toolkit for community maps; it knows nothing of any one city."""
