-- WeRun (微信运动): a shopper's daily steps as wx.getWeRunData reported them, one row per
-- shop-local day (UTC+8, days since 1970-01-01); a later report of the same day replaces it.
CREATE TABLE werun_steps (
    user_id     INTEGER NOT NULL REFERENCES users(id),
    day         INTEGER NOT NULL,
    steps       INTEGER NOT NULL CHECK (steps >= 0),
    date_update INTEGER NOT NULL,
    PRIMARY KEY (user_id, day)
) STRICT, WITHOUT ROWID;
