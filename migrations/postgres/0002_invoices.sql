-- Invoices end to end: lines, gapless numbering, snapshots, credit notes,
-- pay links, and immutability enforced by the database itself.

ALTER TABLE invoices ADD COLUMN sale_date TEXT;
ALTER TABLE invoices ADD COLUMN corrects_invoice_id BIGINT REFERENCES invoices(id);
ALTER TABLE invoices ADD COLUMN deposits BIGINT NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD COLUMN paid_at BIGINT;
ALTER TABLE invoices ADD COLUMN issued_at BIGINT;
ALTER TABLE invoices ADD COLUMN snapshot TEXT;

CREATE TABLE invoice_lines (
    id BIGSERIAL PRIMARY KEY,
    invoice_id BIGINT NOT NULL REFERENCES invoices(id),
    position BIGINT NOT NULL,
    description TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    unit_price_ht BIGINT NOT NULL,
    vat_rate_bp BIGINT NOT NULL CHECK (vat_rate_bp IN (2000, 1000, 550, 210, 0)),
    discount_pct TEXT NOT NULL DEFAULT '0',
    total_ht BIGINT NOT NULL
);
CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id, position);

CREATE TABLE number_series (
    series TEXT PRIMARY KEY,
    last_value BIGINT NOT NULL
);

CREATE TABLE pay_links (
    id BIGSERIAL PRIMARY KEY,
    invoice_id BIGINT NOT NULL REFERENCES invoices(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX pay_links_invoice ON pay_links (invoice_id);

CREATE INDEX invoices_customer_kind_issue ON invoices (customer_id, kind, issue_date DESC, id DESC);
CREATE INDEX invoices_issue ON invoices (issue_date DESC, id DESC);

CREATE FUNCTION quittance_invoice_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'issued invoices are never deleted';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' AND (
        NEW.number IS DISTINCT FROM OLD.number OR NEW.customer_id IS DISTINCT FROM OLD.customer_id
        OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.issue_date IS DISTINCT FROM OLD.issue_date
        OR NEW.due_date IS DISTINCT FROM OLD.due_date OR NEW.sale_date IS DISTINCT FROM OLD.sale_date
        OR NEW.currency IS DISTINCT FROM OLD.currency OR NEW.total_ht IS DISTINCT FROM OLD.total_ht
        OR NEW.total_vat IS DISTINCT FROM OLD.total_vat OR NEW.total_ttc IS DISTINCT FROM OLD.total_ttc
        OR NEW.snapshot IS DISTINCT FROM OLD.snapshot OR NEW.deposits IS DISTINCT FROM OLD.deposits
        OR NEW.corrects_invoice_id IS DISTINCT FROM OLD.corrects_invoice_id OR NEW.status = 'draft') THEN
        RAISE EXCEPTION 'issued invoices are immutable';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER invoices_issued_are_immutable
BEFORE UPDATE OR DELETE ON invoices
FOR EACH ROW EXECUTE FUNCTION quittance_invoice_immutable();

CREATE FUNCTION quittance_lines_frozen() RETURNS trigger AS $$
DECLARE
    s TEXT;
BEGIN
    SELECT status INTO s FROM invoices
    WHERE id = (CASE WHEN TG_OP = 'INSERT' THEN NEW.invoice_id ELSE OLD.invoice_id END);
    IF s IS DISTINCT FROM 'draft' THEN
        RAISE EXCEPTION 'lines of an issued invoice are immutable';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER invoice_lines_frozen
BEFORE INSERT OR UPDATE OR DELETE ON invoice_lines
FOR EACH ROW EXECUTE FUNCTION quittance_lines_frozen();
