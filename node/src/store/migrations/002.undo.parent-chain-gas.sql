ALTER TABLE batches DROP COLUMN gas_used_for_l1;
ALTER TABLE readings DROP COLUMN gas_used_for_l1;
