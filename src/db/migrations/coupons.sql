-- coupons
-- A coupon rule the merchant sets up. money_type 0: `money` fen off; 1: a discount where `money` is
-- the percent still paid (88 = 8.8折), capped by `money_max` fen when > 0. `money_hreshold` is the
-- least the in-scope goods must cost. Validity: valid_type 0 = the fixed window [date_start, date_end);
-- 1 = `valid_days` days from taking. `number_total` coupons can be taken, `number_taken` counts them
-- (a conditional UPDATE keeps it ≤ total); `per_user` limits takes per shopper (0 = no limit).
-- Taking costs `need_score` points and/or `need_amount` fen of balance; `pwd` ('' = none) must be
-- given to take it.
CREATE TABLE coupon_rules (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    type           TEXT NOT NULL DEFAULT '',      -- free label the templates filter by
    money_type     INTEGER NOT NULL DEFAULT 0 CHECK (money_type IN (0, 1)),
    money          INTEGER NOT NULL CHECK (money > 0),
    money_max      INTEGER NOT NULL DEFAULT 0 CHECK (money_max >= 0),
    money_hreshold INTEGER NOT NULL DEFAULT 0 CHECK (money_hreshold >= 0),
    scope          INTEGER NOT NULL DEFAULT 0 CHECK (scope IN (0, 1, 2)), -- 0 all, 1 goods, 2 categories
    valid_type     INTEGER NOT NULL DEFAULT 0 CHECK (valid_type IN (0, 1)),
    date_start     INTEGER NOT NULL DEFAULT 0,
    date_end       INTEGER NOT NULL DEFAULT 0,
    valid_days     INTEGER NOT NULL DEFAULT 0 CHECK (valid_days >= 0),
    number_total   INTEGER NOT NULL CHECK (number_total >= 0),
    number_taken   INTEGER NOT NULL DEFAULT 0 CHECK (number_taken >= 0 AND number_taken <= number_total),
    per_user       INTEGER NOT NULL DEFAULT 1 CHECK (per_user >= 0),
    need_score     INTEGER NOT NULL DEFAULT 0 CHECK (need_score >= 0),
    need_amount    INTEGER NOT NULL DEFAULT 0 CHECK (need_amount >= 0),
    pwd            TEXT NOT NULL DEFAULT '',
    status         INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1)), -- 0 on, 1 off
    paixu          INTEGER NOT NULL DEFAULT 0,
    date_add       INTEGER NOT NULL,
    date_update    INTEGER NOT NULL
) STRICT;
CREATE INDEX coupon_rules_list ON coupon_rules(status, paixu, id DESC);

-- What a scoped rule applies to: goods ids (scope 1) or category ids (scope 2). No FK: a goods or
-- category deleted later simply stops matching.
CREATE TABLE coupon_rule_refs (
    rule_id INTEGER NOT NULL REFERENCES coupon_rules(id) ON DELETE CASCADE,
    ref_id  INTEGER NOT NULL,
    PRIMARY KEY (rule_id, ref_id)
) STRICT, WITHOUT ROWID;

-- Coupons held by shoppers. status 0 usable, 1 locked by order `order_id` (no FK: orders live in
-- another module), 2 used, 3 expired. `taker_id` took it (per-user limits count it even after it
-- was given away); `source` says how it came: fetch, exchange, send, merge, admin.
-- A rule with coupons held cannot be deleted (RESTRICT): switch it off instead.
CREATE TABLE coupon_users (
    id          INTEGER PRIMARY KEY,
    rule_id     INTEGER NOT NULL REFERENCES coupon_rules(id) ON DELETE RESTRICT,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    taker_id    INTEGER NOT NULL,
    source      TEXT NOT NULL,
    status      INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2, 3)),
    order_id    INTEGER CHECK ((status = 1) = (order_id IS NOT NULL) OR status = 2),
    date_start  INTEGER NOT NULL,
    date_end    INTEGER NOT NULL,
    date_use    INTEGER,
    date_add    INTEGER NOT NULL,
    date_update INTEGER NOT NULL
) STRICT;
CREATE INDEX coupon_users_user ON coupon_users(user_id, status, id DESC);
CREATE INDEX coupon_users_taker ON coupon_users(rule_id, taker_id, source);
CREATE INDEX coupon_users_order ON coupon_users(order_id) WHERE order_id IS NOT NULL;
CREATE INDEX coupon_users_expiry ON coupon_users(status, date_end);

-- Exchange codes (exchangeCoupons: number + pwd): each gives one coupon of its rule, once.
-- Printed and handed out by the merchant, so they are outside the rule's public stock.
CREATE TABLE coupon_codes (
    id             INTEGER PRIMARY KEY,
    rule_id        INTEGER NOT NULL REFERENCES coupon_rules(id) ON DELETE CASCADE,
    number         TEXT NOT NULL UNIQUE,
    pwd            TEXT NOT NULL,
    user_id        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    coupon_user_id INTEGER,
    date_add       INTEGER NOT NULL,
    date_used      INTEGER
) STRICT;
CREATE INDEX coupon_codes_rule ON coupon_codes(rule_id, id);

-- Merge rules (mergeCoupons): hand in the listed coupons (`number` of each rule), get one of `rule_id`.
CREATE TABLE coupon_merges (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    rule_id  INTEGER NOT NULL REFERENCES coupon_rules(id) ON DELETE CASCADE,
    status   INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1)), -- 0 on, 1 off
    date_add INTEGER NOT NULL
) STRICT;
CREATE TABLE coupon_merge_parts (
    merge_id INTEGER NOT NULL REFERENCES coupon_merges(id) ON DELETE CASCADE,
    rule_id  INTEGER NOT NULL REFERENCES coupon_rules(id) ON DELETE CASCADE,
    number   INTEGER NOT NULL CHECK (number > 0),
    PRIMARY KEY (merge_id, rule_id)
) STRICT, WITHOUT ROWID;

-- virtual goods
-- Virtual goods sold for balance (virtualTrader*). kind 0: paid content (`content` shown to buyers,
-- bought once per shopper, no stock); kind 1: cards/codes, one row of virtual_goods_cards per unit.
CREATE TABLE virtual_goods (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    pic         TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',     -- shown to everyone
    content     TEXT NOT NULL DEFAULT '',     -- shown to buyers only
    kind        INTEGER NOT NULL DEFAULT 0 CHECK (kind IN (0, 1)),
    price       INTEGER NOT NULL CHECK (price >= 0),
    number_sold INTEGER NOT NULL DEFAULT 0,
    status      INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1)), -- 0 on sale, 1 off
    paixu       INTEGER NOT NULL DEFAULT 0,
    date_add    INTEGER NOT NULL,
    date_update INTEGER NOT NULL
) STRICT;
CREATE INDEX virtual_goods_list ON virtual_goods(status, paixu, id DESC);

-- Purchases; `card` is the card/code the buyer got (kind 1), '' for content.
CREATE TABLE virtual_goods_buys (
    id       INTEGER PRIMARY KEY,
    goods_id INTEGER NOT NULL REFERENCES virtual_goods(id) ON DELETE RESTRICT,
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    amount   INTEGER NOT NULL,
    card     TEXT NOT NULL DEFAULT '',
    date_add INTEGER NOT NULL
) STRICT;
CREATE INDEX virtual_goods_buys_user ON virtual_goods_buys(user_id, id DESC);
CREATE INDEX virtual_goods_buys_goods ON virtual_goods_buys(goods_id, user_id);

-- Card stock: a card with buy_id set is sold; the conditional UPDATE that sets it sells it once.
CREATE TABLE virtual_goods_cards (
    id       INTEGER PRIMARY KEY,
    goods_id INTEGER NOT NULL REFERENCES virtual_goods(id) ON DELETE CASCADE,
    content  TEXT NOT NULL,
    buy_id   INTEGER REFERENCES virtual_goods_buys(id),
    date_add INTEGER NOT NULL
) STRICT;
CREATE INDEX virtual_goods_cards_free ON virtual_goods_cards(goods_id, buy_id, id);
