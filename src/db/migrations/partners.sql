-- partners (合伙人/团队长) and distribution rules
-- Team roles: 1 team member (parent: their leader), 2 team leader (parent: their partner, if any),
-- 3 partner (no parent). One role per shopper; a member who becomes a leader keeps the old
-- leader's partner as their own.
CREATE TABLE partner_roles (
    user_id   INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    role      INTEGER NOT NULL CHECK (role IN (1, 2, 3)),
    parent_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    source    TEXT NOT NULL,
    date_add  INTEGER NOT NULL,
    CHECK (parent_id IS NULL OR parent_id <> user_id)
) STRICT;
CREATE INDEX partner_roles_parent ON partner_roles(parent_id, role, user_id);
-- What kind of share a commission is: 0 distribution level, 1 team leader, 2 partner. A settled
-- commission the merchant took back after a refund: `clawed` (≤ amount − cancelled) with its reason,
-- the ledger rows with source fx_clawback and this id hold −clawed.
ALTER TABLE fx_commissions ADD COLUMN kind INTEGER NOT NULL DEFAULT 0 CHECK (kind IN (0, 1, 2));
ALTER TABLE fx_commissions ADD COLUMN clawed INTEGER NOT NULL DEFAULT 0 CHECK (clawed >= 0);
ALTER TABLE fx_commissions ADD COLUMN claw_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX fx_commissions_rank ON fx_commissions(kind, date_add, user_id);
-- Per-goods commission percentages overriding the shop's levels (NULL: the shop's percent).
CREATE TABLE fx_goods_percents (
    goods_id  INTEGER PRIMARY KEY REFERENCES goods(id) ON DELETE CASCADE,
    percent1  INTEGER CHECK (percent1 BETWEEN 0 AND 100),
    percent2  INTEGER CHECK (percent2 BETWEEN 0 AND 100),
    percent3  INTEGER CHECK (percent3 BETWEEN 0 AND 100),
    date_update INTEGER NOT NULL
) STRICT;
-- Monthly sales targets the merchant sets: kind 1 a city (province_id, city_id), kind 2 every
-- distributor's team (ids ''). `standard` in fen.
CREATE TABLE fx_targets (
    id          INTEGER PRIMARY KEY,
    kind        INTEGER NOT NULL CHECK (kind IN (1, 2)),
    province_id TEXT NOT NULL DEFAULT '',
    city_id     TEXT NOT NULL DEFAULT '',
    standard    INTEGER NOT NULL CHECK (standard > 0),
    date_add    INTEGER NOT NULL,
    UNIQUE (kind, province_id, city_id)
) STRICT;
