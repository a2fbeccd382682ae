-- console_dashboard
-- The console's 概览 counts the open work by status (unpaid, to ship or pick up; after-sales waiting)
-- through these, not by reading every order.
CREATE INDEX orders_status ON orders(status, peisong_type);
CREATE INDEX order_refunds_status ON order_refunds(status);
