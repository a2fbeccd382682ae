-- Shop-window lists in every orderBy the client sends (priceUp/Down, ordersUp/Down, addedUp/Down),
-- for the whole shop and per category: a page, even a deep one, walks an index (db::catalog::
-- shelf_page reads ids first) instead of sorting every on-shelf goods.
CREATE INDEX goods_shelf_price ON goods(status, min_price, id DESC);
CREATE INDEX goods_shelf_orders ON goods(status, number_orders, id DESC);
CREATE INDEX goods_shelf_added ON goods(status, date_add, id);
CREATE INDEX goods_category_price ON goods(category_id, status, min_price, id DESC);
CREATE INDEX goods_category_orders ON goods(category_id, status, number_orders, id DESC);
CREATE INDEX goods_category_added ON goods(category_id, status, date_add, id);
