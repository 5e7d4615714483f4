-- Provider payments that no invoice may take: none named, an unknown one, a
-- draft, a credit note, a cancelled (fully credited) invoice, or another
-- currency than the invoice's. They are kept here for staff to see and settle
-- with the provider (a refund), one row per provider payment, its state merged
-- like a payment's; they never count in any invoice's money state and get no
-- receipt.
CREATE TABLE unmatched_payments (
    id BIGSERIAL PRIMARY KEY,
    provider TEXT NOT NULL,
    -- The provider's payment (a Stripe PaymentIntent).
    provider_payment_id TEXT NOT NULL UNIQUE,
    provider_session_id TEXT,
    -- The invoice id its metadata or session named, if any (it may not exist).
    named_invoice_id BIGINT,
    -- Why it was not applied: no_invoice, unknown_invoice, draft, credit_note,
    -- cancelled or currency.
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('processing', 'failed', 'succeeded')),
    method TEXT NOT NULL,
    amount BIGINT NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX unmatched_payments_recent ON unmatched_payments (updated_at, id);
CREATE INDEX unmatched_payments_invoice ON unmatched_payments (named_invoice_id);
