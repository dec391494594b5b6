-- 002 (PostgreSQL): the parent-chain (L1 data) share of each commit's gas on
-- Arbitrum chains, from the receipt's gasUsedForL1 (NULL where the chain
-- reports none). Mirrors the SQLite migration of the same number.
ALTER TABLE readings ADD COLUMN gas_used_for_l1 BIGINT;
ALTER TABLE batches ADD COLUMN gas_used_for_l1 BIGINT;
