-- Each agency's 索引号 pattern (regulations.md §4.1: no national format; provinces differ). NULL:
-- the default {code}/{yyyy}-{serial:5}. Changing it never renumbers published items.
ALTER TABLE agencies ADD COLUMN index_pattern TEXT;
