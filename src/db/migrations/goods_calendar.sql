-- goods calendar
-- A goods' price and stock on one calendar day (hotel rooms, tickets), read by goodsPriceDaily.
-- `day` is a calendar day in the shop's time zone ('YYYY-MM-DD'), not an instant, so it is text;
-- `sku_id` NULL is the goods itself (goods without specs), and a SKU's days go with the SKU.
CREATE TABLE goods_day_prices (
    id          INTEGER PRIMARY KEY,
    goods_id    INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    sku_id      INTEGER REFERENCES goods_skus(id) ON DELETE CASCADE,
    day         TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    price       INTEGER NOT NULL CHECK (price >= 0),
    stores      INTEGER NOT NULL CHECK (stores >= 0),
    date_update INTEGER NOT NULL
) STRICT;
-- One row per goods, SKU and day: NULLs never collide in a UNIQUE index, so NULL counts as 0.
CREATE UNIQUE INDEX goods_day_prices_day ON goods_day_prices(goods_id, ifnull(sku_id, 0), day);

-- Bookable time slots of a day (goodsTimesDays / goodsTimesDayItems), each with its own price and
-- stock. Orders name a slot by `name` ("09:00-10:00"), so it is unique within its day.
CREATE TABLE goods_time_slots (
    id          INTEGER PRIMARY KEY,
    goods_id    INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    sku_id      INTEGER REFERENCES goods_skus(id) ON DELETE CASCADE,
    day         TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    name        TEXT NOT NULL,
    price       INTEGER NOT NULL CHECK (price >= 0),
    stores      INTEGER NOT NULL CHECK (stores >= 0),
    date_update INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX goods_time_slots_slot ON goods_time_slots(goods_id, ifnull(sku_id, 0), day, name);

-- Goods a shopper published (pushNewGoods, C2C): the owner, and the merchant's review. The goods
-- row itself stays off the shelf until the review approves it; an edit by the owner sends it back
-- to review. Goods without a row here are the merchant's own.
CREATE TABLE goods_publishers (
    goods_id    INTEGER PRIMARY KEY REFERENCES goods(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    review      INTEGER NOT NULL DEFAULT 0 CHECK (review IN (0, 1, 2)), -- 0 awaiting, 1 approved, 2 rejected
    reason      TEXT NOT NULL DEFAULT '',                               -- why it was rejected
    date_add    INTEGER NOT NULL,
    date_review INTEGER
) STRICT;
CREATE INDEX goods_publishers_user ON goods_publishers(user_id, goods_id);
CREATE INDEX goods_publishers_review ON goods_publishers(review, goods_id);
