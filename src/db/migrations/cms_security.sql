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
