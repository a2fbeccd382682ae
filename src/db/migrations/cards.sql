-- Cards the shop sells (次卡 / 储值卡): a count card holds uses of the goods it names, a value card
-- holds money to spend on them. Shoppers buy one, redeem a card password for one, or receive one a
-- friend shared; every change of what a card holds is a row of card_logs.
CREATE TABLE cards (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        INTEGER NOT NULL DEFAULT 0 CHECK (kind IN (0, 1)), -- 0 count card, 1 value card (fen)
    amount      INTEGER NOT NULL CHECK (amount > 0),                -- uses, or fen, a new card holds
    price       INTEGER NOT NULL DEFAULT 0 CHECK (price >= 0),      -- fen; 0 = not for sale, only by password
    days        INTEGER NOT NULL DEFAULT 0 CHECK (days >= 0),       -- valid this long after it is taken; 0 = no end
    refs        TEXT NOT NULL DEFAULT '',                           -- comma list of goods ids it pays for
    pic         TEXT NOT NULL DEFAULT '',
    content     TEXT NOT NULL DEFAULT '',
    paixu       INTEGER NOT NULL DEFAULT 0,
    status      INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1)), -- 0 on sale, 1 off sale
    date_add    INTEGER NOT NULL,
    date_update INTEGER NOT NULL
) STRICT;

-- A card a shopper holds. `share_hash` is the SHA-256 of an open share's token: whoever fetches
-- it with that token takes the card over.
CREATE TABLE card_users (
    id          INTEGER PRIMARY KEY,
    card_id     INTEGER NOT NULL REFERENCES cards(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    amount      INTEGER NOT NULL CHECK (amount >= 0),
    status      INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1)), -- 0 usable, 1 shared away
    date_add    INTEGER NOT NULL,
    date_end    INTEGER NOT NULL DEFAULT 0,                         -- 0 = no end
    share_hash  TEXT UNIQUE,
    share_remark TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX card_users_user ON card_users (user_id, id);

-- Every change of a held card: bought, redeemed, shared, received, used, adjusted.
CREATE TABLE card_logs (
    id           INTEGER PRIMARY KEY,
    card_user_id INTEGER NOT NULL REFERENCES card_users(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    kind         INTEGER NOT NULL,    -- 0 bought, 1 redeemed, 2 shared away, 3 received, 4 used, 5 by the merchant
    amount       INTEGER NOT NULL,    -- signed change
    balance      INTEGER NOT NULL,    -- what the card holds after it
    remark       TEXT NOT NULL DEFAULT '',
    date_add     INTEGER NOT NULL
) STRICT;
CREATE INDEX card_logs_card ON card_logs (card_user_id, id);

-- Card passwords the merchant generated: only their SHA-256 is kept; one redemption each.
CREATE TABLE card_passwords (
    id          INTEGER PRIMARY KEY,
    card_id     INTEGER NOT NULL REFERENCES cards(id),
    pwd_hash    TEXT NOT NULL UNIQUE,
    hint        TEXT NOT NULL,        -- the last four characters, so the merchant can tell them apart
    used_by     INTEGER REFERENCES card_users(id),
    date_used   INTEGER,
    date_add    INTEGER NOT NULL
) STRICT;
