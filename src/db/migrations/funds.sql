-- funds
-- Withdrawals (提现): money a shopper asked to take out. While one waits (status 0) its money sits
-- in the shopper's `freeze` account (ledger), so it can be neither spent nor asked for twice.
-- 0 awaiting the merchant, 1 approved (the merchant pays out by hand; `pay_reference` records the
-- transfer), 2 rejected (the money went back to the balance; `rejection_reason` says why).
CREATE TABLE withdrawals (
    id                INTEGER PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    user_id           INTEGER NOT NULL REFERENCES users(id),
    money             INTEGER NOT NULL CHECK (money > 0),
    status            INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),
    remark            TEXT NOT NULL DEFAULT '',
    ext_json          TEXT NOT NULL DEFAULT '',
    rejection_reason  TEXT NOT NULL DEFAULT '',
    pay_reference     TEXT NOT NULL DEFAULT '',
    decided_by        TEXT NOT NULL DEFAULT '',
    date_decide       INTEGER,
    date_add          INTEGER NOT NULL,
    date_update       INTEGER NOT NULL
) STRICT;
CREATE INDEX withdrawals_user ON withdrawals(user_id, id);
CREATE INDEX withdrawals_status ON withdrawals(status, id);

-- Deposits (押金): money a shopper leaves with the shop, held in their `freeze` account.
-- 0 held, 1 return asked for, 2 returned (back on the balance). A refused return goes back to 0
-- with `refuse_reason` set.
CREATE TABLE deposits (
    id               INTEGER PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    user_id          INTEGER NOT NULL REFERENCES users(id),
    amount           INTEGER NOT NULL CHECK (amount > 0),
    status           INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),
    ref_code         TEXT NOT NULL DEFAULT '',
    remark           TEXT NOT NULL DEFAULT '',
    ext_json         TEXT NOT NULL DEFAULT '',
    refuse_reason    TEXT NOT NULL DEFAULT '',
    decided_by       TEXT NOT NULL DEFAULT '',
    date_back_apply  INTEGER,
    date_decide      INTEGER,
    date_add         INTEGER NOT NULL,
    date_update      INTEGER NOT NULL
) STRICT;
CREATE INDEX deposits_user ON deposits(user_id, id);
CREATE INDEX deposits_status ON deposits(status, id);

-- Invoices (发票) shoppers ask for; the merchant issues them outside xiaodian and records the
-- number (and a link to the file) here. 0 awaiting, 1 issued, 2 refused (`refuse_reason`).
CREATE TABLE invoices (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id),
    order_id        INTEGER REFERENCES orders(id),
    title_type      INTEGER NOT NULL DEFAULT 0 CHECK (title_type IN (0, 1)), -- 0 company, 1 person
    com_name        TEXT NOT NULL,
    tfn             TEXT NOT NULL DEFAULT '',
    amount          INTEGER NOT NULL CHECK (amount > 0),
    consumption     TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    mobile          TEXT NOT NULL DEFAULT '',
    address         TEXT NOT NULL DEFAULT '',
    bank            TEXT NOT NULL DEFAULT '',
    remark          TEXT NOT NULL DEFAULT '',
    ext_json        TEXT NOT NULL DEFAULT '',
    status          INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),
    invoice_number  TEXT NOT NULL DEFAULT '',
    file            TEXT NOT NULL DEFAULT '',
    refuse_reason   TEXT NOT NULL DEFAULT '',
    decided_by      TEXT NOT NULL DEFAULT '',
    date_decide     INTEGER,
    date_add        INTEGER NOT NULL,
    date_update     INTEGER NOT NULL
) STRICT;
CREATE INDEX invoices_user ON invoices(user_id, id);
CREATE INDEX invoices_status ON invoices(status, id);
CREATE INDEX invoices_order ON invoices(order_id) WHERE order_id IS NOT NULL;

-- Pay-bill (买单) discount rules: a bill of at least `consume` fen costs `discounts` fen less.
CREATE TABLE pay_bill_discounts (
    id          INTEGER PRIMARY KEY,
    consume     INTEGER NOT NULL UNIQUE CHECK (consume > 0),
    discounts   INTEGER NOT NULL CHECK (discounts > 0 AND discounts < consume),
    date_add    INTEGER NOT NULL,
    date_update INTEGER NOT NULL
) STRICT;

-- Bills paid at the shop: what was consumed, the discount applied, what was paid and how.
CREATE TABLE pay_bills (
    id          INTEGER PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    shop_id     INTEGER,
    money       INTEGER NOT NULL CHECK (money > 0),
    discount    INTEGER NOT NULL DEFAULT 0 CHECK (discount >= 0),
    real_money  INTEGER NOT NULL CHECK (real_money >= 0),
    paid_by     TEXT NOT NULL CHECK (paid_by IN ('balance', 'wxpay')),
    date_add    INTEGER NOT NULL
) STRICT;
CREATE INDEX pay_bills_user ON pay_bills(user_id, id);
CREATE INDEX pay_bills_date ON pay_bills(date_add);
