-- Calendar stock an order line holds: one row per day (goods_day_prices) or day's slot
-- (goods_time_slots) it booked, `number` units each. Closing the order (unpaid, or fully
-- refunded) gives each row's units back once: `returned` flips by a conditional UPDATE.
CREATE TABLE order_line_bookings (
    id             INTEGER PRIMARY KEY,
    order_id       INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    order_goods_id INTEGER NOT NULL REFERENCES order_goods(id) ON DELETE CASCADE,
    goods_id       INTEGER NOT NULL,                -- no FK: a deleted goods keeps its orders
    sku_id         INTEGER,                         -- NULL: the goods' own calendar
    day            TEXT NOT NULL,                   -- 'YYYY-MM-DD' in the shop's time zone
    slot           TEXT,                            -- the slot's name; NULL: a whole day
    number         INTEGER NOT NULL CHECK (number > 0),
    price          INTEGER NOT NULL CHECK (price >= 0), -- fen per unit on that day (slot)
    returned       INTEGER NOT NULL DEFAULT 0 CHECK (returned IN (0, 1))
) STRICT;
CREATE INDEX order_line_bookings_order ON order_line_bookings(order_id, id);

-- Return and refund (type 1): approving asks for the goods back (`return_address`, a JSON object
-- {linkMan, mobile, address}); the shopper's parcel is back_shipper_name/back_tracking_number
-- (sent at `date_back_sent`); the merchant confirms receipt (`date_received`, `restocked` 0/1),
-- then the refund runs. `number`: pieces asked for (0 = all of the line, or of the order).
-- score_back / growth_back: points and growth given for the order taken back by this refund;
-- *_short: what could not be taken because the shopper had already spent it.
ALTER TABLE order_refunds ADD COLUMN number INTEGER NOT NULL DEFAULT 0 CHECK (number >= 0);
ALTER TABLE order_refunds ADD COLUMN return_address TEXT NOT NULL DEFAULT '';
ALTER TABLE order_refunds ADD COLUMN date_back_sent INTEGER;
ALTER TABLE order_refunds ADD COLUMN date_received INTEGER;
ALTER TABLE order_refunds ADD COLUMN restocked INTEGER CHECK (restocked IN (0, 1));
ALTER TABLE order_refunds ADD COLUMN score_back INTEGER NOT NULL DEFAULT 0 CHECK (score_back >= 0);
ALTER TABLE order_refunds ADD COLUMN score_back_short INTEGER NOT NULL DEFAULT 0 CHECK (score_back_short >= 0);
ALTER TABLE order_refunds ADD COLUMN growth_back INTEGER NOT NULL DEFAULT 0 CHECK (growth_back >= 0);
ALTER TABLE order_refunds ADD COLUMN growth_back_short INTEGER NOT NULL DEFAULT 0 CHECK (growth_back_short >= 0);
