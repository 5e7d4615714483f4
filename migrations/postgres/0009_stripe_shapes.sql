-- Payments as Stripe really sends them (API version 2026-10-28).
--
-- Chargebacks: money is taken back only when Stripe withdraws it (a dispute
-- whose balance transactions withdraw funds, or charge.dispute.funds_withdrawn)
-- and given back when it reinstates it (funds_reinstated, or the dispute won).
-- An inquiry (warning_*) takes no money. The merge of every event into these
-- columns is done in Rust (model::payment::ChargebackState); holds_money is its
-- result, read by the ledger's SQL. Existing rows keep the rule they were
-- applied with (money held unless won or warning_closed), so the stored
-- invoice figures stay what their facts say; new events follow the new rule.
ALTER TABLE chargebacks ADD COLUMN reason TEXT NOT NULL DEFAULT '';
-- When the evidence must be in (unix seconds); NULL when none can be given.
ALTER TABLE chargebacks ADD COLUMN due_by BIGINT;
ALTER TABLE chargebacks ADD COLUMN funds_withdrawn BIGINT NOT NULL DEFAULT 0;
ALTER TABLE chargebacks ADD COLUMN funds_reinstated BIGINT NOT NULL DEFAULT 0;
ALTER TABLE chargebacks ADD COLUMN holds_money BIGINT NOT NULL DEFAULT 0;
-- The created time of the event whose status is kept (the latest one wins).
ALTER TABLE chargebacks ADD COLUMN status_at BIGINT NOT NULL DEFAULT 0;
UPDATE chargebacks SET holds_money = CASE WHEN status IN ('won', 'warning_closed') THEN 0 ELSE 1 END,
    funds_withdrawn = CASE WHEN status IN ('won', 'warning_closed') THEN 0 ELSE 1 END;

-- Each refund by its own id with its status: a failed or canceled refund
-- gives the money back, whatever order its events arrive in.
CREATE TABLE refunds (
    provider_refund_id TEXT PRIMARY KEY,
    provider_payment_id TEXT NOT NULL,
    amount BIGINT NOT NULL CHECK (amount >= 0),
    status TEXT NOT NULL CHECK (status IN ('requires_action', 'pending', 'succeeded', 'failed', 'canceled')),
    failure_reason TEXT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX refunds_payment ON refunds (provider_payment_id);

-- provider_refunds keeps the largest cumulative amount_refunded a charge event
-- showed; counted is what the ledger takes off the payment: the refunds that
-- hold money, plus whatever of that cumulative amount no known refund explains.
ALTER TABLE provider_refunds ADD COLUMN counted BIGINT NOT NULL DEFAULT 0;
UPDATE provider_refunds SET counted = amount_refunded;

-- The payment method a charge says was used, kept by payment intent until
-- (and after) its payment arrives; a settled charge's method beats a pending
-- one's (a failed SEPA debit retried by card is a card payment).
CREATE TABLE provider_charges (
    provider_payment_id TEXT PRIMARY KEY,
    method TEXT NOT NULL,
    settled BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);
