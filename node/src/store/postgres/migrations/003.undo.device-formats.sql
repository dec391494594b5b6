-- Undo 003 (PostgreSQL).
DROP TABLE reading_sources;
DROP TABLE device_identities;
