-- distribution
-- Who sits above whom, three levels deep: one row per (shopper, level) with the ancestor at that
-- level, kept by the triggers below from users.referrer_id (registration, bindSeller, a console
-- edit alike), so a shopper's ancestors and a distributor's downline are each one indexed query.
-- The CHECK refuses a short cycle outright; service::fx refuses every cycle before it writes.
CREATE TABLE fx_chain (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    depth       INTEGER NOT NULL CHECK (depth BETWEEN 1 AND 3),
    ancestor_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date_add    INTEGER NOT NULL,                   -- when this link was made
    PRIMARY KEY (user_id, depth),
    CHECK (ancestor_id <> user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX fx_chain_downline ON fx_chain(ancestor_id, depth, user_id);
INSERT INTO fx_chain (user_id, depth, ancestor_id, date_add)
    SELECT id, 1, referrer_id, date_add FROM users WHERE referrer_id IS NOT NULL;
INSERT INTO fx_chain (user_id, depth, ancestor_id, date_add)
    SELECT c.user_id, 2, p.ancestor_id, c.date_add FROM fx_chain c
    JOIN fx_chain p ON p.user_id = c.ancestor_id AND p.depth = 1 WHERE c.depth = 1;
INSERT INTO fx_chain (user_id, depth, ancestor_id, date_add)
    SELECT c.user_id, 3, p.ancestor_id, c.date_add FROM fx_chain c
    JOIN fx_chain p ON p.user_id = c.ancestor_id AND p.depth = 1 WHERE c.depth = 2;
CREATE TRIGGER fx_chain_insert AFTER INSERT ON users WHEN NEW.referrer_id IS NOT NULL BEGIN
    INSERT INTO fx_chain (user_id, depth, ancestor_id, date_add)
        SELECT NEW.id, 1, NEW.referrer_id, NEW.date_add
        UNION ALL
        SELECT NEW.id, depth + 1, ancestor_id, NEW.date_add FROM fx_chain
        WHERE user_id = NEW.referrer_id AND depth < 3;
END;
-- A new referrer: the shopper's own links, then the links of their downline (two levels) that
-- pass through them.
CREATE TRIGGER fx_chain_update AFTER UPDATE OF referrer_id ON users
WHEN NEW.referrer_id IS NOT OLD.referrer_id BEGIN
    DELETE FROM fx_chain WHERE user_id = NEW.id;
    INSERT INTO fx_chain (user_id, depth, ancestor_id, date_add)
        SELECT NEW.id, 1, NEW.referrer_id, CAST(strftime('%s', 'now') AS INTEGER)
        WHERE NEW.referrer_id IS NOT NULL
        UNION ALL
        SELECT NEW.id, depth + 1, ancestor_id, CAST(strftime('%s', 'now') AS INTEGER) FROM fx_chain
        WHERE user_id = NEW.referrer_id AND depth < 3;
    DELETE FROM fx_chain WHERE EXISTS (
        SELECT 1 FROM fx_chain d
        WHERE d.ancestor_id = NEW.id AND d.user_id = fx_chain.user_id AND fx_chain.depth > d.depth);
    INSERT INTO fx_chain (user_id, depth, ancestor_id, date_add)
        SELECT d.user_id, d.depth + a.depth, a.ancestor_id, d.date_add
        FROM fx_chain d JOIN fx_chain a ON a.user_id = NEW.id
        WHERE d.ancestor_id = NEW.id AND d.depth + a.depth <= 3;
END;

-- Distributors (分销商): who may earn commission, and how they became one (apply, auto, buy, admin).
CREATE TABLE fx_sellers (
    user_id   INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    source    TEXT NOT NULL,
    date_add  INTEGER NOT NULL
) STRICT;

-- Applications to become a distributor: 0 awaiting review, 1 rejected (remark: why), 2 approved.
CREATE TABLE fx_applications (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    mobile      TEXT NOT NULL,
    status      INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),
    remark      TEXT NOT NULL DEFAULT '',
    date_add    INTEGER NOT NULL,
    date_update INTEGER
) STRICT;
CREATE INDEX fx_applications_user ON fx_applications(user_id, id);
CREATE INDEX fx_applications_status ON fx_applications(status, id);

-- Commission one order line gave one ancestor (level 1–3) at payment: `amount` = round(base ×
-- percent / 100) in fen (unit 0) or points (unit 1). Pending (0) until settled (1: the ledger row
-- with source fx_commission and this id holds amount − cancelled) or cancelled (2: a refund took it
-- all). `cancelled` is what refunds took before settlement. `settle_after` is set at receipt.
CREATE TABLE fx_commissions (
    id             INTEGER PRIMARY KEY,
    order_id       INTEGER NOT NULL REFERENCES orders(id),
    order_goods_id INTEGER NOT NULL REFERENCES order_goods(id),
    buyer_id       INTEGER NOT NULL REFERENCES users(id),
    user_id        INTEGER NOT NULL REFERENCES users(id),
    level          INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    unit           INTEGER NOT NULL CHECK (unit IN (0, 1)),
    base           INTEGER NOT NULL CHECK (base >= 0),
    percent        INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
    amount         INTEGER NOT NULL CHECK (amount > 0),
    cancelled      INTEGER NOT NULL DEFAULT 0 CHECK (cancelled BETWEEN 0 AND amount),
    status         INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),
    settle_after   INTEGER,
    date_add       INTEGER NOT NULL,
    date_settle    INTEGER
) STRICT;
CREATE INDEX fx_commissions_user ON fx_commissions(user_id, status, id);
CREATE INDEX fx_commissions_order ON fx_commissions(order_id);
CREATE INDEX fx_commissions_buyer ON fx_commissions(buyer_id, user_id);
CREATE INDEX fx_commissions_due ON fx_commissions(settle_after) WHERE status = 0;
