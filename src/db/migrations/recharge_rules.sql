-- The shop's recharge bonus rules (充 X 送 Y): a balance recharge of at least `confine` fen gets
-- `send` fen more; only the best matching rule applies (rechargeSendRules lists them).
CREATE TABLE recharge_rules (
    id        INTEGER PRIMARY KEY,
    confine   INTEGER NOT NULL UNIQUE CHECK (confine > 0), -- fen recharged at least
    send      INTEGER NOT NULL CHECK (send > 0),           -- fen given on top
    date_add  INTEGER NOT NULL
) STRICT;
