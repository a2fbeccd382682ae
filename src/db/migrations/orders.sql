-- orders
-- The shopping cart: one row per (shopper, cart type, goods + specs + add-ons). `item_key` is the
-- client's `key`, derived from what the line is, so adding the same thing again adds to its number.
CREATE TABLE cart_items (
    id                 INTEGER PRIMARY KEY,
    user_id            INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    cart_type          TEXT NOT NULL DEFAULT '',        -- the client's `type`: several carts per shopper
    item_key           TEXT NOT NULL,
    goods_id           INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    property_child_ids TEXT NOT NULL DEFAULT '',        -- canonical "pid:cid," key; '' = no specs
    additions          TEXT NOT NULL DEFAULT '[]',      -- JSON [{id, pid}] as chosen, sorted
    number             INTEGER NOT NULL CHECK (number > 0),
    selected           INTEGER NOT NULL DEFAULT 1 CHECK (selected IN (0, 1)),
    date_add           INTEGER NOT NULL,
    date_update        INTEGER NOT NULL,
    UNIQUE (user_id, cart_type, item_key)
) STRICT;

-- Orders. Money in fen: amount_real = amount_goods + amount_logistics - amount_coupon
-- - amount_score_deduction (never below 0). `score` is the points price of the goods, paid with the
-- money; `score_deduction` the points spent to lower the price. Stock is taken when the order is
-- created and returned when it is closed; every status change is a conditional UPDATE on the
-- current status, so a job and a shopper racing each other change an order at most once.
CREATE TABLE orders (
    id                     INTEGER PRIMARY KEY,
    order_number           TEXT NOT NULL UNIQUE,
    user_id                INTEGER NOT NULL REFERENCES users(id),
    -- -1 closed, 0 awaiting payment, 1 awaiting shipment, 2 shipped, 3 received (awaiting review), 4 done
    status                 INTEGER NOT NULL DEFAULT 0 CHECK (status IN (-1, 0, 1, 2, 3, 4)),
    amount_goods           INTEGER NOT NULL CHECK (amount_goods >= 0),
    amount_logistics       INTEGER NOT NULL DEFAULT 0 CHECK (amount_logistics >= 0),
    amount_coupon          INTEGER NOT NULL DEFAULT 0 CHECK (amount_coupon >= 0),
    amount_score_deduction INTEGER NOT NULL DEFAULT 0 CHECK (amount_score_deduction >= 0),
    amount_real            INTEGER NOT NULL CHECK (amount_real >= 0),
    amount_paid_balance    INTEGER NOT NULL DEFAULT 0 CHECK (amount_paid_balance >= 0), -- taken from the balance
    score                  INTEGER NOT NULL DEFAULT 0 CHECK (score >= 0),
    score_deduction        INTEGER NOT NULL DEFAULT 0 CHECK (score_deduction >= 0),
    goods_number           INTEGER NOT NULL CHECK (goods_number > 0),
    peisong_type           TEXT NOT NULL CHECK (peisong_type IN ('kd', 'zq')), -- delivery or pick-up
    shop_id_zt             INTEGER REFERENCES shops(id) ON DELETE SET NULL,   -- pick-up shop
    shop_name_zt           TEXT NOT NULL DEFAULT '',
    hx_number              TEXT UNIQUE,                 -- write-off code; NULL = none
    coupon_user_id         INTEGER,                     -- the shopper's coupon locked to this order
    link_man               TEXT NOT NULL DEFAULT '',
    mobile                 TEXT NOT NULL DEFAULT '',
    province_id            TEXT NOT NULL DEFAULT '',
    city_id                TEXT NOT NULL DEFAULT '',
    district_id            TEXT NOT NULL DEFAULT '',
    street_id              TEXT NOT NULL DEFAULT '',
    address                TEXT NOT NULL DEFAULT '',
    postcode               TEXT NOT NULL DEFAULT '',
    remark                 TEXT NOT NULL DEFAULT '',
    ext_json               TEXT NOT NULL DEFAULT '{}',
    has_refund             INTEGER NOT NULL DEFAULT 0 CHECK (has_refund IN (0, 1)), -- an after-sale was applied
    user_deleted           INTEGER NOT NULL DEFAULT 0 CHECK (user_deleted IN (0, 1)), -- hidden from the shopper
    close_reason           TEXT NOT NULL DEFAULT '',
    close_at               INTEGER,                     -- unpaid orders close at this deadline
    date_add               INTEGER NOT NULL,
    date_update            INTEGER NOT NULL,
    date_pay               INTEGER,
    date_ship              INTEGER,
    date_receive           INTEGER,
    date_close             INTEGER,
    date_review            INTEGER
) STRICT;
CREATE INDEX orders_user ON orders(user_id, status, id DESC);
-- What the jobs sweep: each a deadline column of one status, so a restart loses nothing.
CREATE INDEX orders_unpaid_due ON orders(close_at) WHERE status = 0;
CREATE INDEX orders_shipped_since ON orders(date_ship) WHERE status = 2;
CREATE INDEX orders_received_since ON orders(date_receive) WHERE status = 3;
CREATE INDEX orders_paid_day ON orders(date_pay) WHERE date_pay IS NOT NULL;

-- Order lines: a snapshot of what was bought, so later catalogue edits do not change old orders.
CREATE TABLE order_goods (
    id                 INTEGER PRIMARY KEY,
    order_id           INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    user_id            INTEGER NOT NULL REFERENCES users(id),
    goods_id           INTEGER NOT NULL,                -- no FK: a deleted goods keeps its orders
    sku_id             INTEGER,                         -- NULL for goods without specs
    property_child_ids TEXT NOT NULL DEFAULT '',
    property           TEXT NOT NULL DEFAULT '',        -- "颜色:白,尺码:L,"
    goods_name         TEXT NOT NULL,
    pic                TEXT NOT NULL DEFAULT '',
    additions          TEXT NOT NULL DEFAULT '[]',      -- JSON snapshot of the chosen add-ons
    amount_single      INTEGER NOT NULL CHECK (amount_single >= 0),  -- unit price with add-ons, fen
    amount             INTEGER NOT NULL CHECK (amount >= 0),         -- amount_single * number
    score_single       INTEGER NOT NULL DEFAULT 0 CHECK (score_single >= 0),
    number             INTEGER NOT NULL CHECK (number > 0),
    his_deleted        INTEGER NOT NULL DEFAULT 0 CHECK (his_deleted IN (0, 1)), -- hidden from myBuyGoodsHis
    date_add           INTEGER NOT NULL
) STRICT;
CREATE INDEX order_goods_order ON order_goods(order_id, id);
CREATE INDEX order_goods_user ON order_goods(user_id, id DESC);
CREATE INDEX order_goods_goods ON order_goods(goods_id, id DESC);

-- Parcels of a shipped order (several per order); `traces` is a JSON array of
-- {AcceptStation, AcceptTime}, answered as a string as the templates parse it themselves.
CREATE TABLE order_logistics (
    id              INTEGER PRIMARY KEY,
    order_id        INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    shipper_code    TEXT NOT NULL DEFAULT '',
    shipper_name    TEXT NOT NULL,
    tracking_number TEXT NOT NULL,
    traces          TEXT NOT NULL DEFAULT '[]',
    date_add        INTEGER NOT NULL
) STRICT;
CREATE INDEX order_logistics_order ON order_logistics(order_id, id);

-- After-sale requests. type 0 refund only, 1 return and refund, 2 exchange; status 0 pending,
-- 1 cancelled by the shopper, 2 rejected, 3 approved (awaiting the return), 4 done. At most one open
-- (0 or 3) per order line (order_goods_id 0 = the whole order): refundApply answers 20000 otherwise.
CREATE TABLE order_refunds (
    id                    INTEGER PRIMARY KEY,
    order_id              INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    order_goods_id        INTEGER NOT NULL DEFAULT 0,
    user_id               INTEGER NOT NULL REFERENCES users(id),
    type                  INTEGER NOT NULL DEFAULT 0 CHECK (type IN (0, 1, 2)),
    logistics_status      INTEGER NOT NULL DEFAULT 0 CHECK (logistics_status IN (0, 1)), -- goods received?
    reason                TEXT NOT NULL,
    amount                INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),
    remark                TEXT NOT NULL DEFAULT '',
    pics                  TEXT NOT NULL DEFAULT '[]',
    status                INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2, 3, 4)),
    back_shipper_name     TEXT NOT NULL DEFAULT '',
    back_tracking_number  TEXT NOT NULL DEFAULT '',
    merchant_remark       TEXT NOT NULL DEFAULT '',
    date_add              INTEGER NOT NULL,
    date_update           INTEGER NOT NULL
) STRICT;
CREATE INDEX order_refunds_order ON order_refunds(order_id, id);
CREATE UNIQUE INDEX order_refunds_open ON order_refunds(order_id, order_goods_id) WHERE status IN (0, 3);

-- What happened to an order, in order (orderDetail `logs`).
CREATE TABLE order_events (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    type        TEXT NOT NULL,                  -- create, pay, ship, receive, review, close, hx, refund...
    remark      TEXT NOT NULL DEFAULT '',
    date_add    INTEGER NOT NULL
) STRICT;
CREATE INDEX order_events_order ON order_events(order_id, id);
