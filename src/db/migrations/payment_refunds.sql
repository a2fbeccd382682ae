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
