-- A round of changes to the shop example: every kind of change each table can see.
UPDATE shop.customers SET country = 'DK' WHERE id % 25 = 0;                    -- dim_customer opens a new version
UPDATE shop.customers SET name = name || ' Jr.' WHERE id % 40 = 1;             -- type 2 keeps name of the version
UPDATE shop.products SET price = price + 1.00 WHERE sku IN ('SKU-0003', 'SKU-0017');
DELETE FROM shop.product_tags WHERE sku = 'SKU-0006';
INSERT INTO shop.product_tags VALUES ('SKU-0006', 4) ON CONFLICT DO NOTHING;
UPDATE shop.orders SET status = 'shipped' WHERE id BETWEEN 1 AND 30 AND status <> 'shipped';
INSERT INTO shop.order_events SELECT id, placed_at + interval '1 day', 'shipped' FROM shop.orders WHERE id BETWEEN 1 AND 30;
DELETE FROM shop.orders WHERE id IN (41, 42, 43);                               -- their lines go with them
INSERT INTO shop.orders VALUES
  (801, 5, 'placed', timestamptz '2026-05-01 10:00:00+00', 'Gift: no invoice in the parcel'),
  (802, NULL, 'placed', timestamptz '2026-05-01 11:00:00+00', NULL);
INSERT INTO shop.order_lines VALUES (801, 1, 'SKU-0001', 2, 40.99), (801, 2, 'SKU-0002', 1, 77.99),
  (802, 1, 'SKU-0060', 3, 123.99), (802, 2, 'SKU-0005', 0, 188.99);           -- qty 0: quarantined by qty_positive
INSERT INTO shop.order_events VALUES (801, timestamptz '2026-05-01 10:00:00+00', 'placed'),
  (802, timestamptz '2026-05-01 11:00:00+00', 'placed'),
  (802, timestamptz '2026-05-01 11:00:00+00', 'placed');                        -- the same row twice: both kept
UPDATE shop.order_lines SET qty = qty + 1 WHERE order_id = 7 AND line_no = 1;
