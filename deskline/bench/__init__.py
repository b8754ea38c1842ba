"""`make bench`: seeds scratch databases, runs the production server, drives it with wrk."""
