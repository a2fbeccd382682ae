-- number orders
-- `goods.number_orders` counted every paid order line, so an order with two SKUs of one goods
-- counted twice; it counts orders now. Take the extra lines of paid orders back out.
UPDATE goods SET number_orders = max(0, number_orders - (
    SELECT count(*) - count(DISTINCT l.order_id)
    FROM order_goods l JOIN orders o ON o.id = l.order_id
    WHERE l.goods_id = goods.id AND o.date_pay IS NOT NULL))
WHERE id IN (SELECT l.goods_id FROM order_goods l JOIN orders o ON o.id = l.order_id
             WHERE o.date_pay IS NOT NULL GROUP BY l.order_id, l.goods_id HAVING count(*) > 1);
