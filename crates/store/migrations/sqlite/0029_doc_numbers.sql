-- PostgreSQL's 0029 keeps the 发文字号 apart as SQLite's 0028 did: nothing changes here. The file
-- keeps both backends' migrations numbered alike.
SELECT 1;
