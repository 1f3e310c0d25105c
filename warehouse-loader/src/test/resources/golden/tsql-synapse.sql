IF SCHEMA_ID(N'dw') IS NULL EXEC(N'CREATE SCHEMA [dw]');

IF OBJECT_ID(N'[dw].[dim_customer]', N'U') IS NULL CREATE TABLE [dw].[dim_customer] (customer_sk BIGINT IDENTITY(1,1) NOT NULL, customer_id BIGINT NOT NULL, name NVARCHAR(400), email NVARCHAR(400), segment NVARCHAR(400), valid_from DATETIME2 NOT NULL, valid_to DATETIME2 NULL, is_current BIT NOT NULL, _source_pos VARCHAR(80) NOT NULL) WITH (DISTRIBUTION = REPLICATE, CLUSTERED COLUMNSTORE INDEX);

IF OBJECT_ID(N'[dw].[dim_account]', N'U') IS NULL CREATE TABLE [dw].[dim_account] (account_id BIGINT NOT NULL, customer_id BIGINT, type NVARCHAR(400), balance DECIMAL(14,2), currency NVARCHAR(400), status NVARCHAR(400), updated_at DATETIME2, _source_pos VARCHAR(80) NOT NULL) WITH (DISTRIBUTION = REPLICATE, CLUSTERED COLUMNSTORE INDEX);

IF OBJECT_ID(N'[dw].[fact_payment]', N'U') IS NULL CREATE TABLE [dw].[fact_payment] (payment_id BIGINT NOT NULL, account_id BIGINT, customer_id BIGINT, customer_sk BIGINT, amount DECIMAL(14,2), currency NVARCHAR(400), merchant NVARCHAR(400), status NVARCHAR(400), created_at DATETIME2, payment_date DATE, _source_pos VARCHAR(80) NOT NULL) WITH (DISTRIBUTION = HASH(payment_id), CLUSTERED COLUMNSTORE INDEX);

IF OBJECT_ID(N'[dw].[agg_payments_daily]', N'U') IS NULL CREATE TABLE [dw].[agg_payments_daily] (payment_date DATE NOT NULL, segment NVARCHAR(400) NOT NULL, currency NVARCHAR(400) NOT NULL, payment_count BIGINT NOT NULL, amount_sum DECIMAL(18,2), amount_avg DECIMAL(18,2)) WITH (DISTRIBUTION = REPLICATE, CLUSTERED COLUMNSTORE INDEX);

IF OBJECT_ID(N'[dw].[_lakesync_load_state]', N'U') IS NULL CREATE TABLE [dw].[_lakesync_load_state] (source_table NVARCHAR(256) NOT NULL, last_version BIGINT NOT NULL, loaded_at DATETIME2 NOT NULL) WITH (DISTRIBUTION = REPLICATE, CLUSTERED COLUMNSTORE INDEX);

IF OBJECT_ID(N'[dw].[stg_customer]', N'U') IS NULL CREATE TABLE [dw].[stg_customer] ([customer_id] BIGINT, [name] NVARCHAR(400), [email] NVARCHAR(400), [segment] NVARCHAR(400), [created_at] DATETIME2, [changed_at] DATETIME2, [op] CHAR(1), [source_pos] VARCHAR(80)) WITH (DISTRIBUTION = ROUND_ROBIN, HEAP);

TRUNCATE TABLE [dw].[stg_customer];

IF OBJECT_ID(N'[dw].[stg_account]', N'U') IS NULL CREATE TABLE [dw].[stg_account] ([account_id] BIGINT, [customer_id] BIGINT, [type] NVARCHAR(400), [balance] DECIMAL(14,2), [currency] NVARCHAR(400), [status] NVARCHAR(400), [updated_at] DATETIME2, [op] CHAR(1), [source_pos] VARCHAR(80)) WITH (DISTRIBUTION = ROUND_ROBIN, HEAP);

TRUNCATE TABLE [dw].[stg_account];

IF OBJECT_ID(N'[dw].[stg_payment]', N'U') IS NULL CREATE TABLE [dw].[stg_payment] ([payment_id] BIGINT, [account_id] BIGINT, [amount] DECIMAL(14,2), [currency] NVARCHAR(400), [merchant] NVARCHAR(400), [status] NVARCHAR(400), [created_at] DATETIME2, [op] CHAR(1), [source_pos] VARCHAR(80)) WITH (DISTRIBUTION = ROUND_ROBIN, HEAP);

TRUNCATE TABLE [dw].[stg_payment];

INSERT INTO [dw].[dim_customer] (customer_id, name, email, segment, valid_from, valid_to, is_current, _source_pos) SELECT customer_id, name, email, segment, valid_from, NULL, 0, source_pos FROM (SELECT q.*, LAG(q.name) OVER (PARTITION BY q.customer_id ORDER BY q.source_pos) AS p_name, LAG(q.email) OVER (PARTITION BY q.customer_id ORDER BY q.source_pos) AS p_email, LAG(q.segment) OVER (PARTITION BY q.customer_id ORDER BY q.source_pos) AS p_segment, LAG(q.op) OVER (PARTITION BY q.customer_id ORDER BY q.source_pos) AS p_op FROM (SELECT 'held' AS kind, h.customer_id, h.name, h.email, h.segment, h.valid_from, h._source_pos AS source_pos, CASE WHEN h.valid_to IS NOT NULL AND h.is_current = 0 THEN 'd' ELSE 'u' END AS op FROM [dw].[dim_customer] h WHERE h.customer_id IN (SELECT customer_id FROM [dw].[stg_customer]) AND h._source_pos = (SELECT MAX(m._source_pos) FROM [dw].[dim_customer] m WHERE m.customer_id = h.customer_id) UNION ALL SELECT 'staged', s.customer_id, s.name, s.email, s.segment, CASE WHEN s.op IN ('c', 'r') THEN COALESCE(s.created_at, s.changed_at) ELSE s.changed_at END, s.source_pos, s.op FROM [dw].[stg_customer] s WHERE s.source_pos > COALESCE((SELECT MAX(m._source_pos) FROM [dw].[dim_customer] m WHERE m.customer_id = s.customer_id), '')) q) v WHERE v.kind = 'staged' AND v.op <> 'd' AND (v.p_op IS NULL OR v.p_op = 'd' OR NOT (v.name = v.p_name OR (v.name IS NULL AND v.p_name IS NULL)) OR NOT (v.email = v.p_email OR (v.email IS NULL AND v.p_email IS NULL)) OR NOT (v.segment = v.p_segment OR (v.segment IS NULL AND v.p_segment IS NULL)));

UPDATE [dw].[dim_customer] SET valid_to = x.next_from, is_current = CASE WHEN x.next_from IS NULL THEN 1 ELSE 0 END FROM (SELECT customer_sk, LEAD(valid_from) OVER (PARTITION BY customer_id ORDER BY _source_pos) AS next_from FROM [dw].[dim_customer] WHERE customer_id IN (SELECT customer_id FROM [dw].[stg_customer])) x WHERE [dw].[dim_customer].customer_sk = x.customer_sk AND NOT ([dw].[dim_customer].valid_to IS NOT NULL AND [dw].[dim_customer].is_current = 0 AND x.next_from IS NULL);

UPDATE [dw].[dim_customer] SET valid_to = s.changed_at, is_current = 0 FROM (SELECT customer_id, op, changed_at, source_pos, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY source_pos DESC) AS rn FROM [dw].[stg_customer]) s WHERE [dw].[dim_customer].customer_id = s.customer_id AND s.rn = 1 AND [dw].[dim_customer].is_current = 1 AND s.op = 'd' AND s.source_pos > [dw].[dim_customer]._source_pos;

DELETE FROM [dw].[dim_account] WHERE EXISTS (SELECT 1 FROM [dw].[stg_account] s WHERE s.account_id = [dw].[dim_account].account_id AND s.op = 'd' AND s.source_pos > [dw].[dim_account]._source_pos);

UPDATE [dw].[dim_account] SET customer_id = s.customer_id, type = s.type, balance = s.balance, currency = s.currency, status = s.status, updated_at = s.updated_at, _source_pos = s.source_pos FROM [dw].[stg_account] s WHERE [dw].[dim_account].account_id = s.account_id AND s.op <> 'd' AND s.source_pos > [dw].[dim_account]._source_pos;

INSERT INTO [dw].[dim_account] (account_id, customer_id, type, balance, currency, status, updated_at, _source_pos) SELECT s.account_id, s.customer_id, s.type, s.balance, s.currency, s.status, s.updated_at, s.source_pos FROM [dw].[stg_account] s WHERE s.op <> 'd' AND NOT EXISTS (SELECT 1 FROM [dw].[dim_account] d WHERE d.account_id = s.account_id);

DELETE FROM [dw].[agg_payments_daily] WHERE payment_date IN (SELECT CAST(created_at AS DATE) FROM [dw].[stg_payment]) OR payment_date IN (SELECT f.payment_date FROM [dw].[fact_payment] f JOIN [dw].[stg_payment] s ON s.payment_id = f.payment_id);

DELETE FROM [dw].[fact_payment] WHERE EXISTS (SELECT 1 FROM [dw].[stg_payment] s WHERE s.payment_id = [dw].[fact_payment].payment_id AND s.op = 'd' AND s.source_pos > [dw].[fact_payment]._source_pos);

UPDATE [dw].[fact_payment] SET account_id = n.account_id, customer_id = n.customer_id, customer_sk = n.customer_sk, amount = n.amount, currency = n.currency, merchant = n.merchant, status = n.status, created_at = n.created_at, payment_date = n.payment_date, _source_pos = n.source_pos FROM (SELECT s.payment_id, s.account_id, a.customer_id, (SELECT TOP 1 c.customer_sk FROM [dw].[dim_customer] c WHERE c.customer_id = a.customer_id ORDER BY CASE WHEN c.valid_from <= s.created_at THEN 0 ELSE 1 END, CASE WHEN c.valid_from <= s.created_at THEN c.valid_from END DESC, c.valid_from) AS customer_sk, s.amount, s.currency, s.merchant, s.status, s.created_at, CAST(s.created_at AS DATE) AS payment_date, s.source_pos FROM [dw].[stg_payment] s LEFT JOIN [dw].[dim_account] a ON a.account_id = s.account_id WHERE s.op <> 'd') n WHERE [dw].[fact_payment].payment_id = n.payment_id AND n.source_pos > [dw].[fact_payment]._source_pos;

INSERT INTO [dw].[fact_payment] (payment_id, account_id, customer_id, customer_sk, amount, currency, merchant, status, created_at, payment_date, _source_pos) SELECT n.payment_id, n.account_id, n.customer_id, n.customer_sk, n.amount, n.currency, n.merchant, n.status, n.created_at, n.payment_date, n.source_pos FROM (SELECT s.payment_id, s.account_id, a.customer_id, (SELECT TOP 1 c.customer_sk FROM [dw].[dim_customer] c WHERE c.customer_id = a.customer_id ORDER BY CASE WHEN c.valid_from <= s.created_at THEN 0 ELSE 1 END, CASE WHEN c.valid_from <= s.created_at THEN c.valid_from END DESC, c.valid_from) AS customer_sk, s.amount, s.currency, s.merchant, s.status, s.created_at, CAST(s.created_at AS DATE) AS payment_date, s.source_pos FROM [dw].[stg_payment] s LEFT JOIN [dw].[dim_account] a ON a.account_id = s.account_id WHERE s.op <> 'd') n WHERE NOT EXISTS (SELECT 1 FROM [dw].[fact_payment] f WHERE f.payment_id = n.payment_id);

INSERT INTO [dw].[agg_payments_daily] (payment_date, segment, currency, payment_count, amount_sum, amount_avg) SELECT f.payment_date, COALESCE(c.segment, 'unknown'), f.currency, COUNT_BIG(*), SUM(f.amount), ROUND(AVG(f.amount), 2) FROM [dw].[fact_payment] f LEFT JOIN [dw].[dim_customer] c ON c.customer_sk = f.customer_sk WHERE f.payment_date NOT IN (SELECT payment_date FROM [dw].[agg_payments_daily]) AND f.currency IS NOT NULL GROUP BY f.payment_date, COALESCE(c.segment, 'unknown'), f.currency;

SELECT source_table, last_version FROM [dw].[_lakesync_load_state];

MERGE [dw].[_lakesync_load_state] AS t USING (SELECT CAST(? AS NVARCHAR(256)) AS source_table, CAST(? AS BIGINT) AS last_version) AS s ON t.source_table = s.source_table WHEN MATCHED THEN UPDATE SET last_version = s.last_version, loaded_at = SYSUTCDATETIME() WHEN NOT MATCHED THEN INSERT (source_table, last_version, loaded_at) VALUES (s.source_table, s.last_version, SYSUTCDATETIME());
