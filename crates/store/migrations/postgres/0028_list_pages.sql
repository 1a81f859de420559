-- SQLite's 0028 lets a list page read no item row (covering indexes, and the 发文字号 kept apart
-- by triggers). PostgreSQL keeps each item's text whole in its row without the overflow chains
-- that made this costly on SQLite, and a list page reads the 发文字号 from it (`->>`): nothing
-- changes here. The file keeps both backends' migrations numbered alike.
SELECT 1;
