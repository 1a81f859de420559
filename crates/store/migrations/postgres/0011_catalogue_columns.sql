-- The 主动公开基本目录 as the spec models it (letters-guide-catalogue.md §3.6): one level of
-- sub-columns, what goes in each column, its time limit (read by the 第二十六条 deadline), its
-- basis, and a 未涉及 mark for areas the agency does not handle.
ALTER TABLE catalogue_categories ADD COLUMN parent_name TEXT;
ALTER TABLE catalogue_categories ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE catalogue_categories ADD COLUMN deadline TEXT NOT NULL DEFAULT '';
ALTER TABLE catalogue_categories ADD COLUMN basis TEXT NOT NULL DEFAULT '';
ALTER TABLE catalogue_categories ADD COLUMN not_involved BOOLEAN NOT NULL DEFAULT FALSE;
