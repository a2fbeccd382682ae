-- Every `xiaodian backup` that finished: `xiaodian doctor` reads the newest to say how old the
-- shop's last copy is.
CREATE TABLE backups (
    id        INTEGER PRIMARY KEY,
    file      TEXT NOT NULL,
    bytes     INTEGER NOT NULL CHECK (bytes >= 0),
    date_add  INTEGER NOT NULL
) STRICT;
