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
