-- kanjia (bargain)
-- A bargain set per goods: shoppers start a bargain (join) at original_price and friends cut it
-- (helps), each cut a random fen amount in [help_min, help_max], never below min_price. The owner
-- buys at the current price; number_buy counts paid bargain orders against the quota `number`.
-- Named goods_… so the catalogue epoch follows it (goods answers carry kanjiaPrice).
-- status: 0 active, 1 stopped by the merchant, 2 ended (date_end passed, marked by the order job).
CREATE TABLE goods_kanjia_sets (
    id              INTEGER PRIMARY KEY,
    goods_id        INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    original_price  INTEGER NOT NULL CHECK (original_price > 0),
    min_price       INTEGER NOT NULL CHECK (min_price >= 0 AND min_price < original_price),
    help_min        INTEGER NOT NULL CHECK (help_min >= 1),
    help_max        INTEGER NOT NULL CHECK (help_max >= help_min),
    number          INTEGER NOT NULL CHECK (number > 0),
    number_buy      INTEGER NOT NULL DEFAULT 0 CHECK (number_buy >= 0),
    date_add        INTEGER NOT NULL,
    date_end        INTEGER NOT NULL,
    status          INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2))
) STRICT;
CREATE INDEX goods_kanjia_sets_goods ON goods_kanjia_sets(goods_id, status);
-- One bargain per (set, shopper); kanjiaClear deletes it (with its helps) so a new one can start.
-- status: 0 in progress, 1 bought (its order was paid). order_id: the unpaid order holding it.
CREATE TABLE kanjia_joins (
    id           INTEGER PRIMARY KEY,
    set_id       INTEGER NOT NULL REFERENCES goods_kanjia_sets(id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    cur_price    INTEGER NOT NULL CHECK (cur_price >= 0),
    help_number  INTEGER NOT NULL DEFAULT 0,
    status       INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1)),
    order_id     INTEGER REFERENCES orders(id) ON DELETE SET NULL,
    date_add     INTEGER NOT NULL,
    date_update  INTEGER NOT NULL,
    UNIQUE (set_id, user_id)
) STRICT;
CREATE INDEX kanjia_joins_order ON kanjia_joins(order_id);
-- One help per helper per bargain; set_id is kept to count a helper's helps per set per day.
CREATE TABLE kanjia_helps (
    id         INTEGER PRIMARY KEY,
    join_id    INTEGER NOT NULL REFERENCES kanjia_joins(id) ON DELETE CASCADE,
    set_id     INTEGER NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    cut_price  INTEGER NOT NULL CHECK (cut_price > 0),
    remark     TEXT NOT NULL DEFAULT '',
    date_add   INTEGER NOT NULL,
    UNIQUE (join_id, user_id)
) STRICT;
CREATE INDEX kanjia_helps_helper ON kanjia_helps(user_id, set_id, date_add);
