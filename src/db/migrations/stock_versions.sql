-- stock versions
-- An edit based on an old read must never overwrite stock a shopper's order changed since. Goods
-- carry a version that every save and every stock change moves on (orders included, through the
-- trigger below), which the merchant API answers as the goods' ETag and checks on a write.
ALTER TABLE goods ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
-- The goods' calendar: moved on by every change of one of its days or slots (the triggers below);
-- each day and slot row keeps the value it moved to, so "changed since version V" is `version > V`.
ALTER TABLE goods ADD COLUMN calendar_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE goods_day_prices ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE goods_time_slots ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

-- Stock taken or returned by orders, and SKU stock (which reaches the goods by its triggers).
CREATE TRIGGER goods_stock_version AFTER UPDATE OF stores ON goods
WHEN NEW.stores IS NOT OLD.stores BEGIN
    UPDATE goods SET version = version + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER goods_day_prices_insert AFTER INSERT ON goods_day_prices BEGIN
    UPDATE goods SET calendar_version = calendar_version + 1 WHERE id = NEW.goods_id;
    UPDATE goods_day_prices SET version = (SELECT calendar_version FROM goods WHERE id = NEW.goods_id)
    WHERE id = NEW.id;
END;
CREATE TRIGGER goods_day_prices_update AFTER UPDATE OF price, stores ON goods_day_prices
WHEN NEW.price IS NOT OLD.price OR NEW.stores IS NOT OLD.stores BEGIN
    UPDATE goods SET calendar_version = calendar_version + 1 WHERE id = NEW.goods_id;
    UPDATE goods_day_prices SET version = (SELECT calendar_version FROM goods WHERE id = NEW.goods_id)
    WHERE id = NEW.id;
END;
CREATE TRIGGER goods_day_prices_delete AFTER DELETE ON goods_day_prices BEGIN
    UPDATE goods SET calendar_version = calendar_version + 1 WHERE id = OLD.goods_id;
END;
CREATE TRIGGER goods_time_slots_insert AFTER INSERT ON goods_time_slots BEGIN
    UPDATE goods SET calendar_version = calendar_version + 1 WHERE id = NEW.goods_id;
    UPDATE goods_time_slots SET version = (SELECT calendar_version FROM goods WHERE id = NEW.goods_id)
    WHERE id = NEW.id;
END;
CREATE TRIGGER goods_time_slots_update AFTER UPDATE OF price, stores ON goods_time_slots
WHEN NEW.price IS NOT OLD.price OR NEW.stores IS NOT OLD.stores BEGIN
    UPDATE goods SET calendar_version = calendar_version + 1 WHERE id = NEW.goods_id;
    UPDATE goods_time_slots SET version = (SELECT calendar_version FROM goods WHERE id = NEW.goods_id)
    WHERE id = NEW.id;
END;
CREATE TRIGGER goods_time_slots_delete AFTER DELETE ON goods_time_slots BEGIN
    UPDATE goods SET calendar_version = calendar_version + 1 WHERE id = OLD.goods_id;
END;
