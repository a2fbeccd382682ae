-- SOTER (biometric) challenges: the one live challenge a shopper's wx.startSoterAuthentication
-- signs; only its SHA-256 is kept, and it is used once.
CREATE TABLE soter_challenges (
    user_id        INTEGER PRIMARY KEY REFERENCES users(id),
    challenge_hash TEXT NOT NULL,
    expires_at     INTEGER NOT NULL
) STRICT;
