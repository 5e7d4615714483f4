-- Invoices end to end: lines, gapless numbering, snapshots, credit notes,
-- pay links, and immutability enforced by the database itself.

ALTER TABLE invoices ADD COLUMN sale_date TEXT;
ALTER TABLE invoices ADD COLUMN corrects_invoice_id INTEGER REFERENCES invoices(id);
ALTER TABLE invoices ADD COLUMN deposits INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD COLUMN paid_at INTEGER;
ALTER TABLE invoices ADD COLUMN issued_at INTEGER;
-- Seller, buyer and terms as they were when the invoice was issued (JSON).
ALTER TABLE invoices ADD COLUMN snapshot TEXT;

CREATE TABLE invoice_lines (
    id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    position INTEGER NOT NULL,
    description TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    unit_price_ht INTEGER NOT NULL,
    vat_rate_bp INTEGER NOT NULL CHECK (vat_rate_bp IN (2000, 1000, 550, 210, 0)),
    discount_pct TEXT NOT NULL DEFAULT '0',
    total_ht INTEGER NOT NULL
);
CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id, position);

-- One row per numbering series (F-2026, AV-2026): the last number given.
CREATE TABLE number_series (
    series TEXT PRIMARY KEY,
    last_value INTEGER NOT NULL
);

CREATE TABLE pay_links (
    id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX pay_links_invoice ON pay_links (invoice_id);

CREATE INDEX invoices_customer_kind_issue ON invoices (customer_id, kind, issue_date DESC, id DESC);
CREATE INDEX invoices_issue ON invoices (issue_date DESC, id DESC);

-- An issued invoice (or credit note) keeps its number, dates, parties, amounts
-- and lines forever. Only its settlement (payments, credits, status) moves.
CREATE TRIGGER invoices_issued_are_immutable
BEFORE UPDATE ON invoices
WHEN OLD.status <> 'draft' AND (
    NEW.number IS NOT OLD.number OR NEW.customer_id IS NOT OLD.customer_id OR NEW.kind IS NOT OLD.kind
    OR NEW.issue_date IS NOT OLD.issue_date OR NEW.due_date IS NOT OLD.due_date OR NEW.sale_date IS NOT OLD.sale_date
    OR NEW.currency IS NOT OLD.currency OR NEW.total_ht IS NOT OLD.total_ht OR NEW.total_vat IS NOT OLD.total_vat
    OR NEW.total_ttc IS NOT OLD.total_ttc OR NEW.snapshot IS NOT OLD.snapshot OR NEW.deposits IS NOT OLD.deposits
    OR NEW.corrects_invoice_id IS NOT OLD.corrects_invoice_id OR NEW.status = 'draft')
BEGIN
    SELECT RAISE(ABORT, 'issued invoices are immutable');
END;

CREATE TRIGGER invoices_issued_are_never_deleted
BEFORE DELETE ON invoices
WHEN OLD.status <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'issued invoices are never deleted');
END;

CREATE TRIGGER invoice_lines_frozen_on_insert
BEFORE INSERT ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = NEW.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'lines of an issued invoice are immutable');
END;

CREATE TRIGGER invoice_lines_frozen_on_update
BEFORE UPDATE ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'lines of an issued invoice are immutable');
END;

CREATE TRIGGER invoice_lines_frozen_on_delete
BEFORE DELETE ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'lines of an issued invoice are immutable');
END;
