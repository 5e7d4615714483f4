-- Online and offline payments. Provider facts (payments, refunds, chargebacks)
-- are stored keyed by the provider's own ids and merged, so that events applied
-- in any order end in the state of in-order delivery; an invoice's amount_paid
-- is recomputed from them in the transaction that applies each event.

-- Checkout sessions opened with the provider, reused while open for the same amount.
CREATE TABLE checkout_sessions (
    id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    provider TEXT NOT NULL,
    provider_session_id TEXT NOT NULL UNIQUE,
    amount INTEGER NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    url TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'complete', 'expired')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX checkout_sessions_invoice ON checkout_sessions (invoice_id, status);

CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    provider TEXT NOT NULL,
    method TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('processing', 'failed', 'succeeded')),
    amount INTEGER NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    -- The provider's payment (a Stripe PaymentIntent); NULL for offline payments.
    provider_payment_id TEXT UNIQUE,
    provider_session_id TEXT,
    reference TEXT NOT NULL DEFAULT '',
    failure_reason TEXT,
    received_on TEXT,
    processing_at INTEGER,
    succeeded_at INTEGER,
    failed_at INTEGER,
    -- Set when the payment took the invoice below zero: staff decide what to do.
    overpaid INTEGER NOT NULL DEFAULT 0,
    recorded_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX payments_invoice ON payments (invoice_id, id);

-- Cumulative refunded amount per provider payment (the largest one seen wins).
CREATE TABLE provider_refunds (
    provider_payment_id TEXT PRIMARY KEY,
    amount_refunded INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE chargebacks (
    provider_dispute_id TEXT PRIMARY KEY,
    provider_payment_id TEXT NOT NULL,
    amount INTEGER NOT NULL,
    status TEXT NOT NULL,
    closed INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
);
CREATE INDEX chargebacks_payment ON chargebacks (provider_payment_id);

-- Every webhook event applied, once: the unique key is the exactly-once guard.
CREATE TABLE webhook_events (
    event_id TEXT PRIMARY KEY,
    event_type TEXT NOT NULL,
    outcome TEXT NOT NULL,
    received_at INTEGER NOT NULL
);

-- The payment timeline of each invoice (what happened, when, by whom).
CREATE TABLE payment_log (
    id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    payment_id INTEGER REFERENCES payments(id),
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    amount INTEGER,
    detail TEXT NOT NULL DEFAULT '',
    actor INTEGER REFERENCES users(id)
);
CREATE INDEX payment_log_invoice ON payment_log (invoice_id, id);
