-- pay_passwords
-- The shopper's pay password (6 digits, argon2 hash), asked by orderPay once set. Wrong tries are
-- counted here, not in memory, so a lockout survives a restart: `fails` wrong tries since
-- `fail_window_start`; the 5th within 15 minutes sets `locked_until` and starts the count again.
CREATE TABLE pay_passwords (
    user_id            INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    hash               TEXT NOT NULL,
    fails              INTEGER NOT NULL DEFAULT 0 CHECK (fails >= 0),
    fail_window_start  INTEGER NOT NULL DEFAULT 0,
    locked_until       INTEGER NOT NULL DEFAULT 0,
    date_add           INTEGER NOT NULL,
    date_update        INTEGER NOT NULL
) STRICT;
