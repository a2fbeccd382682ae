-- The member code (会员码, dynamicUserCode) a shopper shows at the counter: short-lived, one live
-- code per shopper (a new one replaces it); only the SHA-256 of the code is kept.
CREATE TABLE user_member_codes (
    code_hash   TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL UNIQUE REFERENCES users(id),
    expires_at  INTEGER NOT NULL
) STRICT;
