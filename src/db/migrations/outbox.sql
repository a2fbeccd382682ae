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
