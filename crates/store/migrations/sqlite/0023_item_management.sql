-- A withdrawn item's page answers 410 with a notice (撤回日期, and the reason when the leader who
-- withdrew it made the reason public): the public reason is kept with the item.
ALTER TABLE items ADD COLUMN withdrawn_reason TEXT;
