-- Undo 001 (PostgreSQL).
DROP TABLE outbox;
DROP TABLE batches;
DROP TABLE readings;
DROP TABLE devices;
DROP TABLE meta;
