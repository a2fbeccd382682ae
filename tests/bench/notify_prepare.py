#!/usr/bin/env python3
"""Prepares the notify benchmark: N pending recharge payments of the sandbox shopper `uid` in the
database, and their signed notify XML (MD5, the sandbox merchant key), one per line, on stdout."""
import hashlib, sqlite3, sys, time

db, uid, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
KEY = "sandboxpaykey0000000000000000000"
APPID, MCH = "wxsandbox00000000", "1900000109"
c = sqlite3.connect(db)
openid = c.execute("SELECT openid FROM wechat_accounts WHERE user_id = ?", (uid,)).fetchone()[0]
now = int(time.time())
with c:
    for i in range(n):
        c.execute(
            "INSERT INTO payments (out_trade_no, user_id, openid, money, remark, next_action, action_type,"
            " sign_type, date_add, date_update) VALUES (?, ?, ?, 100, 'bench', '', -1, 'MD5', ?, ?)",
            (f"BENCH{i:010d}", uid, openid, now, now))
for i in range(n):
    f = {"return_code": "SUCCESS", "result_code": "SUCCESS", "appid": APPID, "mch_id": MCH,
         "openid": openid, "trade_type": "JSAPI", "total_fee": "100", "cash_fee": "100",
         "out_trade_no": f"BENCH{i:010d}", "transaction_id": f"4200{i:024d}",
         "time_end": "20261123120000", "nonce_str": f"n{i}"}
    text = "&".join(f"{k}={f[k]}" for k in sorted(f)) + "&key=" + KEY
    f["sign"] = hashlib.md5(text.encode()).hexdigest().upper()
    print("<xml>" + "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in sorted(f.items())) + "</xml>")
