-- One payment over several invoices of one customer (a statement payment).
--
-- A group checkout is the session the customer was sent to, with the
-- invoices it was opened for, in allocation order (oldest due first) and the
-- amounts previewed. When the provider's payment arrives, its amount is
-- applied once to those invoices in that order, each up to what it can take
-- then (model::allocation::apply_received): one `payments` row per invoice
-- it reaches (a part: group_id and group_position set, no provider id of its
-- own), so the ledger counts each part like any payment of its invoice. The
-- provider payment itself is the payment group, keyed by its provider id;
-- refunds and chargebacks of it are kept by that id as for any payment and
-- taken off the parts in reverse order (model::allocation::claw_back), into
-- each part's part_refunded and part_charged_back, which the ledger subtracts.
CREATE TABLE group_checkouts (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    provider TEXT NOT NULL,
    -- Set once the provider answered: the row comes first, its id goes in the
    -- session's metadata (NULL after a provider call that failed: expired).
    provider_session_id TEXT UNIQUE,
    amount INTEGER NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'complete', 'expired')),
    -- The invoices and amounts, as text, so the same request reuses the open session.
    plan_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX group_checkouts_customer ON group_checkouts (customer_id, status);

CREATE TABLE group_checkout_items (
    checkout_id INTEGER NOT NULL REFERENCES group_checkouts(id),
    position INTEGER NOT NULL,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    amount INTEGER NOT NULL CHECK (amount > 0),
    PRIMARY KEY (checkout_id, position)
);
CREATE INDEX group_checkout_items_invoice ON group_checkout_items (invoice_id);

CREATE TABLE payment_groups (
    id INTEGER PRIMARY KEY,
    checkout_id INTEGER NOT NULL UNIQUE REFERENCES group_checkouts(id),
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    provider TEXT NOT NULL,
    provider_payment_id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('processing', 'failed', 'succeeded')),
    method TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    failure_reason TEXT,
    succeeded_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

ALTER TABLE payments ADD COLUMN group_id INTEGER REFERENCES payment_groups(id);
ALTER TABLE payments ADD COLUMN group_position INTEGER;
ALTER TABLE payments ADD COLUMN part_refunded INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN part_charged_back INTEGER NOT NULL DEFAULT 0;
CREATE INDEX payments_group ON payments (group_id, group_position);
