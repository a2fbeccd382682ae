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
