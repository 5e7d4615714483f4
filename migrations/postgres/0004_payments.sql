-- Online and offline payments. Provider facts (payments, refunds, chargebacks)
-- are stored keyed by the provider's own ids and merged, so that events applied
-- in any order end in the state of in-order delivery; an invoice's amount_paid
-- is recomputed from them in the transaction that applies each event.

-- Checkout sessions opened with the provider, reused while open for the same amount.
CREATE TABLE checkout_sessions (
    id BIGSERIAL PRIMARY KEY,
    invoice_id BIGINT NOT NULL REFERENCES invoices(id),
    provider TEXT NOT NULL,
    provider_session_id TEXT NOT NULL UNIQUE,
    amount BIGINT NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    url TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'complete', 'expired')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX checkout_sessions_invoice ON checkout_sessions (invoice_id, status);

CREATE TABLE payments (
    id BIGSERIAL PRIMARY KEY,
    invoice_id BIGINT NOT NULL REFERENCES invoices(id),
    provider TEXT NOT NULL,
    method TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('processing', 'failed', 'succeeded')),
    amount BIGINT NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    -- The provider's payment (a Stripe PaymentIntent); NULL for offline payments.
    provider_payment_id TEXT UNIQUE,
    provider_session_id TEXT,
    reference TEXT NOT NULL DEFAULT '',
    failure_reason TEXT,
    received_on TEXT,
    processing_at BIGINT,
    succeeded_at BIGINT,
    failed_at BIGINT,
    -- Set when the payment took the invoice below zero: staff decide what to do.
    overpaid BIGINT NOT NULL DEFAULT 0,
    recorded_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX payments_invoice ON payments (invoice_id, id);

-- Cumulative refunded amount per provider payment (the largest one seen wins).
CREATE TABLE provider_refunds (
    provider_payment_id TEXT PRIMARY KEY,
    amount_refunded BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE chargebacks (
    provider_dispute_id TEXT PRIMARY KEY,
    provider_payment_id TEXT NOT NULL,
    amount BIGINT NOT NULL,
    status TEXT NOT NULL,
    closed BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);
CREATE INDEX chargebacks_payment ON chargebacks (provider_payment_id);

-- Every webhook event applied, once: the unique key is the exactly-once guard.
CREATE TABLE webhook_events (
    event_id TEXT PRIMARY KEY,
    event_type TEXT NOT NULL,
    outcome TEXT NOT NULL,
    received_at BIGINT NOT NULL
);

-- The payment timeline of each invoice (what happened, when, by whom).
CREATE TABLE payment_log (
    id BIGSERIAL PRIMARY KEY,
    invoice_id BIGINT NOT NULL REFERENCES invoices(id),
    payment_id BIGINT REFERENCES payments(id),
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    amount BIGINT,
    detail TEXT NOT NULL DEFAULT '',
    actor BIGINT REFERENCES users(id)
);
CREATE INDEX payment_log_invoice ON payment_log (invoice_id, id);
