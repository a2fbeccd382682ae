-- xiaodian: the whole current schema. A new database is created from this file; an older one is
-- brought here by the numbered steps in src/db/migrate.rs. Times are Unix seconds (UTC);
-- money is integer fen.

-- Shop settings a merchant edits (shop name, subDomain, WeChat keys...).
CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
) STRICT;

-- Values served to the mini-program by queryConfigValue / queryConfigBatch.
CREATE TABLE config_values (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    value       TEXT NOT NULL,
    remark      TEXT NOT NULL DEFAULT '',
    date_add    INTEGER NOT NULL,
    date_update INTEGER NOT NULL
) STRICT;

-- Console accounts.
CREATE TABLE admins (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    date_add      INTEGER NOT NULL,
    date_login    INTEGER
) STRICT;

CREATE TABLE admin_sessions (
    token_hash  TEXT PRIMARY KEY,
    admin_id    INTEGER NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,
    date_add    INTEGER NOT NULL
) STRICT;

-- Merchant API keys: only a hash is kept; `prefix` lets the merchant recognise a key.
CREATE TABLE api_keys (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    prefix      TEXT NOT NULL,
    key_hash    TEXT NOT NULL UNIQUE,
    date_add    INTEGER NOT NULL,
    date_used   INTEGER
) STRICT;

-- Shoppers.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    nick          TEXT NOT NULL DEFAULT '',
    avatar_url    TEXT NOT NULL DEFAULT '',
    mobile        TEXT UNIQUE,
    username      TEXT UNIQUE,
    email         TEXT UNIQUE,
    password_hash TEXT,                           -- argon2; NULL until the shopper sets one
    gender        INTEGER NOT NULL DEFAULT 0,     -- 0 unknown, 1 male, 2 female
    province      TEXT NOT NULL DEFAULT '',
    city          TEXT NOT NULL DEFAULT '',
    birthday      TEXT NOT NULL DEFAULT '',
    ext_json      TEXT NOT NULL DEFAULT '{}',
    referrer_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    source        TEXT NOT NULL DEFAULT '',       -- wxapp, mobile, username, email
    status        INTEGER NOT NULL DEFAULT 0,     -- 0 normal, 1 disabled
    date_add      INTEGER NOT NULL,
    date_login    INTEGER
) STRICT;

-- The shopper's WeChat identity; session_key is the latest WeChat gave us and never leaves the server.
CREATE TABLE wechat_accounts (
    user_id       INTEGER NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    appid         TEXT NOT NULL,
    openid        TEXT NOT NULL,
    unionid       TEXT,
    session_key   TEXT NOT NULL DEFAULT '',
    date_session  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (appid, openid)
) STRICT;

-- WeChat access tokens, kept so a restart does not fetch (and invalidate) a new one.
CREATE TABLE wechat_tokens (
    appid         TEXT PRIMARY KEY,
    access_token  TEXT NOT NULL,
    expires_at    INTEGER NOT NULL
) STRICT;

-- Shopper login tokens: only the SHA-256 of the token is stored.
CREATE TABLE user_tokens (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at  INTEGER NOT NULL,
    date_add    INTEGER NOT NULL
) STRICT;
CREATE INDEX user_tokens_user ON user_tokens(user_id);

CREATE TABLE banners (
    id          INTEGER PRIMARY KEY,
    type        TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL DEFAULT '',
    pic_url     TEXT NOT NULL,
    link_type   INTEGER NOT NULL DEFAULT 0,      -- 0 page in this mini-program, 1 another mini-program
    link_url    TEXT NOT NULL DEFAULT '',
    appid       TEXT NOT NULL DEFAULT '',
    business_id INTEGER NOT NULL DEFAULT 0,
    paixu       INTEGER NOT NULL DEFAULT 0,      -- sort order, small first
    status      INTEGER NOT NULL DEFAULT 0,      -- 0 shown, 1 hidden
    remark      TEXT NOT NULL DEFAULT '',
    date_add    INTEGER NOT NULL
) STRICT;
CREATE INDEX banners_type ON banners(type, status, paixu);

-- Named ad slots (indexPop, index-live-pic...): `val` is the picture, `url` the link.
CREATE TABLE ad_positions (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    val         TEXT NOT NULL DEFAULT '',
    url         TEXT NOT NULL DEFAULT '',
    type        INTEGER NOT NULL DEFAULT 0,
    remark      TEXT NOT NULL DEFAULT '',
    status      INTEGER NOT NULL DEFAULT 0,      -- 0 shown, 1 hidden
    date_add    INTEGER NOT NULL,
    date_update INTEGER NOT NULL
) STRICT;

CREATE TABLE notices (
    id          INTEGER PRIMARY KEY,
    type        TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL,
    content     TEXT NOT NULL DEFAULT '',
    is_show     INTEGER NOT NULL DEFAULT 1,
    date_add    INTEGER NOT NULL,
    date_update INTEGER NOT NULL
) STRICT;
CREATE INDEX notices_list ON notices(is_show, type, id);

CREATE TABLE friendly_partners (
    id          INTEGER PRIMARY KEY,
    type        TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL,
    pic_url     TEXT NOT NULL DEFAULT '',
    link_url    TEXT NOT NULL DEFAULT '',
    paixu       INTEGER NOT NULL DEFAULT 0,
    status      INTEGER NOT NULL DEFAULT 0,      -- 0 shown, 1 hidden
    date_add    INTEGER NOT NULL
) STRICT;

-- JSON storage (jsonSet/jsonList): user_id NULL = the shop's own (public) rows.
CREATE TABLE json_data (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER REFERENCES users(id) ON DELETE CASCADE,
    type        TEXT NOT NULL DEFAULT '',
    ref_id      TEXT NOT NULL DEFAULT '',
    content     TEXT NOT NULL,
    date_add    INTEGER NOT NULL,
    date_update INTEGER NOT NULL,
    is_top      INTEGER NOT NULL DEFAULT 0,       -- pinned by its owner (jsonTopv2)
    is_highlight INTEGER NOT NULL DEFAULT 0       -- marked by its owner (jsonHighlightv2)
) STRICT;
CREATE INDEX json_data_owner ON json_data(user_id, type, ref_id, id);

-- Files in data/uploads; user_id NULL = uploaded by the merchant.
CREATE TABLE uploads (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    path        TEXT NOT NULL UNIQUE,             -- relative to data/uploads, e.g. 2026/11/ab12.png
    name        TEXT NOT NULL DEFAULT '',         -- the name the uploader gave
    mime        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    expires_at  INTEGER,                          -- deleted by the cleanup job after this
    date_add    INTEGER NOT NULL
) STRICT;
CREATE INDEX uploads_owner ON uploads(user_id, path);
CREATE INDEX uploads_expiry ON uploads(expires_at) WHERE expires_at IS NOT NULL;

-- Named counters for uniqueId/sequence.
CREATE TABLE sequences (
    type        TEXT PRIMARY KEY,
    value       INTEGER NOT NULL
) STRICT;

-- shipping addresses
-- A shopper's delivery addresses. Region ids are the 6-digit codes of the built-in region data
-- (src/regions.rs); their names are looked up when answering, so a renamed region needs no migration.
CREATE TABLE shipping_addresses (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    link_man    TEXT NOT NULL,
    mobile      TEXT NOT NULL,
    province_id TEXT NOT NULL,
    city_id     TEXT NOT NULL,
    district_id TEXT,                                -- NULL only where the city has no districts (东莞市)
    street_id   TEXT,                                -- kept as given: the built-in data stops at districts
    address     TEXT NOT NULL,
    code        TEXT NOT NULL DEFAULT '',            -- postcode
    idcard      TEXT NOT NULL DEFAULT '',            -- for cross-border parcels
    latitude    REAL,
    longitude   REAL,
    ext_json    TEXT NOT NULL DEFAULT '',            -- a JSON object as text, '' when none
    status      INTEGER NOT NULL DEFAULT 0,          -- 0 normal, 1 disabled
    is_default  INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    date_add    INTEGER NOT NULL,
    date_update INTEGER NOT NULL
) STRICT;
CREATE INDEX shipping_addresses_user ON shipping_addresses(user_id, id);
-- At most one default per shopper, even if a code path forgot to clear the old one.
CREATE UNIQUE INDEX shipping_addresses_default ON shipping_addresses(user_id) WHERE is_default = 1;

-- social: friends, follows, inbox messages
-- Friendship is mutual: adding writes both directions, so each shopper's list is one index range.
CREATE TABLE user_friends (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    friend_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date_add    INTEGER NOT NULL,
    PRIMARY KEY (user_id, friend_id),
    CHECK (user_id <> friend_id)
) STRICT, WITHOUT ROWID;

-- Follows are one-way; the primary key makes a repeated follow a no-op, and the second index
-- serves "who follows me" and its count.
CREATE TABLE user_follows (
    follower_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    followee_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date_add    INTEGER NOT NULL,
    PRIMARY KEY (follower_id, followee_id),
    CHECK (follower_id <> followee_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX user_follows_followee ON user_follows(followee_id, follower_id);

-- What the console sent (to one shopper or to all): the merchant's record of it.
CREATE TABLE message_sends (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER REFERENCES users(id) ON DELETE SET NULL, -- NULL with to_all = 1
    to_all      INTEGER NOT NULL DEFAULT 0 CHECK (to_all IN (0, 1)),
    kind        TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL,
    content     TEXT NOT NULL DEFAULT '',
    recipients  INTEGER NOT NULL,                 -- how many inboxes it reached when sent
    sent_by     TEXT NOT NULL DEFAULT '',         -- the console account
    date_add    INTEGER NOT NULL
) STRICT;

-- A shopper's inbox: one row per recipient, so read and deleted are each shopper's own.
CREATE TABLE user_messages (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL DEFAULT '',         -- the client's `type`: order, system, shop...
    title       TEXT NOT NULL,
    content     TEXT NOT NULL DEFAULT '',
    send_id     INTEGER REFERENCES message_sends(id) ON DELETE SET NULL, -- NULL: sent by a feature
    is_read     INTEGER NOT NULL DEFAULT 0 CHECK (is_read IN (0, 1)),
    date_add    INTEGER NOT NULL,
    date_read   INTEGER
) STRICT;
CREATE INDEX user_messages_inbox ON user_messages(user_id, id);
CREATE INDEX user_messages_send ON user_messages(send_id, is_read) WHERE send_id IS NOT NULL;
-- verification codes
-- SMS and e-mail codes. Only the SHA-256 of a code is kept; the newest code of a target is the
-- one that counts. The rows are also the rate-limit record (per target, per client IP), so they
-- are kept for two days and pruned a few at a time by each send.
CREATE TABLE verification_codes (
    id          INTEGER PRIMARY KEY,
    channel     TEXT NOT NULL CHECK (channel IN ('sms', 'mail')),
    target      TEXT NOT NULL,                       -- mobile number, or lower-case e-mail
    code_hash   TEXT NOT NULL,
    client_ip   TEXT NOT NULL DEFAULT '',
    tries       INTEGER NOT NULL DEFAULT 0,          -- wrong guesses so far
    status      INTEGER NOT NULL DEFAULT 0,          -- 0 live, 1 used, 2 dead (wrong too often, replaced, undelivered)
    expires_at  INTEGER NOT NULL,
    date_add    INTEGER NOT NULL
) STRICT;
CREATE INDEX verification_codes_target ON verification_codes(channel, target, date_add);
CREATE INDEX verification_codes_ip ON verification_codes(client_ip, date_add);

-- Every code message: the merchant's outbox while no provider is configured (sandbox, tests),
-- and the delivery record (code masked) once one is. Kept 30 days.
CREATE TABLE code_outbox (
    id          INTEGER PRIMARY KEY,
    channel     TEXT NOT NULL CHECK (channel IN ('sms', 'mail')),
    target      TEXT NOT NULL,
    content     TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('outbox', 'sent', 'failed')),
    error       TEXT NOT NULL DEFAULT '',
    date_add    INTEGER NOT NULL
) STRICT;
CREATE INDEX code_outbox_target ON code_outbox(target, id);

-- password accounts
-- Usernames are unique whatever their case ("Alice" and "alice" are one account).
CREATE UNIQUE INDEX users_username_nocase ON users(username COLLATE NOCASE);
-- ledger
-- A shopper's money (fen) and points. Every change writes an immutable `ledger` row in the same
-- transaction (service::ledger::post), so each column always equals the sum of its ledger rows;
-- `xiaodian check` verifies it. The CHECKs are the last guard against an overdraft.
CREATE TABLE user_accounts (
    user_id        INTEGER PRIMARY KEY REFERENCES users(id),
    balance        INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0),   -- fen, spendable
    freeze         INTEGER NOT NULL DEFAULT 0 CHECK (freeze >= 0),    -- fen, held (withdrawals, deposits)
    score          INTEGER NOT NULL DEFAULT 0 CHECK (score >= 0),     -- points
    growth         INTEGER NOT NULL DEFAULT 0 CHECK (growth >= 0),    -- growth points
    totle_consumed INTEGER NOT NULL DEFAULT 0,                        -- fen spent in the shop (a statistic, not ledgered)
    date_add       INTEGER NOT NULL,
    date_update    INTEGER NOT NULL
) STRICT;

CREATE TABLE ledger (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    account     TEXT NOT NULL CHECK (account IN ('balance', 'freeze', 'score', 'growth')),
    amount      INTEGER NOT NULL CHECK (amount <> 0),                 -- signed: + in, - out
    after       INTEGER NOT NULL CHECK (after >= 0),                  -- the account's value after this row
    reason      TEXT NOT NULL,                                        -- Chinese, shown to the shopper
    source_type TEXT NOT NULL,                                        -- level_buy, admin, order, payment, refund...
    source_id   TEXT NOT NULL DEFAULT '',
    date_add    INTEGER NOT NULL
) STRICT;
CREATE INDEX ledger_user ON ledger(user_id, account, id);
CREATE INDEX ledger_source ON ledger(source_type, source_id);
-- Rows are history: a correction is a new row, never an edit.
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN SELECT RAISE(ABORT, 'ledger rows are immutable'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, 'ledger rows are immutable'); END;

-- member levels
-- Levels a shopper buys with balance for a number of days. `rebate_percent` is what a member pays
-- of the list price (88 = 8.8折, 100 = no discount); `upgrade_send_score` points come with a new level.
CREATE TABLE user_levels (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    level              INTEGER NOT NULL CHECK (level >= 1),          -- higher is better
    pic                TEXT NOT NULL DEFAULT '',
    remark             TEXT NOT NULL DEFAULT '',
    rebate_percent     INTEGER NOT NULL DEFAULT 100 CHECK (rebate_percent BETWEEN 1 AND 100),
    upgrade_send_score INTEGER NOT NULL DEFAULT 0 CHECK (upgrade_send_score >= 0),
    ext_json           TEXT NOT NULL DEFAULT '{}',                   -- more benefits: {"name": "text"}
    paixu              INTEGER NOT NULL DEFAULT 0,
    status             INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1)),  -- 0 shown, 1 hidden
    date_add           INTEGER NOT NULL,
    date_update        INTEGER NOT NULL
) STRICT;
CREATE INDEX user_levels_shown ON user_levels(status, paixu, level);
-- One level per number, so "a higher level exists" (canUpgrade) means something.
CREATE UNIQUE INDEX user_levels_number ON user_levels(level);

-- What a level costs for how long.
CREATE TABLE user_level_prices (
    id                 INTEGER PRIMARY KEY,
    level_id           INTEGER NOT NULL REFERENCES user_levels(id) ON DELETE CASCADE,
    days               INTEGER NOT NULL CHECK (days BETWEEN 1 AND 36600),
    price_fen          INTEGER NOT NULL CHECK (price_fen >= 0),
    original_price_fen INTEGER NOT NULL DEFAULT 0 CHECK (original_price_fen >= 0),
    paixu              INTEGER NOT NULL DEFAULT 0,
    status             INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1)),  -- 0 on sale, 1 hidden
    date_add           INTEGER NOT NULL,
    date_update        INTEGER NOT NULL
) STRICT;
CREATE INDEX user_level_prices_level ON user_level_prices(level_id, status, paixu);

-- Every purchase and renewal, with what was bought kept as it was (levels and prices may change).
CREATE TABLE user_level_buys (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    level_id      INTEGER REFERENCES user_levels(id) ON DELETE SET NULL,
    price_id      INTEGER REFERENCES user_level_prices(id) ON DELETE SET NULL,
    level_name    TEXT NOT NULL,
    days          INTEGER NOT NULL,
    amount_fen    INTEGER NOT NULL,
    kind          INTEGER NOT NULL CHECK (kind IN (0, 1, 2)),         -- 0 new level, 1 extension, 2 auto-renewal
    is_auto_renew INTEGER NOT NULL DEFAULT 0 CHECK (is_auto_renew IN (0, 1)),
    remark        TEXT NOT NULL DEFAULT '',
    status        INTEGER NOT NULL DEFAULT 1 CHECK (status IN (0, 1)),  -- 0 awaiting payment, 1 paid
    date_add      INTEGER NOT NULL,
    date_expire   INTEGER NOT NULL                                    -- the level's expiry this purchase led to
) STRICT;
CREATE INDEX user_level_buys_user ON user_level_buys(user_id, id);

-- The level a shopper holds now; a row past date_expire is lapsed even before the job removes it.
CREATE TABLE user_levels_current (
    user_id     INTEGER PRIMARY KEY REFERENCES users(id),
    level_id    INTEGER NOT NULL REFERENCES user_levels(id),
    price_id    INTEGER REFERENCES user_level_prices(id) ON DELETE SET NULL,  -- what auto-renewal buys again
    auto_renew  INTEGER NOT NULL DEFAULT 0 CHECK (auto_renew IN (0, 1)),
    date_expire INTEGER NOT NULL,
    date_add    INTEGER NOT NULL,
    date_update INTEGER NOT NULL
) STRICT;
CREATE INDEX user_levels_current_expiry ON user_levels_current(date_expire);
CREATE INDEX user_levels_current_level ON user_levels_current(level_id, date_expire);
-- catalogue
-- Goods categories: a tree by `pid` (NULL = top level, answered as pid 0). `level` (1 = top) is
-- stored because the templates filter on it; it is the parent's level + 1, set by
-- db::catalog::insert_category. A category with children or goods cannot be deleted (FK).
CREATE TABLE goods_categories (
    id          INTEGER PRIMARY KEY,
    pid         INTEGER REFERENCES goods_categories(id),
    name        TEXT NOT NULL,
    icon        TEXT NOT NULL DEFAULT '',         -- "/uploads/…" or an absolute URL
    type        TEXT NOT NULL DEFAULT '',         -- free label; templates use 'index' for home-page sections
    key         TEXT NOT NULL DEFAULT '',         -- the merchant's own code for the category
    level       INTEGER NOT NULL DEFAULT 1 CHECK (level >= 1),
    paixu       INTEGER NOT NULL DEFAULT 0,       -- sort order, small first
    is_use      INTEGER NOT NULL DEFAULT 1 CHECK (is_use IN (0, 1)),
    ext_json    TEXT NOT NULL DEFAULT '{}',       -- free-form JSON object (goodsCategoryDetail extJson)
    date_add    INTEGER NOT NULL,
    date_update INTEGER NOT NULL
) STRICT;
CREATE INDEX goods_categories_pid ON goods_categories(pid);

-- Goods. For goods with SKUs, `stores`, `min_price`, `min_score` and `original_price` are kept
-- equal to their SKUs' (sum of stock, cheapest price) by the goods_skus triggers below, so stock
-- taken from a SKU is taken from the goods in the same statement. Money in fen, weight in grams.
CREATE TABLE goods (
    id              INTEGER PRIMARY KEY,
    category_id     INTEGER REFERENCES goods_categories(id),
    shop_id         INTEGER NOT NULL DEFAULT 0,   -- 0 = the shop itself
    name            TEXT NOT NULL,
    characteristic  TEXT NOT NULL DEFAULT '',     -- one-line selling point
    content         TEXT NOT NULL DEFAULT '',     -- rich text (HTML); links to our files as "/uploads/…"
    pic             TEXT NOT NULL DEFAULT '',     -- main picture
    video_id        INTEGER REFERENCES uploads(id) ON DELETE SET NULL, -- answered as videoId (videoDetail)
    tags            TEXT NOT NULL DEFAULT '',     -- comma-separated
    purchase_notes  TEXT NOT NULL DEFAULT '',
    status          INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1)),            -- 0 on shelf, 1 off
    recommend_status INTEGER NOT NULL DEFAULT 0 CHECK (recommend_status IN (0, 1)), -- 1 recommended
    -- Marketing flags the templates filter lists by; their prices and rules live with each feature.
    kanjia          INTEGER NOT NULL DEFAULT 0 CHECK (kanjia IN (0, 1)),
    miaosha         INTEGER NOT NULL DEFAULT 0 CHECK (miaosha IN (0, 1)),
    pingtuan        INTEGER NOT NULL DEFAULT 0 CHECK (pingtuan IN (0, 1)),
    paixu           INTEGER NOT NULL DEFAULT 0,
    stores          INTEGER NOT NULL DEFAULT 0 CHECK (stores >= 0),
    min_price       INTEGER NOT NULL DEFAULT 0 CHECK (min_price >= 0),
    original_price  INTEGER NOT NULL DEFAULT 0 CHECK (original_price >= 0),
    min_score       INTEGER NOT NULL DEFAULT 0 CHECK (min_score >= 0),  -- points price
    min_buy_number  INTEGER NOT NULL DEFAULT 1 CHECK (min_buy_number >= 1),
    weight          INTEGER NOT NULL DEFAULT 0 CHECK (weight >= 0),
    -- Counters kept by orders, favourites, views and reviews.
    number_sells    INTEGER NOT NULL DEFAULT 0,
    number_orders   INTEGER NOT NULL DEFAULT 0,
    number_fav      INTEGER NOT NULL DEFAULT 0,
    number_views    INTEGER NOT NULL DEFAULT 0,
    number_reputation      INTEGER NOT NULL DEFAULT 0,
    number_good_reputation INTEGER NOT NULL DEFAULT 0,
    logistics_id    INTEGER,                      -- freight template; NULL = none (free shipping)
    ext_json        TEXT NOT NULL DEFAULT '{}',   -- free-form JSON object (goodsDetail extJson)
    date_add        INTEGER NOT NULL,
    date_update     INTEGER NOT NULL,
    -- Moves on with every save and every stock change (orders too, by goods_stock_version): an edit
    -- based on an older version must not overwrite stock. The merchant API answers it as the ETag.
    version         INTEGER NOT NULL DEFAULT 1,
    -- Moves on with every change of the goods' calendar days and slots (their triggers below).
    calendar_version INTEGER NOT NULL DEFAULT 0
) STRICT;
-- Stock taken or returned by orders, and SKU stock (which reaches the goods by its triggers).
CREATE TRIGGER goods_stock_version AFTER UPDATE OF stores ON goods
WHEN NEW.stores IS NOT OLD.stores BEGIN
    UPDATE goods SET version = version + 1 WHERE id = NEW.id;
END;
-- Shop-window lists: on-shelf goods by category, in the default order (paixu, newest first).
CREATE INDEX goods_category_shelf ON goods(category_id, status, paixu, id DESC);
CREATE INDEX goods_shelf ON goods(status, paixu, id DESC);

-- Trigram full-text index over the goods' words, so a Chinese substring search ("龙井茶") uses the
-- index instead of scanning every name. External content: the text lives only in `goods`.
CREATE VIRTUAL TABLE goods_fts USING fts5(
    name, tags, characteristic, content = 'goods', content_rowid = 'id', tokenize = 'trigram'
);
-- Kept in sync by triggers, so every write of a goods row updates it in the same transaction.
CREATE TRIGGER goods_fts_insert AFTER INSERT ON goods BEGIN
    INSERT INTO goods_fts(rowid, name, tags, characteristic)
    VALUES (NEW.id, NEW.name, NEW.tags, NEW.characteristic);
END;
CREATE TRIGGER goods_fts_delete AFTER DELETE ON goods BEGIN
    INSERT INTO goods_fts(goods_fts, rowid, name, tags, characteristic)
    VALUES ('delete', OLD.id, OLD.name, OLD.tags, OLD.characteristic);
END;
CREATE TRIGGER goods_fts_update AFTER UPDATE OF name, tags, characteristic ON goods BEGIN
    INSERT INTO goods_fts(goods_fts, rowid, name, tags, characteristic)
    VALUES ('delete', OLD.id, OLD.name, OLD.tags, OLD.characteristic);
    INSERT INTO goods_fts(rowid, name, tags, characteristic)
    VALUES (NEW.id, NEW.name, NEW.tags, NEW.characteristic);
END;

-- The goods' pictures (the gallery), in order.
CREATE TABLE goods_pics (
    id          INTEGER PRIMARY KEY,
    goods_id    INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    pic         TEXT NOT NULL,
    paixu       INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX goods_pics_goods ON goods_pics(goods_id, paixu, id);

-- Specs: a goods' properties (颜色, 尺码) and their values (红, XL).
CREATE TABLE goods_properties (
    id          INTEGER PRIMARY KEY,
    goods_id    INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    paixu       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (goods_id, name)
) STRICT;

CREATE TABLE goods_property_children (
    id          INTEGER PRIMARY KEY,
    property_id INTEGER NOT NULL REFERENCES goods_properties(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    paixu       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (property_id, name)
) STRICT;

-- One row per spec combination. `property_child_ids` is the client's own key, "pid:cid,pid:cid,"
-- with the pairs sorted by property id, so a lookup is one indexed equality.
CREATE TABLE goods_skus (
    id                 INTEGER PRIMARY KEY,
    goods_id           INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    property_child_ids TEXT NOT NULL,
    price              INTEGER NOT NULL CHECK (price >= 0),
    original_price     INTEGER NOT NULL DEFAULT 0 CHECK (original_price >= 0),
    score              INTEGER NOT NULL DEFAULT 0 CHECK (score >= 0),
    stores             INTEGER NOT NULL DEFAULT 0 CHECK (stores >= 0),
    weight             INTEGER NOT NULL DEFAULT 0 CHECK (weight >= 0),
    code               TEXT NOT NULL DEFAULT '',  -- the merchant's SKU code
    UNIQUE (goods_id, property_child_ids)
) STRICT;
-- The goods row mirrors its SKUs: total stock, and the cheapest SKU's prices.
CREATE TRIGGER goods_skus_insert AFTER INSERT ON goods_skus BEGIN
    UPDATE goods SET
        stores = (SELECT coalesce(sum(stores), 0) FROM goods_skus WHERE goods_id = NEW.goods_id),
        min_price = (SELECT min(price) FROM goods_skus WHERE goods_id = NEW.goods_id),
        min_score = (SELECT min(score) FROM goods_skus WHERE goods_id = NEW.goods_id),
        original_price = (SELECT original_price FROM goods_skus WHERE goods_id = NEW.goods_id
                          ORDER BY price, id LIMIT 1)
    WHERE id = NEW.goods_id;
END;
CREATE TRIGGER goods_skus_update AFTER UPDATE OF stores, price, score, original_price ON goods_skus BEGIN
    UPDATE goods SET
        stores = (SELECT coalesce(sum(stores), 0) FROM goods_skus WHERE goods_id = NEW.goods_id),
        min_price = (SELECT min(price) FROM goods_skus WHERE goods_id = NEW.goods_id),
        min_score = (SELECT min(score) FROM goods_skus WHERE goods_id = NEW.goods_id),
        original_price = (SELECT original_price FROM goods_skus WHERE goods_id = NEW.goods_id
                          ORDER BY price, id LIMIT 1)
    WHERE id = NEW.goods_id;
END;
-- Removing the last SKU leaves the prices as they were and no stock: the merchant sets it again.
CREATE TRIGGER goods_skus_delete AFTER DELETE ON goods_skus BEGIN
    UPDATE goods SET
        stores = (SELECT coalesce(sum(stores), 0) FROM goods_skus WHERE goods_id = OLD.goods_id),
        min_price = coalesce((SELECT min(price) FROM goods_skus WHERE goods_id = OLD.goods_id), min_price),
        min_score = coalesce((SELECT min(score) FROM goods_skus WHERE goods_id = OLD.goods_id), min_score),
        original_price = coalesce((SELECT original_price FROM goods_skus WHERE goods_id = OLD.goods_id
                                   ORDER BY price, id LIMIT 1), original_price)
    WHERE id = OLD.goods_id;
END;

-- cms
-- Article categories (a flat list with an optional parent); `type` is free text the templates
-- filter on (wechat-app-mall shows `type = 'index'` on the home page).
CREATE TABLE cms_categories (
    id          INTEGER PRIMARY KEY,
    pid         INTEGER REFERENCES cms_categories(id) ON DELETE SET NULL,
    name        TEXT NOT NULL,
    type        TEXT NOT NULL DEFAULT '',
    icon        TEXT NOT NULL DEFAULT '',
    paixu       INTEGER NOT NULL DEFAULT 0,
    is_use      INTEGER NOT NULL DEFAULT 1,
    ext_json    TEXT NOT NULL DEFAULT '{}',
    date_add    INTEGER NOT NULL,
    date_update INTEGER NOT NULL
) STRICT;

-- Articles: the shop's (user_id NULL) and shoppers' (cmsArticleCreate). `content` is stored
-- already sanitised HTML. The counters follow their rows through the triggers below.
CREATE TABLE cms_articles (
    id             INTEGER PRIMARY KEY,
    category_id    INTEGER REFERENCES cms_categories(id) ON DELETE SET NULL,
    user_id        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    title          TEXT NOT NULL,
    descript       TEXT NOT NULL DEFAULT '',
    content        TEXT NOT NULL DEFAULT '',
    pic            TEXT NOT NULL DEFAULT '',
    author         TEXT NOT NULL DEFAULT '',
    tags           TEXT NOT NULL DEFAULT '',     -- comma-separated
    keywords       TEXT NOT NULL DEFAULT '',
    paixu          INTEGER NOT NULL DEFAULT 0,
    is_recommend   INTEGER NOT NULL DEFAULT 0,
    status         INTEGER NOT NULL DEFAULT 0,   -- 0 published, 1 awaiting review, 2 hidden
    number_read    INTEGER NOT NULL DEFAULT 0,
    number_fav     INTEGER NOT NULL DEFAULT 0,
    number_comment INTEGER NOT NULL DEFAULT 0,
    number_useful  INTEGER NOT NULL DEFAULT 0,
    number_useless INTEGER NOT NULL DEFAULT 0,
    date_add       INTEGER NOT NULL,
    date_update    INTEGER NOT NULL
) STRICT;
-- Lists: published articles of a category in the default order (paixu, newest first).
CREATE INDEX cms_articles_list ON cms_articles(status, category_id, paixu, id DESC);

-- Trigram index over the articles' words, as goods_fts, so Chinese substring search is indexed.
CREATE VIRTUAL TABLE cms_articles_fts USING fts5(
    title, tags, keywords, descript, content = 'cms_articles', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER cms_articles_fts_insert AFTER INSERT ON cms_articles BEGIN
    INSERT INTO cms_articles_fts(rowid, title, tags, keywords, descript)
    VALUES (NEW.id, NEW.title, NEW.tags, NEW.keywords, NEW.descript);
END;
CREATE TRIGGER cms_articles_fts_delete AFTER DELETE ON cms_articles BEGIN
    INSERT INTO cms_articles_fts(cms_articles_fts, rowid, title, tags, keywords, descript)
    VALUES ('delete', OLD.id, OLD.title, OLD.tags, OLD.keywords, OLD.descript);
END;
CREATE TRIGGER cms_articles_fts_update AFTER UPDATE OF title, tags, keywords, descript ON cms_articles BEGIN
    INSERT INTO cms_articles_fts(cms_articles_fts, rowid, title, tags, keywords, descript)
    VALUES ('delete', OLD.id, OLD.title, OLD.tags, OLD.keywords, OLD.descript);
    INSERT INTO cms_articles_fts(rowid, title, tags, keywords, descript)
    VALUES (NEW.id, NEW.title, NEW.tags, NEW.keywords, NEW.descript);
END;

-- Single pages by key (about, contact...).
CREATE TABLE cms_pages (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    content     TEXT NOT NULL DEFAULT '',        -- sanitised HTML
    date_add    INTEGER NOT NULL,
    date_update INTEGER NOT NULL
) STRICT;

-- A shopper's favourite articles: one row per (shopper, article), so adding twice is a no-op.
CREATE TABLE cms_article_favs (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES cms_articles(id) ON DELETE CASCADE,
    date_add   INTEGER NOT NULL,
    UNIQUE (user_id, article_id)
) STRICT;
CREATE TRIGGER cms_article_favs_insert AFTER INSERT ON cms_article_favs BEGIN
    UPDATE cms_articles SET number_fav = number_fav + 1 WHERE id = NEW.article_id;
END;
CREATE TRIGGER cms_article_favs_delete AFTER DELETE ON cms_article_favs BEGIN
    UPDATE cms_articles SET number_fav = number_fav - 1 WHERE id = OLD.article_id;
END;

-- A shopper's one attitude per article (useful or useless); changing it moves the counters.
CREATE TABLE cms_article_votes (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES cms_articles(id) ON DELETE CASCADE,
    is_useful  INTEGER NOT NULL,
    date_add   INTEGER NOT NULL,
    UNIQUE (user_id, article_id)
) STRICT;
CREATE INDEX cms_article_votes_article ON cms_article_votes(article_id, id DESC);
CREATE TRIGGER cms_article_votes_insert AFTER INSERT ON cms_article_votes BEGIN
    UPDATE cms_articles SET number_useful = number_useful + NEW.is_useful,
                            number_useless = number_useless + 1 - NEW.is_useful
    WHERE id = NEW.article_id;
END;
CREATE TRIGGER cms_article_votes_update AFTER UPDATE OF is_useful ON cms_article_votes BEGIN
    UPDATE cms_articles SET number_useful = number_useful + NEW.is_useful - OLD.is_useful,
                            number_useless = number_useless + OLD.is_useful - NEW.is_useful
    WHERE id = NEW.article_id;
END;

-- Comments and feedback (addComment): type 0 = feedback to the shop, 1 = on an article (ref_id).
-- Hidden ones (status 1) stay for the merchant but leave the lists and the article's count.
CREATE TABLE comments (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    type      INTEGER NOT NULL,
    ref_id    INTEGER NOT NULL DEFAULT 0,
    pid       INTEGER NOT NULL DEFAULT 0,       -- the comment this one answers; 0 = top level
    content   TEXT NOT NULL,
    ext_json  TEXT NOT NULL DEFAULT '{}',
    status    INTEGER NOT NULL DEFAULT 0,       -- 0 shown, 1 hidden
    date_add  INTEGER NOT NULL
) STRICT;
CREATE INDEX comments_ref ON comments(type, ref_id, status, id DESC);
-- An article's comment count is its shown comments.
CREATE TRIGGER comments_insert AFTER INSERT ON comments WHEN NEW.type = 1 AND NEW.status = 0 BEGIN
    UPDATE cms_articles SET number_comment = number_comment + 1 WHERE id = NEW.ref_id;
END;
CREATE TRIGGER comments_delete AFTER DELETE ON comments WHEN OLD.type = 1 AND OLD.status = 0 BEGIN
    UPDATE cms_articles SET number_comment = number_comment - 1 WHERE id = OLD.ref_id;
END;
CREATE TRIGGER comments_status AFTER UPDATE OF status ON comments WHEN NEW.type = 1 BEGIN
    UPDATE cms_articles SET number_comment = number_comment + (NEW.status = 0) - (OLD.status = 0)
    WHERE id = NEW.ref_id;
END;
-- shopfront
-- A shopper's favourite goods (goodsFavAdd / goodsFavList). One row per shopper and goods, so
-- adding twice is a no-op. goods.number_fav is kept by the triggers below, in the same statement.
CREATE TABLE goods_favs (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    goods_id  INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    date_add  INTEGER NOT NULL,
    UNIQUE (user_id, goods_id)
) STRICT;
CREATE INDEX goods_favs_goods ON goods_favs(goods_id);
CREATE TRIGGER goods_favs_count_add AFTER INSERT ON goods_favs BEGIN
    UPDATE goods SET number_fav = number_fav + 1 WHERE id = NEW.goods_id;
END;
CREATE TRIGGER goods_favs_count_remove AFTER DELETE ON goods_favs BEGIN
    UPDATE goods SET number_fav = max(number_fav - 1, 0) WHERE id = OLD.goods_id;
END;

-- Goods reviews. Written by orderReputation (one per order line: `order_goods_id`, unique when
-- set; NULL for reviews made otherwise, e.g. demo data) and read by goodsReputation.
-- goods.number_reputation / number_good_reputation count the SHOWN reviews and are recomputed by
-- the triggers below on every change, so hiding a review in the console updates them too.
CREATE TABLE goods_reputations (
    id              INTEGER PRIMARY KEY,
    order_goods_id  INTEGER UNIQUE,               -- the order line reviewed; NULL = not from an order
    goods_id        INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reputation      INTEGER NOT NULL CHECK (reputation IN (0, 1, 2)), -- 0 bad, 1 medium, 2 good
    stars           INTEGER NOT NULL DEFAULT 5 CHECK (stars BETWEEN 1 AND 5),
    remark          TEXT NOT NULL DEFAULT '',
    pics            TEXT NOT NULL DEFAULT '[]',   -- JSON array of picture URLs ("/uploads/…" or absolute)
    reply           TEXT NOT NULL DEFAULT '',     -- the merchant's answer; '' = none yet
    status          INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1)), -- 0 shown, 1 hidden
    date_add        INTEGER NOT NULL,
    date_reply      INTEGER                       -- when `reply` was last written
) STRICT;
CREATE INDEX goods_reputations_goods ON goods_reputations(goods_id, status, id DESC);
CREATE TRIGGER goods_reputations_count_insert AFTER INSERT ON goods_reputations BEGIN
    UPDATE goods SET
        number_reputation = (SELECT count(*) FROM goods_reputations WHERE goods_id = NEW.goods_id AND status = 0),
        number_good_reputation = (SELECT count(*) FROM goods_reputations
                                  WHERE goods_id = NEW.goods_id AND status = 0 AND reputation = 2)
    WHERE id = NEW.goods_id;
END;
CREATE TRIGGER goods_reputations_count_update AFTER UPDATE OF status, reputation ON goods_reputations BEGIN
    UPDATE goods SET
        number_reputation = (SELECT count(*) FROM goods_reputations WHERE goods_id = NEW.goods_id AND status = 0),
        number_good_reputation = (SELECT count(*) FROM goods_reputations
                                  WHERE goods_id = NEW.goods_id AND status = 0 AND reputation = 2)
    WHERE id = NEW.goods_id;
END;
CREATE TRIGGER goods_reputations_count_delete AFTER DELETE ON goods_reputations BEGIN
    UPDATE goods SET
        number_reputation = (SELECT count(*) FROM goods_reputations WHERE goods_id = OLD.goods_id AND status = 0),
        number_good_reputation = (SELECT count(*) FROM goods_reputations
                                  WHERE goods_id = OLD.goods_id AND status = 0 AND reputation = 2)
    WHERE id = OLD.goods_id;
END;

-- Shops (门店) and pick-up points (自提点). The merchant's own shops are created in the console or
-- the merchant API (status 0); a shopper's shopSubApply stores one as status 1 (pending) with
-- `user_id` set, for the merchant to approve (0) or reject (2). Shoppers see status 0 only.
CREATE TABLE shops (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER REFERENCES users(id) ON DELETE SET NULL, -- the applicant; NULL = merchant's own
    name            TEXT NOT NULL,
    pic             TEXT NOT NULL DEFAULT '',
    characteristic  TEXT NOT NULL DEFAULT '',
    introduce       TEXT NOT NULL DEFAULT '',
    activity        TEXT NOT NULL DEFAULT '',
    address         TEXT NOT NULL DEFAULT '',
    link_man        TEXT NOT NULL DEFAULT '',
    link_phone      TEXT NOT NULL DEFAULT '',
    opening_hours   TEXT NOT NULL DEFAULT '',
    number          TEXT NOT NULL DEFAULT '',     -- the merchant's own shop code
    type            TEXT NOT NULL DEFAULT '',     -- free label the templates filter by
    province_id     TEXT NOT NULL DEFAULT '',
    city_id         TEXT NOT NULL DEFAULT '',
    district_id     TEXT NOT NULL DEFAULT '',
    latitude        REAL CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90),
    longitude       REAL CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180),
    is_pick_point   INTEGER NOT NULL DEFAULT 0 CHECK (is_pick_point IN (0, 1)), -- listed by pickPoints
    paixu           INTEGER NOT NULL DEFAULT 0,
    status          INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)), -- 0 open, 1 pending, 2 rejected
    ext_json        TEXT NOT NULL DEFAULT '{}',
    date_add        INTEGER NOT NULL,
    date_update     INTEGER NOT NULL
) STRICT;
CREATE INDEX shops_status ON shops(status, paixu, id);
CREATE INDEX shops_user ON shops(user_id);

-- checkout catalogue: freight templates, purchase limits, price tiers, add-ons
-- Freight templates (运费模板). `fee_type` 0 charges by piece, 1 by weight; the numbers are pieces
-- or grams. A goods points at one through goods.logistics_id (no FK: that column predates this
-- table, so service::freight refuses to delete a template goods still use). Money in fen.
CREATE TABLE freight_templates (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    fee_type      INTEGER NOT NULL DEFAULT 0 CHECK (fee_type IN (0, 1)),   -- 0 by piece, 1 by weight (g)
    is_free       INTEGER NOT NULL DEFAULT 0 CHECK (is_free IN (0, 1)),    -- 1: the shop pays, always 0
    first_number  INTEGER NOT NULL DEFAULT 1 CHECK (first_number >= 1),   -- pieces or grams in the first fee
    first_amount  INTEGER NOT NULL DEFAULT 0 CHECK (first_amount >= 0),   -- fen
    add_number    INTEGER NOT NULL DEFAULT 1 CHECK (add_number >= 1),     -- each further step of pieces or grams
    add_amount    INTEGER NOT NULL DEFAULT 0 CHECK (add_amount >= 0),     -- fen per further step
    date_add      INTEGER NOT NULL,
    date_update   INTEGER NOT NULL
) STRICT;

-- Fees of their own for some regions. `regions` is ",440000,110100," (province or city ids of
-- src/regions.rs): a destination matches when its province, city or district is listed.
CREATE TABLE freight_region_fees (
    id            INTEGER PRIMARY KEY,
    template_id   INTEGER NOT NULL REFERENCES freight_templates(id) ON DELETE CASCADE,
    regions       TEXT NOT NULL,
    first_number  INTEGER NOT NULL CHECK (first_number >= 1),
    first_amount  INTEGER NOT NULL CHECK (first_amount >= 0),
    add_number    INTEGER NOT NULL CHECK (add_number >= 1),
    add_amount    INTEGER NOT NULL CHECK (add_amount >= 0),
    paixu         INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX freight_region_fees_template ON freight_region_fees(template_id, paixu, id);

-- Free-shipping conditions: every set condition must hold (amount of the template's lines in fen,
-- number of pieces). `regions` '' = everywhere, else as in freight_region_fees.
CREATE TABLE freight_free_rules (
    id            INTEGER PRIMARY KEY,
    template_id   INTEGER NOT NULL REFERENCES freight_templates(id) ON DELETE CASCADE,
    regions       TEXT NOT NULL DEFAULT '',
    min_amount    INTEGER CHECK (min_amount IS NULL OR min_amount >= 0),
    min_number    INTEGER CHECK (min_number IS NULL OR min_number >= 1),
    paixu         INTEGER NOT NULL DEFAULT 0,
    CHECK (min_amount IS NOT NULL OR min_number IS NOT NULL)
) STRICT;
CREATE INDEX freight_free_rules_template ON freight_free_rules(template_id, paixu, id);

-- Purchase limits (goodsLimitations): at most `buy_numbers` within `duration` units. `unit`:
-- 0 natural day, 1 natural month, 2 natural year (the seed's codes), 3 natural week, 4 per order,
-- 5 ever. `sku_id` NULL = the whole goods; `user_level_id` NULL = every shopper.
CREATE TABLE goods_limits (
    id            INTEGER PRIMARY KEY,
    goods_id      INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    sku_id        INTEGER REFERENCES goods_skus(id) ON DELETE CASCADE,
    user_level_id INTEGER REFERENCES user_levels(id) ON DELETE CASCADE,
    unit          INTEGER NOT NULL CHECK (unit BETWEEN 0 AND 5),
    duration      INTEGER NOT NULL DEFAULT 1 CHECK (duration >= 1),
    buy_numbers   INTEGER NOT NULL CHECK (buy_numbers >= 1)
) STRICT;
CREATE INDEX goods_limits_goods ON goods_limits(goods_id);

-- Price tiers (priceMultilevels): from `number` pieces on, the unit price is `price` fen.
-- `sku_id` NULL = every SKU of the goods (a SKU's own tiers win).
CREATE TABLE goods_price_tiers (
    id            INTEGER PRIMARY KEY,
    goods_id      INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    sku_id        INTEGER REFERENCES goods_skus(id) ON DELETE CASCADE,
    number        INTEGER NOT NULL CHECK (number >= 2),
    price         INTEGER NOT NULL CHECK (price >= 0)
) STRICT;
-- One price per quantity and SKU; coalesce because NULLs never collide in a UNIQUE index.
CREATE UNIQUE INDEX goods_price_tiers_key ON goods_price_tiers(goods_id, coalesce(sku_id, 0), number);

-- Add-ons (goodsAddition): groups (口味, 加料) of items with an extra price in fen per unit.
CREATE TABLE goods_addition_groups (
    id            INTEGER PRIMARY KEY,
    goods_id      INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    required      INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
    multiple      INTEGER NOT NULL DEFAULT 0 CHECK (multiple IN (0, 1)),  -- answered as type 1, else 0
    paixu         INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX goods_addition_groups_goods ON goods_addition_groups(goods_id, paixu, id);

CREATE TABLE goods_addition_items (
    id            INTEGER PRIMARY KEY,
    group_id      INTEGER NOT NULL REFERENCES goods_addition_groups(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    price         INTEGER NOT NULL DEFAULT 0 CHECK (price >= 0),
    paixu         INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX goods_addition_items_group ON goods_addition_items(group_id, paixu, id);
-- coupons
-- A coupon rule the merchant sets up. money_type 0: `money` fen off; 1: a discount where `money` is
-- the percent still paid (88 = 8.8折), capped by `money_max` fen when > 0. `money_hreshold` is the
-- least the in-scope goods must cost. Validity: valid_type 0 = the fixed window [date_start, date_end);
-- 1 = `valid_days` days from taking. `number_total` coupons can be taken, `number_taken` counts them
-- (a conditional UPDATE keeps it ≤ total); `per_user` limits takes per shopper (0 = no limit).
-- Taking costs `need_score` points and/or `need_amount` fen of balance; `pwd` ('' = none) must be
-- given to take it.
CREATE TABLE coupon_rules (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    type           TEXT NOT NULL DEFAULT '',      -- free label the templates filter by
    money_type     INTEGER NOT NULL DEFAULT 0 CHECK (money_type IN (0, 1)),
    money          INTEGER NOT NULL CHECK (money > 0),
    money_max      INTEGER NOT NULL DEFAULT 0 CHECK (money_max >= 0),
    money_hreshold INTEGER NOT NULL DEFAULT 0 CHECK (money_hreshold >= 0),
    scope          INTEGER NOT NULL DEFAULT 0 CHECK (scope IN (0, 1, 2)), -- 0 all, 1 goods, 2 categories
    valid_type     INTEGER NOT NULL DEFAULT 0 CHECK (valid_type IN (0, 1)),
    date_start     INTEGER NOT NULL DEFAULT 0,
    date_end       INTEGER NOT NULL DEFAULT 0,
    valid_days     INTEGER NOT NULL DEFAULT 0 CHECK (valid_days >= 0),
    number_total   INTEGER NOT NULL CHECK (number_total >= 0),
    number_taken   INTEGER NOT NULL DEFAULT 0 CHECK (number_taken >= 0 AND number_taken <= number_total),
    per_user       INTEGER NOT NULL DEFAULT 1 CHECK (per_user >= 0),
    need_score     INTEGER NOT NULL DEFAULT 0 CHECK (need_score >= 0),
    need_amount    INTEGER NOT NULL DEFAULT 0 CHECK (need_amount >= 0),
    pwd            TEXT NOT NULL DEFAULT '',
    status         INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1)), -- 0 on, 1 off
    paixu          INTEGER NOT NULL DEFAULT 0,
    date_add       INTEGER NOT NULL,
    date_update    INTEGER NOT NULL
) STRICT;
CREATE INDEX coupon_rules_list ON coupon_rules(status, paixu, id DESC);

-- What a scoped rule applies to: goods ids (scope 1) or category ids (scope 2). No FK: a goods or
-- category deleted later simply stops matching.
CREATE TABLE coupon_rule_refs (
    rule_id INTEGER NOT NULL REFERENCES coupon_rules(id) ON DELETE CASCADE,
    ref_id  INTEGER NOT NULL,
    PRIMARY KEY (rule_id, ref_id)
) STRICT, WITHOUT ROWID;

-- Coupons held by shoppers. status 0 usable, 1 locked by order `order_id` (no FK: orders live in
-- another module), 2 used, 3 expired. `taker_id` took it (per-user limits count it even after it
-- was given away); `source` says how it came: fetch, exchange, send, merge, admin.
-- A rule with coupons held cannot be deleted (RESTRICT): switch it off instead.
CREATE TABLE coupon_users (
    id          INTEGER PRIMARY KEY,
    rule_id     INTEGER NOT NULL REFERENCES coupon_rules(id) ON DELETE RESTRICT,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    taker_id    INTEGER NOT NULL,
    source      TEXT NOT NULL,
    status      INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2, 3)),
    order_id    INTEGER CHECK ((status = 1) = (order_id IS NOT NULL) OR status = 2),
    date_start  INTEGER NOT NULL,
    date_end    INTEGER NOT NULL,
    date_use    INTEGER,
    date_add    INTEGER NOT NULL,
    date_update INTEGER NOT NULL
) STRICT;
CREATE INDEX coupon_users_user ON coupon_users(user_id, status, id DESC);
CREATE INDEX coupon_users_taker ON coupon_users(rule_id, taker_id, source);
CREATE INDEX coupon_users_order ON coupon_users(order_id) WHERE order_id IS NOT NULL;
CREATE INDEX coupon_users_expiry ON coupon_users(status, date_end);

-- Exchange codes (exchangeCoupons: number + pwd): each gives one coupon of its rule, once.
-- Printed and handed out by the merchant, so they are outside the rule's public stock.
CREATE TABLE coupon_codes (
    id             INTEGER PRIMARY KEY,
    rule_id        INTEGER NOT NULL REFERENCES coupon_rules(id) ON DELETE CASCADE,
    number         TEXT NOT NULL UNIQUE,
    pwd            TEXT NOT NULL,
    user_id        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    coupon_user_id INTEGER,
    date_add       INTEGER NOT NULL,
    date_used      INTEGER
) STRICT;
CREATE INDEX coupon_codes_rule ON coupon_codes(rule_id, id);

-- Merge rules (mergeCoupons): hand in the listed coupons (`number` of each rule), get one of `rule_id`.
CREATE TABLE coupon_merges (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    rule_id  INTEGER NOT NULL REFERENCES coupon_rules(id) ON DELETE CASCADE,
    status   INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1)), -- 0 on, 1 off
    date_add INTEGER NOT NULL
) STRICT;
CREATE TABLE coupon_merge_parts (
    merge_id INTEGER NOT NULL REFERENCES coupon_merges(id) ON DELETE CASCADE,
    rule_id  INTEGER NOT NULL REFERENCES coupon_rules(id) ON DELETE CASCADE,
    number   INTEGER NOT NULL CHECK (number > 0),
    PRIMARY KEY (merge_id, rule_id)
) STRICT, WITHOUT ROWID;

-- virtual goods
-- Virtual goods sold for balance (virtualTrader*). kind 0: paid content (`content` shown to buyers,
-- bought once per shopper, no stock); kind 1: cards/codes, one row of virtual_goods_cards per unit.
CREATE TABLE virtual_goods (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    pic         TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',     -- shown to everyone
    content     TEXT NOT NULL DEFAULT '',     -- shown to buyers only
    kind        INTEGER NOT NULL DEFAULT 0 CHECK (kind IN (0, 1)),
    price       INTEGER NOT NULL CHECK (price >= 0),
    number_sold INTEGER NOT NULL DEFAULT 0,
    status      INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1)), -- 0 on sale, 1 off
    paixu       INTEGER NOT NULL DEFAULT 0,
    date_add    INTEGER NOT NULL,
    date_update INTEGER NOT NULL
) STRICT;
CREATE INDEX virtual_goods_list ON virtual_goods(status, paixu, id DESC);

-- Purchases; `card` is the card/code the buyer got (kind 1), '' for content.
CREATE TABLE virtual_goods_buys (
    id       INTEGER PRIMARY KEY,
    goods_id INTEGER NOT NULL REFERENCES virtual_goods(id) ON DELETE RESTRICT,
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    amount   INTEGER NOT NULL,
    card     TEXT NOT NULL DEFAULT '',
    date_add INTEGER NOT NULL
) STRICT;
CREATE INDEX virtual_goods_buys_user ON virtual_goods_buys(user_id, id DESC);
CREATE INDEX virtual_goods_buys_goods ON virtual_goods_buys(goods_id, user_id);

-- Card stock: a card with buy_id set is sold; the conditional UPDATE that sets it sells it once.
CREATE TABLE virtual_goods_cards (
    id       INTEGER PRIMARY KEY,
    goods_id INTEGER NOT NULL REFERENCES virtual_goods(id) ON DELETE CASCADE,
    content  TEXT NOT NULL,
    buy_id   INTEGER REFERENCES virtual_goods_buys(id),
    date_add INTEGER NOT NULL
) STRICT;
CREATE INDEX virtual_goods_cards_free ON virtual_goods_cards(goods_id, buy_id, id);
-- cms_security
-- A shopper's sign-up for an article (an event, a class: cmsNewsSign*): one per shopper and article.
CREATE TABLE cms_article_signs (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES cms_articles(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    ext_json    TEXT NOT NULL DEFAULT '{}',       -- what the shopper filled in (extJsonStr)
    date_add    INTEGER NOT NULL,
    UNIQUE (article_id, user_id)
) STRICT;
CREATE INDEX cms_article_signs_user ON cms_article_signs(user_id);
-- Named counters on an article that the mini-program moves (cmsArticleModifyExtNumber: shares,
-- plays...); kept apart from cms_articles so no existing table changes.
CREATE TABLE cms_article_ext_numbers (
    article_id  INTEGER NOT NULL REFERENCES cms_articles(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    value       INTEGER NOT NULL DEFAULT 0,
    date_update INTEGER NOT NULL,
    PRIMARY KEY (article_id, key)
) STRICT, WITHOUT ROWID;
-- Content security (WeChat msgSecCheck): the texts it held for the merchant ('review') or refused
-- ('risky'). Passed texts leave no row. `target_id` is the stored item (NULL when refused); it is
-- no foreign key because it points into several tables.
CREATE TABLE content_checks (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    target      TEXT NOT NULL,                    -- comment, article, reputation
    target_id   INTEGER,
    suggest     TEXT NOT NULL CHECK (suggest IN ('review', 'risky')),
    label       INTEGER NOT NULL,                 -- WeChat's label (100 normal, 20001 politics...)
    reason      TEXT NOT NULL DEFAULT '',         -- why it was held when WeChat did not decide
    excerpt     TEXT NOT NULL DEFAULT '',         -- the text's first 100 characters, for the merchant
    date_add    INTEGER NOT NULL
) STRICT;
CREATE INDEX content_checks_target ON content_checks(target, target_id);
-- goods calendar
-- A goods' price and stock on one calendar day (hotel rooms, tickets), read by goodsPriceDaily.
-- `day` is a calendar day in the shop's time zone ('YYYY-MM-DD'), not an instant, so it is text;
-- `sku_id` NULL is the goods itself (goods without specs), and a SKU's days go with the SKU.
CREATE TABLE goods_day_prices (
    id          INTEGER PRIMARY KEY,
    goods_id    INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    sku_id      INTEGER REFERENCES goods_skus(id) ON DELETE CASCADE,
    day         TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    price       INTEGER NOT NULL CHECK (price >= 0),
    stores      INTEGER NOT NULL CHECK (stores >= 0),
    date_update INTEGER NOT NULL,
    -- The goods' calendar_version this row's last change moved it to: "changed since V" is version > V.
    version     INTEGER NOT NULL DEFAULT 0
) STRICT;
-- One row per goods, SKU and day: NULLs never collide in a UNIQUE index, so NULL counts as 0.
CREATE UNIQUE INDEX goods_day_prices_day ON goods_day_prices(goods_id, ifnull(sku_id, 0), day);

-- Bookable time slots of a day (goodsTimesDays / goodsTimesDayItems), each with its own price and
-- stock. Orders name a slot by `name` ("09:00-10:00"), so it is unique within its day.
CREATE TABLE goods_time_slots (
    id          INTEGER PRIMARY KEY,
    goods_id    INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    sku_id      INTEGER REFERENCES goods_skus(id) ON DELETE CASCADE,
    day         TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    name        TEXT NOT NULL,
    price       INTEGER NOT NULL CHECK (price >= 0),
    stores      INTEGER NOT NULL CHECK (stores >= 0),
    date_update INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 0               -- as goods_day_prices.version
) STRICT;
CREATE UNIQUE INDEX goods_time_slots_slot ON goods_time_slots(goods_id, ifnull(sku_id, 0), day, name);

-- Every change of a day or slot (a booking, the merchant's edit) moves the goods' calendar_version
-- on and stamps the row with it.
CREATE TRIGGER goods_day_prices_insert AFTER INSERT ON goods_day_prices BEGIN
    UPDATE goods SET calendar_version = calendar_version + 1 WHERE id = NEW.goods_id;
    UPDATE goods_day_prices SET version = (SELECT calendar_version FROM goods WHERE id = NEW.goods_id)
    WHERE id = NEW.id;
END;
CREATE TRIGGER goods_day_prices_update AFTER UPDATE OF price, stores ON goods_day_prices
WHEN NEW.price IS NOT OLD.price OR NEW.stores IS NOT OLD.stores BEGIN
    UPDATE goods SET calendar_version = calendar_version + 1 WHERE id = NEW.goods_id;
    UPDATE goods_day_prices SET version = (SELECT calendar_version FROM goods WHERE id = NEW.goods_id)
    WHERE id = NEW.id;
END;
CREATE TRIGGER goods_day_prices_delete AFTER DELETE ON goods_day_prices BEGIN
    UPDATE goods SET calendar_version = calendar_version + 1 WHERE id = OLD.goods_id;
END;
CREATE TRIGGER goods_time_slots_insert AFTER INSERT ON goods_time_slots BEGIN
    UPDATE goods SET calendar_version = calendar_version + 1 WHERE id = NEW.goods_id;
    UPDATE goods_time_slots SET version = (SELECT calendar_version FROM goods WHERE id = NEW.goods_id)
    WHERE id = NEW.id;
END;
CREATE TRIGGER goods_time_slots_update AFTER UPDATE OF price, stores ON goods_time_slots
WHEN NEW.price IS NOT OLD.price OR NEW.stores IS NOT OLD.stores BEGIN
    UPDATE goods SET calendar_version = calendar_version + 1 WHERE id = NEW.goods_id;
    UPDATE goods_time_slots SET version = (SELECT calendar_version FROM goods WHERE id = NEW.goods_id)
    WHERE id = NEW.id;
END;
CREATE TRIGGER goods_time_slots_delete AFTER DELETE ON goods_time_slots BEGIN
    UPDATE goods SET calendar_version = calendar_version + 1 WHERE id = OLD.goods_id;
END;

-- Goods a shopper published (pushNewGoods, C2C): the owner, and the merchant's review. The goods
-- row itself stays off the shelf until the review approves it; an edit by the owner sends it back
-- to review. Goods without a row here are the merchant's own.
CREATE TABLE goods_publishers (
    goods_id    INTEGER PRIMARY KEY REFERENCES goods(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    review      INTEGER NOT NULL DEFAULT 0 CHECK (review IN (0, 1, 2)), -- 0 awaiting, 1 approved, 2 rejected
    reason      TEXT NOT NULL DEFAULT '',                               -- why it was rejected
    date_add    INTEGER NOT NULL,
    date_review INTEGER
) STRICT;
CREATE INDEX goods_publishers_user ON goods_publishers(user_id, goods_id);
CREATE INDEX goods_publishers_review ON goods_publishers(review, goods_id);
-- catalogue order indexes
-- Shop-window lists in every orderBy the client sends (priceUp/Down, ordersUp/Down, addedUp/Down),
-- for the whole shop and per category: a page, even a deep one, walks an index (db::catalog::
-- shelf_page reads ids first) instead of sorting every on-shelf goods.
CREATE INDEX goods_shelf_price ON goods(status, min_price, id DESC);
CREATE INDEX goods_shelf_orders ON goods(status, number_orders, id DESC);
CREATE INDEX goods_shelf_added ON goods(status, date_add, id);
CREATE INDEX goods_category_price ON goods(category_id, status, min_price, id DESC);
CREATE INDEX goods_category_orders ON goods(category_id, status, number_orders, id DESC);
CREATE INDEX goods_category_added ON goods(category_id, status, date_add, id);

-- orders
-- The shopping cart: one row per (shopper, cart type, goods + specs + add-ons). `item_key` is the
-- client's `key`, derived from what the line is, so adding the same thing again adds to its number.
CREATE TABLE cart_items (
    id                 INTEGER PRIMARY KEY,
    user_id            INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    cart_type          TEXT NOT NULL DEFAULT '',        -- the client's `type`: several carts per shopper
    item_key           TEXT NOT NULL,
    goods_id           INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    property_child_ids TEXT NOT NULL DEFAULT '',        -- canonical "pid:cid," key; '' = no specs
    additions          TEXT NOT NULL DEFAULT '[]',      -- JSON [{id, pid}] as chosen, sorted
    number             INTEGER NOT NULL CHECK (number > 0),
    selected           INTEGER NOT NULL DEFAULT 1 CHECK (selected IN (0, 1)),
    date_add           INTEGER NOT NULL,
    date_update        INTEGER NOT NULL,
    UNIQUE (user_id, cart_type, item_key)
) STRICT;

-- Orders. Money in fen: amount_real = amount_goods + amount_logistics - amount_coupon
-- - amount_score_deduction (never below 0). `score` is the points price of the goods, paid with the
-- money; `score_deduction` the points spent to lower the price. Stock is taken when the order is
-- created and returned when it is closed; every status change is a conditional UPDATE on the
-- current status, so a job and a shopper racing each other change an order at most once.
CREATE TABLE orders (
    id                     INTEGER PRIMARY KEY,
    order_number           TEXT NOT NULL UNIQUE,
    user_id                INTEGER NOT NULL REFERENCES users(id),
    -- -1 closed, 0 awaiting payment, 1 awaiting shipment, 2 shipped, 3 received (awaiting review), 4 done
    status                 INTEGER NOT NULL DEFAULT 0 CHECK (status IN (-1, 0, 1, 2, 3, 4)),
    amount_goods           INTEGER NOT NULL CHECK (amount_goods >= 0),
    amount_logistics       INTEGER NOT NULL DEFAULT 0 CHECK (amount_logistics >= 0),
    amount_coupon          INTEGER NOT NULL DEFAULT 0 CHECK (amount_coupon >= 0),
    amount_score_deduction INTEGER NOT NULL DEFAULT 0 CHECK (amount_score_deduction >= 0),
    amount_real            INTEGER NOT NULL CHECK (amount_real >= 0),
    amount_paid_balance    INTEGER NOT NULL DEFAULT 0 CHECK (amount_paid_balance >= 0), -- taken from the balance
    score                  INTEGER NOT NULL DEFAULT 0 CHECK (score >= 0),
    score_deduction        INTEGER NOT NULL DEFAULT 0 CHECK (score_deduction >= 0),
    goods_number           INTEGER NOT NULL CHECK (goods_number > 0),
    peisong_type           TEXT NOT NULL CHECK (peisong_type IN ('kd', 'zq')), -- delivery or pick-up
    shop_id_zt             INTEGER REFERENCES shops(id) ON DELETE SET NULL,   -- pick-up shop
    shop_name_zt           TEXT NOT NULL DEFAULT '',
    hx_number              TEXT UNIQUE,                 -- write-off code; NULL = none
    coupon_user_id         INTEGER,                     -- the shopper's coupon locked to this order
    link_man               TEXT NOT NULL DEFAULT '',
    mobile                 TEXT NOT NULL DEFAULT '',
    province_id            TEXT NOT NULL DEFAULT '',
    city_id                TEXT NOT NULL DEFAULT '',
    district_id            TEXT NOT NULL DEFAULT '',
    street_id              TEXT NOT NULL DEFAULT '',
    address                TEXT NOT NULL DEFAULT '',
    postcode               TEXT NOT NULL DEFAULT '',
    remark                 TEXT NOT NULL DEFAULT '',
    ext_json               TEXT NOT NULL DEFAULT '{}',
    has_refund             INTEGER NOT NULL DEFAULT 0 CHECK (has_refund IN (0, 1)), -- an after-sale was applied
    user_deleted           INTEGER NOT NULL DEFAULT 0 CHECK (user_deleted IN (0, 1)), -- hidden from the shopper
    close_reason           TEXT NOT NULL DEFAULT '',
    close_at               INTEGER,                     -- unpaid orders close at this deadline
    date_add               INTEGER NOT NULL,
    date_update            INTEGER NOT NULL,
    date_pay               INTEGER,
    date_ship              INTEGER,
    date_receive           INTEGER,
    date_close             INTEGER,
    date_review            INTEGER
) STRICT;
CREATE INDEX orders_user ON orders(user_id, status, id DESC);
-- What the jobs sweep: each a deadline column of one status, so a restart loses nothing.
CREATE INDEX orders_unpaid_due ON orders(close_at) WHERE status = 0;
CREATE INDEX orders_shipped_since ON orders(date_ship) WHERE status = 2;
CREATE INDEX orders_received_since ON orders(date_receive) WHERE status = 3;
CREATE INDEX orders_paid_day ON orders(date_pay) WHERE date_pay IS NOT NULL;

-- Order lines: a snapshot of what was bought, so later catalogue edits do not change old orders.
CREATE TABLE order_goods (
    id                 INTEGER PRIMARY KEY,
    order_id           INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    user_id            INTEGER NOT NULL REFERENCES users(id),
    goods_id           INTEGER NOT NULL,                -- no FK: a deleted goods keeps its orders
    sku_id             INTEGER,                         -- NULL for goods without specs
    property_child_ids TEXT NOT NULL DEFAULT '',
    property           TEXT NOT NULL DEFAULT '',        -- "颜色:白,尺码:L,"
    goods_name         TEXT NOT NULL,
    pic                TEXT NOT NULL DEFAULT '',
    additions          TEXT NOT NULL DEFAULT '[]',      -- JSON snapshot of the chosen add-ons
    amount_single      INTEGER NOT NULL CHECK (amount_single >= 0),  -- unit price with add-ons, fen
    amount             INTEGER NOT NULL CHECK (amount >= 0),         -- amount_single * number
    score_single       INTEGER NOT NULL DEFAULT 0 CHECK (score_single >= 0),
    number             INTEGER NOT NULL CHECK (number > 0),
    his_deleted        INTEGER NOT NULL DEFAULT 0 CHECK (his_deleted IN (0, 1)), -- hidden from myBuyGoodsHis
    date_add           INTEGER NOT NULL
) STRICT;
CREATE INDEX order_goods_order ON order_goods(order_id, id);
CREATE INDEX order_goods_user ON order_goods(user_id, id DESC);
CREATE INDEX order_goods_goods ON order_goods(goods_id, id DESC);

-- Parcels of a shipped order (several per order); `traces` is a JSON array of
-- {AcceptStation, AcceptTime}, answered as a string as the templates parse it themselves.
CREATE TABLE order_logistics (
    id              INTEGER PRIMARY KEY,
    order_id        INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    shipper_code    TEXT NOT NULL DEFAULT '',
    shipper_name    TEXT NOT NULL,
    tracking_number TEXT NOT NULL,
    traces          TEXT NOT NULL DEFAULT '[]',
    date_add        INTEGER NOT NULL
) STRICT;
CREATE INDEX order_logistics_order ON order_logistics(order_id, id);

-- After-sale requests. type 0 refund only, 1 return and refund, 2 exchange; status 0 pending,
-- 1 cancelled by the shopper, 2 rejected, 3 approved (awaiting the return), 4 done. At most one open
-- (0 or 3) per order line (order_goods_id 0 = the whole order): refundApply answers 20000 otherwise.
CREATE TABLE order_refunds (
    id                    INTEGER PRIMARY KEY,
    order_id              INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    order_goods_id        INTEGER NOT NULL DEFAULT 0,
    user_id               INTEGER NOT NULL REFERENCES users(id),
    type                  INTEGER NOT NULL DEFAULT 0 CHECK (type IN (0, 1, 2)),
    logistics_status      INTEGER NOT NULL DEFAULT 0 CHECK (logistics_status IN (0, 1)), -- goods received?
    reason                TEXT NOT NULL,
    amount                INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),
    remark                TEXT NOT NULL DEFAULT '',
    pics                  TEXT NOT NULL DEFAULT '[]',
    status                INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2, 3, 4)),
    back_shipper_name     TEXT NOT NULL DEFAULT '',
    back_tracking_number  TEXT NOT NULL DEFAULT '',
    merchant_remark       TEXT NOT NULL DEFAULT '',
    date_add              INTEGER NOT NULL,
    date_update           INTEGER NOT NULL,
    -- Return and refund (type 1): approving asks for the goods back (`return_address`, a JSON
    -- object {linkMan, mobile, address}); the shopper's parcel is back_shipper_name /
    -- back_tracking_number (sent at `date_back_sent`); the merchant confirms receipt
    -- (`date_received`, `restocked` 0/1), then the refund runs.
    number                INTEGER NOT NULL DEFAULT 0 CHECK (number >= 0), -- pieces; 0 = all
    return_address        TEXT NOT NULL DEFAULT '',
    date_back_sent        INTEGER,
    date_received         INTEGER,
    restocked             INTEGER CHECK (restocked IN (0, 1)),
    -- Points and growth given for the order taken back by this refund; *_short: what could not
    -- be taken because the shopper had already spent it.
    score_back            INTEGER NOT NULL DEFAULT 0 CHECK (score_back >= 0),
    score_back_short      INTEGER NOT NULL DEFAULT 0 CHECK (score_back_short >= 0),
    growth_back           INTEGER NOT NULL DEFAULT 0 CHECK (growth_back >= 0),
    growth_back_short     INTEGER NOT NULL DEFAULT 0 CHECK (growth_back_short >= 0)
) STRICT;
CREATE INDEX order_refunds_order ON order_refunds(order_id, id);
CREATE UNIQUE INDEX order_refunds_open ON order_refunds(order_id, order_goods_id) WHERE status IN (0, 3);

-- What happened to an order, in order (orderDetail `logs`).
CREATE TABLE order_events (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    type        TEXT NOT NULL,                  -- create, pay, ship, receive, review, close, hx, refund...
    remark      TEXT NOT NULL DEFAULT '',
    date_add    INTEGER NOT NULL
) STRICT;
CREATE INDEX order_events_order ON order_events(order_id, id);

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

-- payments
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
    status           INTEGER NOT NULL DEFAULT 0 CHECK (status IN (-1, 0, 1, 2)),  -- -1 asked by the merchant, unpaid
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
-- wxcodes
-- Mini-program codes and QR codes, made once and kept: the same request answers the stored
-- image instead of spending WeChat's quota again. A row goes with its upload (expireHours).
CREATE TABLE wx_codes (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('unlimit', 'a', 'c', 'content')),
    request_key  TEXT NOT NULL UNIQUE,            -- sha256 of the kind and every parameter that shapes the image
    summary      TEXT NOT NULL,                   -- what the code opens: page?scene, a path, or the text
    upload_id    INTEGER NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
    date_add     INTEGER NOT NULL
) STRICT;
CREATE INDEX wx_codes_upload ON wx_codes(upload_id);
CREATE INDEX wx_codes_kind ON wx_codes(kind, id);

-- URL schemes (weixin://dl/business/?t=...) made in the console or through the merchant API.
CREATE TABLE url_schemes (
    id               INTEGER PRIMARY KEY,
    openlink         TEXT NOT NULL,
    path             TEXT NOT NULL DEFAULT '',    -- empty: the mini-program's home page
    query            TEXT NOT NULL DEFAULT '',
    env_version      TEXT NOT NULL CHECK (env_version IN ('release', 'trial', 'develop')),
    expire_type      INTEGER CHECK (expire_type IN (0, 1)),  -- NULL: WeChat's longest validity
    expire_time      INTEGER,                     -- expire_type 0: unix seconds
    expire_interval  INTEGER,                     -- expire_type 1: days
    expires_at       INTEGER,                     -- when it stops working, as far as we know
    remark           TEXT NOT NULL DEFAULT '',
    date_add         INTEGER NOT NULL
) STRICT;

-- payment_refunds
-- WeChat Pay refunds: one row per refund we ask WeChat for. The row is written 'pending' in the
-- same transaction as the decision that moves the money into the shopper's frozen account; the
-- WeChat call happens after that commit, so a crash between them leaves a pending row the
-- wxrefund job sends again under the same out_refund_no (WeChat refunds one number once).
CREATE TABLE payment_refunds (
    id              INTEGER PRIMARY KEY,
    payment_id      INTEGER NOT NULL REFERENCES payments(id),
    user_id         INTEGER NOT NULL REFERENCES users(id),
    out_refund_no   TEXT NOT NULL UNIQUE,            -- ours (≤ 64 characters), reused by every retry
    refund_fee      INTEGER NOT NULL CHECK (refund_fee > 0), -- fen going back to WeChat
    reason          TEXT NOT NULL,                   -- refund_desc sent to WeChat
    order_refund_id INTEGER REFERENCES order_refunds(id), -- the after-sale request; NULL when the
                                                     -- merchant refunded a payment directly
    -- pending: decided, WeChat not yet asked; processing: WeChat accepted it; success: the money
    -- reached the shopper; failed: WeChat refused or could not be reached (retry reuses
    -- out_refund_no); closed: WeChat closed it (REFUNDCLOSE/CHANGE), the money went to the balance
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'processing', 'success', 'failed', 'closed')),
    refund_id       TEXT NOT NULL DEFAULT '',        -- WeChat's number for it
    err_code        TEXT NOT NULL DEFAULT '',
    err_code_des    TEXT NOT NULL DEFAULT '',
    settlement_refund_fee INTEGER,                   -- what WeChat says it refunded (fen)
    recv_account    TEXT NOT NULL DEFAULT '',        -- refund_recv_accout: where the money went
    success_time    TEXT NOT NULL DEFAULT '',        -- as WeChat wrote it
    attempts        INTEGER NOT NULL DEFAULT 0,      -- refund calls made (console and job)
    queries         INTEGER NOT NULL DEFAULT 0,      -- refundquery calls made
    date_add        INTEGER NOT NULL,
    date_update     INTEGER NOT NULL,
    date_done       INTEGER
) STRICT;
CREATE INDEX payment_refunds_payment ON payment_refunds (payment_id);
CREATE INDEX payment_refunds_order_refund ON payment_refunds (order_refund_id);
CREATE INDEX payment_refunds_open ON payment_refunds (date_update) WHERE status IN ('pending', 'processing', 'failed');

-- recharge_rules
-- The shop's recharge bonus rules (充 X 送 Y): a balance recharge of at least `confine` fen gets
-- `send` fen more; only the best matching rule applies (rechargeSendRules lists them).
CREATE TABLE recharge_rules (
    id        INTEGER PRIMARY KEY,
    confine   INTEGER NOT NULL UNIQUE CHECK (confine > 0), -- fen recharged at least
    send      INTEGER NOT NULL CHECK (send > 0),           -- fen given on top
    date_add  INTEGER NOT NULL
) STRICT;
-- outbox
-- The shop's subscription-message templates: which WeChat template each shop event sends, the page
-- it opens and where each template key takes its value from. `fields` is a JSON array of
-- {key, label, source, text}, checked against WeChat's value rules when the merchant saves it.
CREATE TABLE message_templates (
    event        TEXT PRIMARY KEY,
    template_id  TEXT NOT NULL,
    page         TEXT NOT NULL DEFAULT '',
    fields       TEXT NOT NULL DEFAULT '[]',
    enabled      INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    date_update  INTEGER NOT NULL
) STRICT;

-- Messages to shoppers going out through WeChat. A row is written in the same transaction as the
-- event it tells of, so it exists iff the event committed; the sending job keeps all its state here
-- (a claim pushes next_try_at forward as a lease), so a restart or a crash mid-send loses nothing.
CREATE TABLE message_outbox (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    event        TEXT NOT NULL,                 -- order_paid, order_shipped... or api (sendTempleMsg)
    channel      TEXT NOT NULL,                 -- subscribe (mini-program) or uniform (official account)
    touser       TEXT NOT NULL,
    template_id  TEXT NOT NULL,
    page         TEXT NOT NULL DEFAULT '',
    data         TEXT NOT NULL,                 -- JSON {key: {value}} exactly as WeChat receives it
    labels       TEXT NOT NULL DEFAULT '{}',    -- JSON {key: label}: shows the message as the shopper reads it
    status       INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),  -- 0 pending, 1 sent, 2 failed
    tries        INTEGER NOT NULL DEFAULT 0,
    next_try_at  INTEGER NOT NULL,
    last_code    INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    date_sent    INTEGER NOT NULL DEFAULT 0,
    date_add     INTEGER NOT NULL,
    date_update  INTEGER NOT NULL
) STRICT;
CREATE INDEX message_outbox_due ON message_outbox(next_try_at) WHERE status = 0;
CREATE INDEX message_outbox_status ON message_outbox(status, id);
CREATE INDEX message_outbox_user ON message_outbox(user_id, id);

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
-- kefu
-- Customer-service messages: what shoppers wrote through WeChat's message push ('in') and what the
-- merchant sent back through customerServiceMessage.send ('out'), one thread per openid. The push
-- handler stores a message with ONE `INSERT OR IGNORE` (dedup_key drops WeChat's retries); the
-- trigger below keeps kefu_threads current so the inbox never has to group this table.
CREATE TABLE kefu_messages (
    id           INTEGER PRIMARY KEY,
    openid       TEXT NOT NULL,
    user_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,  -- the shopper, when the openid is known
    direction    TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    msg_type     TEXT NOT NULL,                   -- text, image, link, miniprogrampage, event
    content      TEXT NOT NULL DEFAULT '',        -- the text, a card's title, or the event's name
    body         TEXT NOT NULL DEFAULT '{}',      -- the whole message as JSON (its fields vary by type)
    dedup_key    TEXT UNIQUE,                     -- in: MsgId, or FromUserName:CreateTime for events
    errcode      INTEGER,                         -- out: WeChat's answer (0 = delivered)
    errmsg       TEXT NOT NULL DEFAULT '',
    create_time  INTEGER NOT NULL,                -- in: WeChat's CreateTime; out: when it was sent
    date_add     INTEGER NOT NULL
) STRICT;
CREATE INDEX kefu_messages_thread ON kefu_messages(openid, id);

-- One row per conversation, maintained by kefu_messages_thread.
CREATE TABLE kefu_threads (
    openid      TEXT PRIMARY KEY,
    user_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    last_id     INTEGER NOT NULL,
    last_at     INTEGER NOT NULL,
    last_in_at  INTEGER NOT NULL DEFAULT 0,       -- the shopper's newest message: starts the 48-hour reply window
    unread      INTEGER NOT NULL DEFAULT 0 CHECK (unread >= 0)
) STRICT;
CREATE INDEX kefu_threads_recent ON kefu_threads(last_at DESC, openid);

CREATE TRIGGER kefu_messages_thread AFTER INSERT ON kefu_messages BEGIN
    INSERT INTO kefu_threads (openid, user_id, last_id, last_at, last_in_at, unread)
    VALUES (NEW.openid, NEW.user_id, NEW.id, NEW.date_add,
            CASE WHEN NEW.direction = 'in' AND NEW.msg_type != 'event' THEN NEW.create_time ELSE 0 END,
            CASE WHEN NEW.direction = 'in' AND NEW.msg_type != 'event' THEN 1 ELSE 0 END)
    ON CONFLICT (openid) DO UPDATE SET
        user_id = coalesce(excluded.user_id, kefu_threads.user_id),
        last_id = excluded.last_id,
        last_at = excluded.last_at,
        last_in_at = max(kefu_threads.last_in_at, excluded.last_in_at),
        unread = kefu_threads.unread + excluded.unread;
END;

-- Media WeChat checks asynchronously (wxa/media_check_async): audio and video uploads, and avatars
-- given as a URL. The item stays hidden (an upload's file is kept outside data/uploads; an avatar
-- is not applied) until the wxa_media_check event names its trace_id: pass publishes it, risky
-- removes it, review keeps it hidden for the merchant.
CREATE TABLE media_checks (
    id          INTEGER PRIMARY KEY,
    trace_id    TEXT UNIQUE,                      -- NULL when WeChat could not be asked (held for the merchant)
    kind        TEXT NOT NULL CHECK (kind IN ('upload', 'avatar')),
    user_id     INTEGER REFERENCES users(id) ON DELETE CASCADE,
    upload_id   INTEGER REFERENCES uploads(id) ON DELETE SET NULL,
    url         TEXT NOT NULL,                    -- avatar: applied once passed; upload: its public path
    fetch_key   TEXT NOT NULL DEFAULT '',         -- upload: the secret name WeChat downloads the held file by
    status      TEXT NOT NULL CHECK (status IN ('pending', 'pass', 'risky', 'review', 'removed')),
    label       INTEGER NOT NULL DEFAULT 0,
    reason      TEXT NOT NULL DEFAULT '',
    date_add    INTEGER NOT NULL,
    date_done   INTEGER
) STRICT;
CREATE INDEX media_checks_status ON media_checks(status, id);
CREATE INDEX media_checks_fetch ON media_checks(fetch_key) WHERE fetch_key != '';
-- order returns
-- Calendar stock an order line holds: one row per day (goods_day_prices) or day's slot
-- (goods_time_slots) it booked, `number` units each. Closing the order (unpaid, or fully
-- refunded) gives each row's units back once: `returned` flips by a conditional UPDATE.
CREATE TABLE order_line_bookings (
    id             INTEGER PRIMARY KEY,
    order_id       INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    order_goods_id INTEGER NOT NULL REFERENCES order_goods(id) ON DELETE CASCADE,
    goods_id       INTEGER NOT NULL,                -- no FK: a deleted goods keeps its orders
    sku_id         INTEGER,                         -- NULL: the goods' own calendar
    day            TEXT NOT NULL,                   -- 'YYYY-MM-DD' in the shop's time zone
    slot           TEXT,                            -- the slot's name; NULL: a whole day
    number         INTEGER NOT NULL CHECK (number > 0),
    price          INTEGER NOT NULL CHECK (price >= 0), -- fen per unit on that day (slot)
    returned       INTEGER NOT NULL DEFAULT 0 CHECK (returned IN (0, 1))
) STRICT;
CREATE INDEX order_line_bookings_order ON order_line_bookings(order_id, id);

-- login_attempts
-- Password tries (console and shopper logins, password changes) and registrations, counted BEFORE
-- any argon2 work, in one write transaction, so no number of concurrent requests passes a limit. A
-- row counts against its key until `until`; a right password deletes its account's rows. Kept here,
-- not in memory, so a restart does not lift a lock-out. Keys (service::attempts):
-- '<door>|<account>|<address>' per account and address, '<door>@<address>' per address, and
-- 'register@<address>' for registrations.
CREATE TABLE login_attempts (
    id     INTEGER PRIMARY KEY,
    key    TEXT NOT NULL,
    until  INTEGER NOT NULL
) STRICT;
CREATE INDEX login_attempts_key ON login_attempts(key, until);
CREATE INDEX login_attempts_until ON login_attempts(until);

-- kanjia (bargain)
-- A bargain set per goods: shoppers start a bargain (join) at original_price and friends cut it
-- (helps), each cut a random fen amount in [help_min, help_max], never below min_price. The owner
-- buys at the current price; number_buy counts paid bargain orders against the quota `number`.
-- Named goods_… so the catalogue epoch follows it (goods answers carry kanjiaPrice).
-- status: 0 active, 1 stopped by the merchant, 2 ended (date_end passed, marked by the order job).
CREATE TABLE goods_kanjia_sets (
    id              INTEGER PRIMARY KEY,
    goods_id        INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    original_price  INTEGER NOT NULL CHECK (original_price > 0),
    min_price       INTEGER NOT NULL CHECK (min_price >= 0 AND min_price < original_price),
    help_min        INTEGER NOT NULL CHECK (help_min >= 1),
    help_max        INTEGER NOT NULL CHECK (help_max >= help_min),
    number          INTEGER NOT NULL CHECK (number > 0),
    number_buy      INTEGER NOT NULL DEFAULT 0 CHECK (number_buy >= 0),
    date_add        INTEGER NOT NULL,
    date_end        INTEGER NOT NULL,
    status          INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2))
) STRICT;
CREATE INDEX goods_kanjia_sets_goods ON goods_kanjia_sets(goods_id, status);
-- One bargain per (set, shopper); kanjiaClear deletes it (with its helps) so a new one can start.
-- status: 0 in progress, 1 bought (its order was paid). order_id: the unpaid order holding it.
CREATE TABLE kanjia_joins (
    id           INTEGER PRIMARY KEY,
    set_id       INTEGER NOT NULL REFERENCES goods_kanjia_sets(id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    cur_price    INTEGER NOT NULL CHECK (cur_price >= 0),
    help_number  INTEGER NOT NULL DEFAULT 0,
    status       INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1)),
    order_id     INTEGER REFERENCES orders(id) ON DELETE SET NULL,
    date_add     INTEGER NOT NULL,
    date_update  INTEGER NOT NULL,
    UNIQUE (set_id, user_id)
) STRICT;
CREATE INDEX kanjia_joins_order ON kanjia_joins(order_id);
-- One help per helper per bargain; set_id is kept to count a helper's helps per set per day.
CREATE TABLE kanjia_helps (
    id         INTEGER PRIMARY KEY,
    join_id    INTEGER NOT NULL REFERENCES kanjia_joins(id) ON DELETE CASCADE,
    set_id     INTEGER NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    cut_price  INTEGER NOT NULL CHECK (cut_price > 0),
    remark     TEXT NOT NULL DEFAULT '',
    date_add   INTEGER NOT NULL,
    UNIQUE (join_id, user_id)
) STRICT;
CREATE INDEX kanjia_helps_helper ON kanjia_helps(user_id, set_id, date_add);
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
-- (its downline index, fx_chain_downline, is at the end: fx_members_page)
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
    date_settle    INTEGER,
    -- partners: 0 distribution level, 1 team leader, 2 partner; clawed back after settlement
    kind           INTEGER NOT NULL DEFAULT 0 CHECK (kind IN (0, 1, 2)),
    clawed         INTEGER NOT NULL DEFAULT 0 CHECK (clawed >= 0),
    claw_reason    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX fx_commissions_user ON fx_commissions(user_id, status, id);
CREATE INDEX fx_commissions_order ON fx_commissions(order_id);
CREATE INDEX fx_commissions_buyer ON fx_commissions(buyer_id, user_id);
CREATE INDEX fx_commissions_due ON fx_commissions(settle_after) WHERE status = 0;
-- console dashboard: the open work by status (src/db/dashboard.rs)
CREATE INDEX orders_status ON orders(status, peisong_type);
CREATE INDEX order_refunds_status ON order_refunds(status);
-- cards
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

-- member_codes
-- The member code (会员码, dynamicUserCode) a shopper shows at the counter: short-lived, one live
-- code per shopper (a new one replaces it); only the SHA-256 of the code is kept.
CREATE TABLE user_member_codes (
    code_hash   TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL UNIQUE REFERENCES users(id),
    expires_at  INTEGER NOT NULL
) STRICT;

-- backups
-- Every `xiaodian backup` that finished: `xiaodian doctor` reads the newest to say how old the
-- shop's last copy is.
CREATE TABLE backups (
    id        INTEGER PRIMARY KEY,
    file      TEXT NOT NULL,
    bytes     INTEGER NOT NULL CHECK (bytes >= 0),
    date_add  INTEGER NOT NULL
) STRICT;

-- werun
-- WeRun (微信运动): a shopper's daily steps as wx.getWeRunData reported them, one row per
-- shop-local day (UTC+8, days since 1970-01-01); a later report of the same day replaces it.
CREATE TABLE werun_steps (
    user_id     INTEGER NOT NULL REFERENCES users(id),
    day         INTEGER NOT NULL,
    steps       INTEGER NOT NULL CHECK (steps >= 0),
    date_update INTEGER NOT NULL,
    PRIMARY KEY (user_id, day)
) STRICT, WITHOUT ROWID;

-- soter
-- SOTER (biometric) challenges: the one live challenge a shopper's wx.startSoterAuthentication
-- signs; only its SHA-256 is kept, and it is used once.
CREATE TABLE soter_challenges (
    user_id        INTEGER PRIMARY KEY REFERENCES users(id),
    challenge_hash TEXT NOT NULL,
    expires_at     INTEGER NOT NULL
) STRICT;

-- shop_pages
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

-- pingtuan (group buy)
-- A group-buy set per goods: the group price (per goods, and per SKU in goods_pingtuan_sku_prices),
-- the group size, how long a group may wait for its members, the set's end and where a failed
-- group's money goes (refund_type 0 the balance, 1 back through WeChat Pay). Named goods_… so the
-- catalogue epoch follows it (goods answers carry pingtuanPrice).
-- status: 0 active, 1 stopped by the merchant, 2 ended (date_end passed, marked by the job).
CREATE TABLE goods_pingtuan_sets (
    id              INTEGER PRIMARY KEY,
    goods_id        INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    price           INTEGER NOT NULL CHECK (price > 0),
    number_persion  INTEGER NOT NULL CHECK (number_persion >= 2),
    timeout_hours   INTEGER NOT NULL CHECK (timeout_hours >= 1),
    refund_type     INTEGER NOT NULL DEFAULT 0 CHECK (refund_type IN (0, 1)),
    number_doing    INTEGER NOT NULL DEFAULT 0 CHECK (number_doing >= 0),
    number_success  INTEGER NOT NULL DEFAULT 0 CHECK (number_success >= 0),
    date_add        INTEGER NOT NULL,
    date_end        INTEGER NOT NULL,
    status          INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2))
) STRICT;
CREATE INDEX goods_pingtuan_sets_goods ON goods_pingtuan_sets(goods_id, status);
-- A SKU's own group price (SKUs without a row use the set's price).
CREATE TABLE goods_pingtuan_sku_prices (
    set_id  INTEGER NOT NULL REFERENCES goods_pingtuan_sets(id) ON DELETE CASCADE,
    sku_id  INTEGER NOT NULL,
    price   INTEGER NOT NULL CHECK (price > 0),
    PRIMARY KEY (set_id, sku_id)
) STRICT;
-- One group (tuan). status: 3 opened, its opener has not paid (hidden); 0 in progress (listed,
-- date_end is its deadline); 1 succeeded (full, released for shipping); 2 failed (refunded).
-- seats: members holding a place (unpaid or paid), never more than the size; help_number: paid.
CREATE TABLE pingtuan_tuans (
    id              INTEGER PRIMARY KEY,
    set_id          INTEGER NOT NULL REFERENCES goods_pingtuan_sets(id) ON DELETE CASCADE,
    goods_id        INTEGER NOT NULL,
    user_id         INTEGER NOT NULL REFERENCES users(id),
    number_persion  INTEGER NOT NULL CHECK (number_persion >= 2),
    seats           INTEGER NOT NULL DEFAULT 0 CHECK (seats >= 0),
    help_number     INTEGER NOT NULL DEFAULT 0 CHECK (help_number >= 0),
    status          INTEGER NOT NULL DEFAULT 3 CHECK (status IN (0, 1, 2, 3)),
    ext_json        TEXT NOT NULL DEFAULT '{}',
    date_add        INTEGER NOT NULL,
    date_end        INTEGER,
    date_finish     INTEGER,
    CHECK (seats <= number_persion AND help_number <= seats)
) STRICT;
CREATE INDEX pingtuan_tuans_goods ON pingtuan_tuans(goods_id, status);
CREATE INDEX pingtuan_tuans_due ON pingtuan_tuans(status, date_end);
-- A member's order in a group. status: 0 unpaid (holds a seat), 1 paid, 2 refunded (group failed).
-- A closed unpaid order leaves the group (its row goes, the seat frees).
CREATE TABLE pingtuan_members (
    id        INTEGER PRIMARY KEY,
    tuan_id   INTEGER NOT NULL REFERENCES pingtuan_tuans(id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users(id),
    order_id  INTEGER NOT NULL UNIQUE REFERENCES orders(id),
    status    INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),
    date_add  INTEGER NOT NULL,
    date_pay  INTEGER,
    UNIQUE (tuan_id, user_id)
) STRICT;
-- partners (合伙人/团队长) and distribution rules
-- Team roles: 1 team member (parent: their leader), 2 team leader (parent: their partner, if any),
-- 3 partner (no parent). One role per shopper; a member who becomes a leader keeps the old
-- leader's partner as their own.
CREATE TABLE partner_roles (
    user_id   INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    role      INTEGER NOT NULL CHECK (role IN (1, 2, 3)),
    parent_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    source    TEXT NOT NULL,
    date_add  INTEGER NOT NULL,
    CHECK (parent_id IS NULL OR parent_id <> user_id)
) STRICT;
CREATE INDEX partner_roles_parent ON partner_roles(parent_id, role, user_id);
-- What kind of share a commission is: 0 distribution level, 1 team leader, 2 partner. A settled
-- commission the merchant took back after a refund: `clawed` (≤ amount − cancelled) with its reason,
-- the ledger rows with source fx_clawback and this id hold −clawed.
CREATE INDEX fx_commissions_rank ON fx_commissions(kind, date_add, user_id);
-- Per-goods commission percentages overriding the shop's levels (NULL: the shop's percent).
CREATE TABLE fx_goods_percents (
    goods_id  INTEGER PRIMARY KEY REFERENCES goods(id) ON DELETE CASCADE,
    percent1  INTEGER CHECK (percent1 BETWEEN 0 AND 100),
    percent2  INTEGER CHECK (percent2 BETWEEN 0 AND 100),
    percent3  INTEGER CHECK (percent3 BETWEEN 0 AND 100),
    date_update INTEGER NOT NULL
) STRICT;
-- Monthly sales targets the merchant sets: kind 1 a city (province_id, city_id), kind 2 every
-- distributor's team (ids ''). `standard` in fen.
CREATE TABLE fx_targets (
    id          INTEGER PRIMARY KEY,
    kind        INTEGER NOT NULL CHECK (kind IN (1, 2)),
    province_id TEXT NOT NULL DEFAULT '',
    city_id     TEXT NOT NULL DEFAULT '',
    standard    INTEGER NOT NULL CHECK (standard > 0),
    date_add    INTEGER NOT NULL,
    UNIQUE (kind, province_id, city_id)
) STRICT;

-- card_pay_stock_notice
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
-- fxMembers pages a distributor's downline by fx_chain alone (db::fx::members): with date_add in
-- the downline index, the count and the walk to a deep page's OFFSET read only the index, and
-- each member's figures are computed for the page's 20 rather than everyone before it.
CREATE INDEX fx_chain_downline ON fx_chain(ancestor_id, depth, user_id, date_add);
