-- Freight templates (运费模板). `fee_type` 0 charges by piece, 1 by weight; the numbers are pieces
-- or grams. A goods points at one through goods.logistics_id (no FK: that column predates this
-- table, so service::freight refuses to delete a template goods still use). Money in fen.
CREATE TABLE freight_templates (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    fee_type      INTEGER NOT NULL DEFAULT 0 CHECK (fee_type IN (0, 1)),   -- 0 by piece, 1 by weight (g)
    is_free       INTEGER NOT NULL DEFAULT 0 CHECK (is_free IN (0, 1)),    -- 1: the shop pays, always 0
    first_number  INTEGER NOT NULL DEFAULT 1 CHECK (first_number >= 1),   -- pieces or grams in the first fee
    first_amount  INTEGER NOT NULL DEFAULT 0 CHECK (first_amount >= 0),   -- fen
    add_number    INTEGER NOT NULL DEFAULT 1 CHECK (add_number >= 1),     -- each further step of pieces or grams
    add_amount    INTEGER NOT NULL DEFAULT 0 CHECK (add_amount >= 0),     -- fen per further step
    date_add      INTEGER NOT NULL,
    date_update   INTEGER NOT NULL
) STRICT;

-- Fees of their own for some regions. `regions` is ",440000,110100," (province or city ids of
-- src/regions.rs): a destination matches when its province, city or district is listed.
CREATE TABLE freight_region_fees (
    id            INTEGER PRIMARY KEY,
    template_id   INTEGER NOT NULL REFERENCES freight_templates(id) ON DELETE CASCADE,
    regions       TEXT NOT NULL,
    first_number  INTEGER NOT NULL CHECK (first_number >= 1),
    first_amount  INTEGER NOT NULL CHECK (first_amount >= 0),
    add_number    INTEGER NOT NULL CHECK (add_number >= 1),
    add_amount    INTEGER NOT NULL CHECK (add_amount >= 0),
    paixu         INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX freight_region_fees_template ON freight_region_fees(template_id, paixu, id);

-- Free-shipping conditions: every set condition must hold (amount of the template's lines in fen,
-- number of pieces). `regions` '' = everywhere, else as in freight_region_fees.
CREATE TABLE freight_free_rules (
    id            INTEGER PRIMARY KEY,
    template_id   INTEGER NOT NULL REFERENCES freight_templates(id) ON DELETE CASCADE,
    regions       TEXT NOT NULL DEFAULT '',
    min_amount    INTEGER CHECK (min_amount IS NULL OR min_amount >= 0),
    min_number    INTEGER CHECK (min_number IS NULL OR min_number >= 1),
    paixu         INTEGER NOT NULL DEFAULT 0,
    CHECK (min_amount IS NOT NULL OR min_number IS NOT NULL)
) STRICT;
CREATE INDEX freight_free_rules_template ON freight_free_rules(template_id, paixu, id);

-- Purchase limits (goodsLimitations): at most `buy_numbers` within `duration` units. `unit`:
-- 0 natural day, 1 natural month, 2 natural year (the seed's codes), 3 natural week, 4 per order,
-- 5 ever. `sku_id` NULL = the whole goods; `user_level_id` NULL = every shopper.
CREATE TABLE goods_limits (
    id            INTEGER PRIMARY KEY,
    goods_id      INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    sku_id        INTEGER REFERENCES goods_skus(id) ON DELETE CASCADE,
    user_level_id INTEGER REFERENCES user_levels(id) ON DELETE CASCADE,
    unit          INTEGER NOT NULL CHECK (unit BETWEEN 0 AND 5),
    duration      INTEGER NOT NULL DEFAULT 1 CHECK (duration >= 1),
    buy_numbers   INTEGER NOT NULL CHECK (buy_numbers >= 1)
) STRICT;
CREATE INDEX goods_limits_goods ON goods_limits(goods_id);

-- Price tiers (priceMultilevels): from `number` pieces on, the unit price is `price` fen.
-- `sku_id` NULL = every SKU of the goods (a SKU's own tiers win).
CREATE TABLE goods_price_tiers (
    id            INTEGER PRIMARY KEY,
    goods_id      INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    sku_id        INTEGER REFERENCES goods_skus(id) ON DELETE CASCADE,
    number        INTEGER NOT NULL CHECK (number >= 2),
    price         INTEGER NOT NULL CHECK (price >= 0)
) STRICT;
-- One price per quantity and SKU; coalesce because NULLs never collide in a UNIQUE index.
CREATE UNIQUE INDEX goods_price_tiers_key ON goods_price_tiers(goods_id, coalesce(sku_id, 0), number);

-- Add-ons (goodsAddition): groups (口味, 加料) of items with an extra price in fen per unit.
CREATE TABLE goods_addition_groups (
    id            INTEGER PRIMARY KEY,
    goods_id      INTEGER NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    required      INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
    multiple      INTEGER NOT NULL DEFAULT 0 CHECK (multiple IN (0, 1)),  -- answered as type 1, else 0
    paixu         INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX goods_addition_groups_goods ON goods_addition_groups(goods_id, paixu, id);

CREATE TABLE goods_addition_items (
    id            INTEGER PRIMARY KEY,
    group_id      INTEGER NOT NULL REFERENCES goods_addition_groups(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    price         INTEGER NOT NULL DEFAULT 0 CHECK (price >= 0),
    paixu         INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX goods_addition_items_group ON goods_addition_items(group_id, paixu, id);
