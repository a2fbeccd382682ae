#!/usr/bin/env python3
"""Prepares a notify benchmark: pending WeChat payments in the database and their signed notify
XML (MD5, the sandbox merchant key), one per line, on stdout.

  notify_prepare.py DB UID N            N pending recharges of the sandbox shopper UID
  notify_prepare.py --orders DB UIDS    one pending payment for each unpaid order of the shoppers
                                        whose ids are in the file UIDS (one a line), as the
                                        template's WeChat payment of an order (nextAction type 0)
"""
import hashlib, json, sqlite3, sys, time

KEY = "sandboxpaykey0000000000000000000"
APPID, MCH = "wxsandbox00000000", "1900000109"
orders = sys.argv[1] == "--orders"
args = sys.argv[2:] if orders else sys.argv[1:]
c = sqlite3.connect(args[0], timeout=30)
now = int(time.time())
pending = []  # (out_trade_no, transaction_id, openid, fen)
with c:
    if orders:
        uids = [int(line) for line in open(args[1]) if line.strip()]
        rows = c.execute(
            "SELECT o.id, o.user_id, o.amount_real, w.openid FROM orders o"
            " JOIN wechat_accounts w ON w.user_id = o.user_id"
            f" WHERE o.status = 0 AND o.amount_real > 0 AND o.user_id IN ({','.join('?' * len(uids))})",
            uids).fetchall()
        for oid, uid, fen, openid in rows:
            no = f"BENCHO{oid:012d}"
            cur = c.execute(
                "INSERT INTO payments (out_trade_no, user_id, openid, money, remark, next_action, action_type,"
                " sign_type, date_add, date_update) VALUES (?, ?, ?, ?, 'bench', ?, 0, 'MD5', ?, ?)",
                (no, uid, openid, fen, json.dumps({"type": 0, "id": oid}), now, now))
            c.execute("INSERT INTO payment_orders (payment_id, order_id) VALUES (?, ?)", (cur.lastrowid, oid))
            pending.append((no, f"4201{oid:024d}", openid, fen))
    else:
        uid, n = int(args[1]), int(args[2])
        openid = c.execute("SELECT openid FROM wechat_accounts WHERE user_id = ?", (uid,)).fetchone()[0]
        for i in range(n):
            no = f"BENCH{i:010d}"
            c.execute(
                "INSERT INTO payments (out_trade_no, user_id, openid, money, remark, next_action, action_type,"
                " sign_type, date_add, date_update) VALUES (?, ?, ?, 100, 'bench', '', -1, 'MD5', ?, ?)",
                (no, uid, openid, now, now))
            pending.append((no, f"4200{i:024d}", openid, 100))
for i, (no, tid, openid, fen) in enumerate(pending):
    f = {"return_code": "SUCCESS", "result_code": "SUCCESS", "appid": APPID, "mch_id": MCH,
         "openid": openid, "trade_type": "JSAPI", "total_fee": str(fen), "cash_fee": str(fen),
         "out_trade_no": no, "transaction_id": tid,
         "time_end": "20261123120000", "nonce_str": f"n{i}"}
    text = "&".join(f"{k}={f[k]}" for k in sorted(f)) + "&key=" + KEY
    f["sign"] = hashlib.md5(text.encode()).hexdigest().upper()
    print("<xml>" + "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in sorted(f.items())) + "</xml>")
