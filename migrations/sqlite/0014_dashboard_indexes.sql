-- The staff dashboard at scale (benches/dashboard.rs: 1,000,000 invoices).
-- Each index matches one query of server/db/dashboard.rs and holds every
-- column it reads, so the figures come from index ranges, never a table scan.
-- Partial indexes repeat the queries' WHERE terms word for word (SQLite uses
-- a partial index only when the query's WHERE contains its terms).

-- Open balances (ageing buckets, overdue customers): only the open invoices,
-- by due date.
CREATE INDEX invoices_dashboard_open ON invoices
    (due_date, customer_id, total_ttc, deposits, amount_paid, amount_credited)
    WHERE kind = 'invoice' AND status IN ('issued', 'partially_paid', 'disputed');

-- Sales by issue date (DSO).
CREATE INDEX invoices_dashboard_sales ON invoices (issue_date, total_ttc)
    WHERE kind = 'invoice' AND status <> 'draft';

-- Cash received by instant (chart, paid in the range).
CREATE INDEX payments_dashboard_cash ON payments (succeeded_at, amount)
    WHERE status = 'succeeded';

-- Money given back by instant (refunds counted by the ledger, chargebacks
-- that hold money).
CREATE INDEX provider_refunds_dashboard ON provider_refunds (updated_at, provider_payment_id, counted);
CREATE INDEX chargebacks_dashboard ON chargebacks (updated_at, provider_payment_id, amount)
    WHERE holds_money = 1;

-- Disputes: not closed (amount, ages), opened and closed in the range.
CREATE INDEX disputes_dashboard_open ON disputes (created_at, disputed_amount)
    WHERE status IN ('open', 'in_review', 'waiting_for_customer');
CREATE INDEX disputes_dashboard_opened ON disputes (created_at, status);
CREATE INDEX disputes_dashboard_closed ON disputes (resolved_at, resolution_kind, created_at)
    WHERE resolved_at IS NOT NULL;
