-- The demo bank of shared/DESIGN.md section 4. No CHECK constraints on purpose: rule-breaking rows
-- (negative amounts, unknown currencies, bad emails) must reach the pipeline so that quarantine has work.
CREATE SCHEMA IF NOT EXISTS bank;

CREATE TABLE IF NOT EXISTS bank.customers (
  id          bigint PRIMARY KEY,
  name        text        NOT NULL,
  email       text        NOT NULL,
  segment     text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS bank.accounts (
  id           bigint PRIMARY KEY,
  customer_id  bigint         NOT NULL REFERENCES bank.customers (id),
  type         text           NOT NULL,
  balance      numeric(14, 2) NOT NULL,
  currency     char(3)        NOT NULL,
  status       text           NOT NULL,
  updated_at   timestamptz    NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS accounts_customer_id ON bank.accounts (customer_id);

CREATE TABLE IF NOT EXISTS bank.payments (
  id          bigint PRIMARY KEY,
  account_id  bigint         NOT NULL REFERENCES bank.accounts (id),
  amount      numeric(14, 2) NOT NULL,
  currency    char(3)        NOT NULL,
  merchant    text           NOT NULL,
  status      text           NOT NULL,
  created_at  timestamptz    NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS payments_account_id ON bank.payments (account_id);
