-- The shop example's source: schema and a deterministic generator (no random(): every run makes the same rows).
-- Shapes the bank lacks: text keys, a composite key, a many-to-many link table, a nullable foreign key (guest
-- orders), wide text, and an insert-only history table without a primary key.
CREATE SCHEMA shop;

CREATE TABLE shop.customers (
  id bigint PRIMARY KEY,
  email text NOT NULL,
  name text NOT NULL,
  country char(2) NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TABLE shop.products (
  sku text PRIMARY KEY,
  title text NOT NULL,
  description text NOT NULL,
  category text NOT NULL,
  price numeric(10, 2) NOT NULL
);

CREATE TABLE shop.tags (
  id int PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE shop.product_tags (
  sku text NOT NULL REFERENCES shop.products ON DELETE CASCADE,
  tag_id int NOT NULL REFERENCES shop.tags ON DELETE CASCADE,
  PRIMARY KEY (sku, tag_id)
);

CREATE TABLE shop.orders (
  id bigint PRIMARY KEY,
  customer_id bigint REFERENCES shop.customers ON DELETE SET NULL,  -- NULL: a guest checkout
  status text NOT NULL,
  placed_at timestamptz NOT NULL,
  note text
);

CREATE TABLE shop.order_lines (
  order_id bigint NOT NULL REFERENCES shop.orders ON DELETE CASCADE,
  line_no int NOT NULL,
  sku text NOT NULL REFERENCES shop.products,
  qty int NOT NULL,
  unit_price numeric(10, 2) NOT NULL,
  PRIMARY KEY (order_id, line_no)
);

-- Only ever inserted into; without a key, so PostgreSQL needs the whole row to keep accepting updates once captured.
CREATE TABLE shop.order_events (
  order_id bigint NOT NULL,
  at timestamptz NOT NULL,
  event text NOT NULL
);
ALTER TABLE shop.order_events REPLICA IDENTITY FULL;

INSERT INTO shop.customers
SELECT i, 'customer' || i || '@example.com', 'Customer ' || i, (ARRAY['DE', 'FR', 'NL', 'SE', 'US'])[1 + i % 5],
       timestamptz '2026-01-01 00:00:00+00' + i * interval '7 hours'
FROM generate_series(1, 300) AS i;

INSERT INTO shop.tags VALUES (1, 'new'), (2, 'sale'), (3, 'eco'), (4, 'gift'), (5, 'bestseller');

INSERT INTO shop.products
SELECT 'SKU-' || lpad(i::text, 4, '0'), 'Product ' || i,
       repeat('A long description of product ' || i || ', with its materials and care instructions. ', 40),
       (ARRAY['books', 'garden', 'kitchen', 'toys'])[1 + i % 4], (3 + (i * 37) % 200) + 0.99
FROM generate_series(1, 60) AS i;

INSERT INTO shop.product_tags
SELECT 'SKU-' || lpad(i::text, 4, '0'), t
FROM generate_series(1, 60) AS i, generate_series(1, 5) AS t
WHERE (i + t) % 3 = 0;

INSERT INTO shop.orders
SELECT i, CASE WHEN i % 10 = 0 THEN NULL ELSE 1 + (i * 7) % 300 END, (ARRAY['placed', 'paid', 'shipped'])[1 + i % 3],
       timestamptz '2026-03-01 00:00:00+00' + i * interval '53 minutes',
       CASE WHEN i % 4 = 0 THEN 'Leave at the door, ring twice' END
FROM generate_series(1, 800) AS i;

INSERT INTO shop.order_lines
SELECT o, l, 'SKU-' || lpad((1 + (o * 13 + l * 7) % 60)::text, 4, '0'), 1 + (o + l) % 4,
       (3 + ((1 + (o * 13 + l * 7) % 60) * 37) % 200) + 0.99
FROM generate_series(1, 800) AS o, generate_series(1, 3) AS l
WHERE l <= 1 + o % 3;

INSERT INTO shop.order_events
SELECT id, placed_at, 'placed' FROM shop.orders
UNION ALL
SELECT id, placed_at + interval '2 hours', 'paid' FROM shop.orders WHERE status IN ('paid', 'shipped');
