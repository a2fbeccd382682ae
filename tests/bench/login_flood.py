#!/usr/bin/env python3
"""Login-flood driver for tests/bench/login_flood.sh (not a test).

Usage: login_flood.py BASE N SECONDS

Sends waves of N concurrent requests, each on its own connection, released together:
  1. N wrong console logins (admin) from one address, then N wrong shopper logins (login_username,
     the account bench_user) from another: at most 5 of each may be checked (401), the rest 429;
  2. for SECONDS, waves of N console logins and N shopper logins with random names, each from its
     own random address (X-Real-IP), which only the password pool's bound holds back (401 or 503);
  3. the right passwords: from the flooded addresses (locked: 429) and from a fresh one (logged in).
Prints the answers of each wave and how long its last answer took.
"""
import asyncio
import random
import re
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter

BASE, N, SECONDS = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
HOST, PORT = urllib.parse.urlsplit(BASE).hostname, urllib.parse.urlsplit(BASE).port
CODE = re.compile(rb'"code":(-?\d+)')


async def post(path, form, headers):
    """One POST on a fresh connection: the envelope code for the API, the HTTP status otherwise."""
    body = urllib.parse.urlencode(form).encode()
    head = f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n"
    head += "Content-Type: application/x-www-form-urlencoded\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += f"Content-Length: {len(body)}\r\n\r\n"
    try:
        reader, writer = await asyncio.open_connection(HOST, PORT)
        writer.write(head.encode() + body)
        await writer.drain()
        answer = await reader.read()
        writer.close()
    except OSError as e:
        return f"error {e.__class__.__name__}"
    status = answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/") else "?"
    if path.startswith("/admin"):
        return f"HTTP {status}"
    m = CODE.search(answer)
    return f"code {m.group(1).decode()}" if m else f"HTTP {status}"


async def wave(name, requests):
    start = time.monotonic()
    answers = await asyncio.gather(*(post(*r) for r in requests))
    took = time.monotonic() - start
    counts = ", ".join(f"{n} × {a}" for a, n in sorted(Counter(answers).items()))
    print(f"{name:<46} {len(requests)} in {took:5.2f} s: {counts}", flush=True)
    return Counter(answers), took


def csrf():
    with urllib.request.urlopen(BASE + "/admin/login") as res:
        cookie = [c for c in res.headers.get_all("Set-Cookie") if c.startswith("xiaodian_login=")][0]
    return cookie.split(";")[0].split("=", 1)[1]


def console(token, user, password, ip):
    form = {"username": user, "password": password, "csrf": token}
    return "/admin/login", form, {"Cookie": f"xiaodian_login={token}", "X-Real-IP": ip}


def shopper(user, password, ip):
    return "/shop/user/username/login", {"username": user, "pwd": password}, {"X-Real-IP": ip}


def anywhere():
    return f"10.{random.randint(10, 250)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


async def main():
    token = csrf()
    await wave("console, admin, wrong, one address", [console(token, "admin", "wrong", "10.9.0.1")] * N)
    await wave("shopper, bench_user, wrong, one address", [shopper("bench_user", "wrong-1", "10.9.0.2")] * N)
    end = time.monotonic() + SECONDS
    total, waves, slowest = Counter(), 0, 0.0
    while time.monotonic() < end:
        for name, make in [
            ("console, random names and addresses", lambda i: console(token, f"x{i}-{random.random()}", "guess", anywhere())),
            ("shopper, random names and addresses", lambda i: shopper(f"u{i}_{random.randint(0, 10**9)}", "guess-1", anywhere())),
        ]:
            counts, took = await wave(name, [make(i) for i in range(N)])
            total.update(counts)
            waves += 1
            slowest = max(slowest, took)
    print(f"random-name waves: {waves}, slowest {slowest:.2f} s, all answers: "
          + ", ".join(f"{n} × {a}" for a, n in sorted(total.items())), flush=True)
    await wave("console, admin, RIGHT, flooded address", [console(token, "admin", "bench-password", "10.9.0.1")])
    await wave("console, admin, RIGHT, fresh address", [console(token, "admin", "bench-password", "10.9.0.3")])
    await wave("shopper, RIGHT, flooded address", [shopper("bench_user", "bench-secret", "10.9.0.2")])
    await wave("shopper, RIGHT, fresh address", [shopper("bench_user", "bench-secret", "10.9.0.3")])


asyncio.run(main())
