-- WeChat Pay v2 payments: one row per unified order we asked WeChat for. The notify moves it to
-- paid exactly once (status 0 → 1 in one conditional UPDATE, transaction_id unique), then its
-- nextAction is applied in the same transaction.
CREATE TABLE payments (
    id              INTEGER PRIMARY KEY,
    out_trade_no    TEXT NOT NULL UNIQUE,            -- ours, sent to WeChat (≤ 32 characters)
    user_id         INTEGER NOT NULL REFERENCES users(id),
    openid          TEXT NOT NULL,
    money           INTEGER NOT NULL CHECK (money > 0), -- fen asked of WeChat (total_fee)
    remark          TEXT NOT NULL DEFAULT '',
    next_action     TEXT NOT NULL DEFAULT '',        -- as the client sent it (a JSON string); '' = recharge
    action_type     INTEGER NOT NULL DEFAULT -1,     -- the nextAction type; -1 = balance recharge
    -- 0 awaiting payment, 1 paid and applied, 2 closed unpaid, 3 paid but its purpose could not be
    -- applied (the money stays in the shopper's balance; apply_error says why)
    status          INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2, 3)),
    prepay_id       TEXT NOT NULL DEFAULT '',
    sign_type       TEXT NOT NULL DEFAULT 'MD5' CHECK (sign_type IN ('MD5', 'HMAC-SHA256')),
    transaction_id  TEXT UNIQUE,                     -- WeChat's, once paid
    paid_fen        INTEGER CHECK (paid_fen IS NULL OR paid_fen >= 0), -- total_fee WeChat confirmed
    bonus_fen       INTEGER NOT NULL DEFAULT 0 CHECK (bonus_fen >= 0), -- recharge bonus given with it
    apply_error     TEXT NOT NULL DEFAULT '',
    query_count     INTEGER NOT NULL DEFAULT 0,      -- reconciliation queries made
    date_add        INTEGER NOT NULL,
    date_update     INTEGER NOT NULL,
    date_paid       INTEGER,
    date_close      INTEGER
) STRICT;
CREATE INDEX payments_user ON payments (user_id, id);
CREATE INDEX payments_pending ON payments (date_add) WHERE status = 0;

-- Which orders a payment (nextAction type 0) pays: a comma list in `id` gives several rows.
CREATE TABLE payment_orders (
    payment_id  INTEGER NOT NULL REFERENCES payments(id),
    order_id    INTEGER NOT NULL REFERENCES orders(id),
    PRIMARY KEY (payment_id, order_id)
) STRICT;
CREATE INDEX payment_orders_order ON payment_orders (order_id);
