#!/usr/bin/env python3
"""Bench helper (not a test): N shoppers written straight into the database, as N WeChat logins
would leave them — a user (with `referrer` as referrer_id when given, so the fx_chain triggers
link them), a WeChat account and a login token (only its SHA-256 is stored, as the shop does).

Usage: shoppers.py DB N OUT_PREFIX [REFERRER_UID]
Writes the tokens to OUT_PREFIX.tokens and the user ids to OUT_PREFIX.uids, one a line, same order.
"""
import hashlib
import os
import sqlite3
import sys
import time

db, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
referrer = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[4] else None
name = os.path.basename(out)
now = int(time.time())
c = sqlite3.connect(db, timeout=30)
tokens, uids = [], []
with c:
    for i in range(n):
        cur = c.execute(
            "INSERT INTO users (nick, source, referrer_id, date_add) VALUES (?, 'wxapp', ?, ?)",
            (f"{name}-{i}", referrer, now))
        uid = cur.lastrowid
        c.execute("INSERT INTO wechat_accounts (user_id, appid, openid) VALUES (?, 'wxsandbox00000000', ?)",
                  (uid, f"o-bench-{name}-{uid}"))
        token = os.urandom(32).hex()
        c.execute("INSERT INTO user_tokens (token_hash, user_id, expires_at, date_add) VALUES (?, ?, ?, ?)",
                  (hashlib.sha256(token.encode()).hexdigest(), uid, now + 30 * 86400, now))
        tokens.append(token)
        uids.append(str(uid))
with open(out + ".tokens", "w") as f:
    f.write("\n".join(tokens) + "\n")
with open(out + ".uids", "w") as f:
    f.write("\n".join(uids) + "\n")
