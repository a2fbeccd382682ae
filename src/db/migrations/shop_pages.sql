-- The templates' remaining pages: a withdrawal bank card per shopper, pinned and highlighted JSON
-- rows, activity pages (活动商城), the number-bomb game, deposits the merchant asks a shopper to
-- pay (status -1), cards paying at checkout, waiting for sold-out goods, and monthly member benefits.
CREATE TABLE user_banks (
    user_id      INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    bank_name    TEXT NOT NULL,
    bank_branch  TEXT NOT NULL,
    name         TEXT NOT NULL,                   -- the account holder
    card_number  TEXT NOT NULL,                   -- digits only; shown masked
    province_id  TEXT NOT NULL DEFAULT '',
    city_id      TEXT NOT NULL DEFAULT '',
    district_id  TEXT NOT NULL DEFAULT '',
    street_id    TEXT NOT NULL DEFAULT '',
    date_add     INTEGER NOT NULL,
    date_update  INTEGER NOT NULL
) STRICT;

ALTER TABLE json_data ADD COLUMN is_top INTEGER NOT NULL DEFAULT 0;
ALTER TABLE json_data ADD COLUMN is_highlight INTEGER NOT NULL DEFAULT 0;

-- An activity page: what the template's pages/huodong shows for `id`.
CREATE TABLE activity_malls (
    id                  INTEGER PRIMARY KEY,
    title               TEXT NOT NULL,
    title_sub           TEXT NOT NULL DEFAULT '',
    date_start          TEXT NOT NULL DEFAULT '',  -- as shown, e.g. 2026-12-01
    date_deadline       TEXT NOT NULL DEFAULT '',
    address             TEXT NOT NULL DEFAULT '',
    banner_type         TEXT NOT NULL DEFAULT '',  -- the banners' type the page shows
    coupon_rule_ids     TEXT NOT NULL DEFAULT '',  -- comma-separated coupon ids
    goods_ids           TEXT NOT NULL DEFAULT '',  -- comma-separated goods ids
    disclaimer_page_key TEXT NOT NULL DEFAULT '',  -- a CMS page key
    status              INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1)),  -- 0 shown, 1 hidden
    date_add            INTEGER NOT NULL,
    date_update         INTEGER NOT NULL
) STRICT;

-- One round of the number-bomb game: 0 playing, 1 lost, 2 won, 3 given up (a new round began).
CREATE TABLE number_bomb_games (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    bomb         INTEGER NOT NULL,
    max_number   INTEGER NOT NULL,
    max_guess    INTEGER NOT NULL,
    guess_time   INTEGER NOT NULL DEFAULT 0,
    use_score    INTEGER NOT NULL DEFAULT 0,
    win_score    INTEGER NOT NULL DEFAULT 0,
    status       INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2, 3)),
    date_add     INTEGER NOT NULL,
    date_update  INTEGER NOT NULL
) STRICT;
CREATE INDEX number_bomb_games_user ON number_bomb_games(user_id, id);

-- Deposits may now be asked for by the merchant before they are paid: status -1 (待支付).
CREATE TABLE deposits_new (
    id               INTEGER PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    user_id          INTEGER NOT NULL REFERENCES users(id),
    amount           INTEGER NOT NULL CHECK (amount > 0),
    status           INTEGER NOT NULL DEFAULT 0 CHECK (status IN (-1, 0, 1, 2)),
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
INSERT INTO deposits_new SELECT * FROM deposits;
DROP TABLE deposits;
ALTER TABLE deposits_new RENAME TO deposits;
CREATE INDEX deposits_user ON deposits(user_id, id);
CREATE INDEX deposits_status ON deposits(status, id);

-- Monthly member benefits: what a level gives its members each month, and who got which month.
CREATE TABLE level_monthly_benefits (
    level_id         INTEGER PRIMARY KEY REFERENCES user_levels(id) ON DELETE CASCADE,
    score            INTEGER NOT NULL DEFAULT 0 CHECK (score >= 0),
    coupon_rule_ids  TEXT NOT NULL DEFAULT '',      -- comma-separated coupon rule ids
    date_update      INTEGER NOT NULL
) STRICT;
CREATE TABLE level_monthly_grants (
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    month     TEXT NOT NULL,                         -- shop-local YYYY-MM
    level_id  INTEGER NOT NULL,
    date_add  INTEGER NOT NULL,
    PRIMARY KEY (user_id, month)
) STRICT;
