-- Runs once, when the PostgreSQL volume is first initialised. The image itself creates the database
-- named after POSTGRES_USER (temporal); Temporal's visibility store needs a second one.
CREATE DATABASE temporal_visibility;
