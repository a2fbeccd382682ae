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
    date_update INTEGER NOT NULL
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
    shop_id         INTEGER NOT NULL DEFAULT 0,   -- 0 = the shop itself; branch shops arrive later
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
    date_update     INTEGER NOT NULL
) STRICT;
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
