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
