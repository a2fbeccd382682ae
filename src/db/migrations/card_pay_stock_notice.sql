-- Cards paying at checkout, and shoppers waiting for sold-out goods.
-- A held card paying part of an order: what it took off the card (uses of a count card, fen of a
-- value card) and the fen it took off the order; returned = 1 once given back (the unpaid order
-- closed, or the order was refused in full).
CREATE TABLE order_cards (
    order_id     INTEGER PRIMARY KEY REFERENCES orders(id),
    card_user_id INTEGER NOT NULL REFERENCES card_users(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    used         INTEGER NOT NULL CHECK (used > 0),
    amount       INTEGER NOT NULL CHECK (amount >= 0),
    returned     INTEGER NOT NULL DEFAULT 0 CHECK (returned IN (0, 1)),
    date_add     INTEGER NOT NULL
) STRICT;
CREATE INDEX order_cards_card ON order_cards(card_user_id);

-- A shopper waiting for sold-out goods (goodsOutofstockRegistration), the SKU or 0 for the goods
-- as a whole; status 0 waiting, 1 told it is back (through the subscription outbox).
CREATE TABLE stock_notices (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    goods_id      INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    sku_id        INTEGER NOT NULL DEFAULT 0,
    status        INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1)),
    date_add      INTEGER NOT NULL,
    date_notified INTEGER,
    UNIQUE (user_id, goods_id, sku_id)
) STRICT;
CREATE INDEX stock_notices_goods ON stock_notices(goods_id, status, id);
