-- fxMembers pages a distributor's downline by fx_chain alone (db::fx::members): with date_add in
-- the downline index, the count and the walk to a deep page's OFFSET read only the index, and
-- each member's figures are computed for the page's 20 rather than everyone before it.
DROP INDEX fx_chain_downline;
CREATE INDEX fx_chain_downline ON fx_chain(ancestor_id, depth, user_id, date_add);
