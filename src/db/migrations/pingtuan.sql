-- pingtuan (group buy)
-- A group-buy set per goods: the group price (per goods, and per SKU in goods_pingtuan_sku_prices),
-- the group size, how long a group may wait for its members, the set's end and where a failed
-- group's money goes (refund_type 0 the balance, 1 back through WeChat Pay). Named goods_… so the
-- catalogue epoch follows it (goods answers carry pingtuanPrice).
-- status: 0 active, 1 stopped by the merchant, 2 ended (date_end passed, marked by the job).
CREATE TABLE goods_pingtuan_sets (
    id              INTEGER PRIMARY KEY,
    goods_id        INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    price           INTEGER NOT NULL CHECK (price > 0),
    number_persion  INTEGER NOT NULL CHECK (number_persion >= 2),
    timeout_hours   INTEGER NOT NULL CHECK (timeout_hours >= 1),
    refund_type     INTEGER NOT NULL DEFAULT 0 CHECK (refund_type IN (0, 1)),
    number_doing    INTEGER NOT NULL DEFAULT 0 CHECK (number_doing >= 0),
    number_success  INTEGER NOT NULL DEFAULT 0 CHECK (number_success >= 0),
    date_add        INTEGER NOT NULL,
    date_end        INTEGER NOT NULL,
    status          INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2))
) STRICT;
CREATE INDEX goods_pingtuan_sets_goods ON goods_pingtuan_sets(goods_id, status);
-- A SKU's own group price (SKUs without a row use the set's price).
CREATE TABLE goods_pingtuan_sku_prices (
    set_id  INTEGER NOT NULL REFERENCES goods_pingtuan_sets(id) ON DELETE CASCADE,
    sku_id  INTEGER NOT NULL,
    price   INTEGER NOT NULL CHECK (price > 0),
    PRIMARY KEY (set_id, sku_id)
) STRICT;
-- One group (tuan). status: 3 opened, its opener has not paid (hidden); 0 in progress (listed,
-- date_end is its deadline); 1 succeeded (full, released for shipping); 2 failed (refunded).
-- seats: members holding a place (unpaid or paid), never more than the size; help_number: paid.
CREATE TABLE pingtuan_tuans (
    id              INTEGER PRIMARY KEY,
    set_id          INTEGER NOT NULL REFERENCES goods_pingtuan_sets(id) ON DELETE CASCADE,
    goods_id        INTEGER NOT NULL,
    user_id         INTEGER NOT NULL REFERENCES users(id),
    number_persion  INTEGER NOT NULL CHECK (number_persion >= 2),
    seats           INTEGER NOT NULL DEFAULT 0 CHECK (seats >= 0),
    help_number     INTEGER NOT NULL DEFAULT 0 CHECK (help_number >= 0),
    status          INTEGER NOT NULL DEFAULT 3 CHECK (status IN (0, 1, 2, 3)),
    ext_json        TEXT NOT NULL DEFAULT '{}',
    date_add        INTEGER NOT NULL,
    date_end        INTEGER,
    date_finish     INTEGER,
    CHECK (seats <= number_persion AND help_number <= seats)
) STRICT;
CREATE INDEX pingtuan_tuans_goods ON pingtuan_tuans(goods_id, status);
CREATE INDEX pingtuan_tuans_due ON pingtuan_tuans(status, date_end);
-- A member's order in a group. status: 0 unpaid (holds a seat), 1 paid, 2 refunded (group failed).
-- A closed unpaid order leaves the group (its row goes, the seat frees).
CREATE TABLE pingtuan_members (
    id        INTEGER PRIMARY KEY,
    tuan_id   INTEGER NOT NULL REFERENCES pingtuan_tuans(id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users(id),
    order_id  INTEGER NOT NULL UNIQUE REFERENCES orders(id),
    status    INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),
    date_add  INTEGER NOT NULL,
    date_pay  INTEGER,
    UNIQUE (tuan_id, user_id)
) STRICT;
