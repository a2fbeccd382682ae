-- points
-- Sign-in rewards by streak: on the n-th consecutive day a shopper gets the points of the rule with
-- the largest `continuous` not above n (so the last rule keeps paying for longer streaks).
CREATE TABLE score_sign_rules (
    continuous  INTEGER PRIMARY KEY CHECK (continuous BETWEEN 1 AND 366),
    score       INTEGER NOT NULL CHECK (score BETWEEN 0 AND 1000000),
    date_update INTEGER NOT NULL
) STRICT;
-- One row per shopper and shop-local day (`day` = days since 1970-01-01 in the shop's time zone):
-- the unique key is what makes a raced second sign-in fail instead of paying twice.
CREATE TABLE score_signs (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day         INTEGER NOT NULL,
    continuous  INTEGER NOT NULL CHECK (continuous >= 1),
    score       INTEGER NOT NULL CHECK (score >= 0),
    date_add    INTEGER NOT NULL,
    UNIQUE (user_id, day)
) STRICT;
-- Points for sharing to a WeChat group (shareGroupGetScore): once per sharer, group and day.
CREATE TABLE score_share_groups (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    open_gid    TEXT NOT NULL,
    day         INTEGER NOT NULL,
    score       INTEGER NOT NULL CHECK (score > 0),
    date_add    INTEGER NOT NULL,
    UNIQUE (user_id, open_gid, day)
) STRICT;
-- Points redemption codes (scoreExchange): made by the merchant in batches, each used once.
CREATE TABLE score_codes (
    id          INTEGER PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    score       INTEGER NOT NULL CHECK (score BETWEEN 1 AND 1000000),
    batch       TEXT NOT NULL,
    date_end    INTEGER NOT NULL DEFAULT 0,               -- 0: never expires
    used_by     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    date_used   INTEGER NOT NULL DEFAULT 0,
    date_add    INTEGER NOT NULL
) STRICT;
CREATE INDEX score_codes_batch ON score_codes(batch, id);
