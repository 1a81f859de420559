-- A correction may bring a corrected attachment. Until the correction's 终审 the attachment is
-- pending: the working copy shows it to staff, the portal does not (it lists what was approved).
ALTER TABLE item_attachments ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
