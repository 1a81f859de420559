-- Each server's search index follows items changed by other processes in (updated_ms, id) order.
CREATE INDEX items_by_change ON items (updated_ms, id);
