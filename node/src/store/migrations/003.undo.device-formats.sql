-- Undo 003.
DROP TABLE reading_sources;
DROP TABLE device_identities;
