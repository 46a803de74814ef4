"""The web front door (``newsflow serve``): the HTTP API and the search page over the Index interface."""
