//! Accounting exports for staff: invoices, credit notes and payments as CSV,
//! and the FEC. Each export is written by a task of its own, row by row as
//! the database streams them, into chunks of about [`CHUNK`] bytes sent over
//! a small bounded channel: memory stays flat whatever the range, and a
//! client that goes away stops the task at its next chunk.
use crate::error::AppError;
use crate::model::dashboard::{self as dash, RangeIssue};
use crate::model::export::{
    self as ex, AccountingSettings, BankKind, BankMove, CsvKind, CsvStyle, PaymentRow, SaleDoc,
};
use crate::model::lang::Lang;
use crate::model::user::SessionUser;
use crate::server::db::exports::{self as db, GivenBack, PaymentFact, SaleLine, Span};
use crate::server::db::{Db, now_ts};
use chrono::{NaiveDate, TimeDelta};
use futures::stream::{BoxStream, StreamExt};
use sqlx::AnyPool;
use tokio::sync::mpsc;

/// About how many bytes each chunk of the body holds.
pub const CHUNK: usize = 64 * 1024;

/// Chunks in flight between the writing task and the HTTP body.
const IN_FLIGHT: usize = 4;

/// A file being written: its name, type and body chunks. A database error
/// midway ends the body with an error (the download is cut, never silently short).
pub struct ExportFile {
    pub name: String,
    pub content_type: &'static str,
    pub body: BoxStream<'static, Result<Vec<u8>, std::io::Error>>,
}

/// The range typed (empty: the last 12 months, as on the dashboard), both
/// days included; backwards or over 10 years is refused.
pub fn range(
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), RangeIssue> {
    dash::parse_range(from, to, today)
}

/// The range as the queries compare it; instants are UTC midnights.
pub fn span(from: NaiveDate, to: NaiveDate) -> Span {
    let midnight = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .map_or(0, |t| t.and_utc().timestamp())
    };
    Span {
        from: ex::iso_date(from),
        to: ex::iso_date(to),
        start: midnight(from),
        end: midnight(to + TimeDelta::days(1)),
    }
}

fn staff_only(user: &SessionUser) -> Result<(), AppError> {
    if user.role.is_staff() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Where a writing task puts its bytes.
struct Out {
    tx: mpsc::Sender<Result<Vec<u8>, std::io::Error>>,
}

impl Out {
    /// Sends a chunk; `false` when the reader went away.
    async fn send(&self, chunk: Vec<u8>) -> bool {
        chunk.is_empty() || self.tx.send(Ok(chunk)).await.is_ok()
    }

    async fn fail(&self, what: &str, e: impl std::fmt::Display) {
        tracing::error!(error = %e, "export {what} interrupted");
        let _ = self
            .tx
            .send(Err(std::io::Error::other("export interrupted")))
            .await;
    }
}

/// Runs `write` in a task of its own and returns the chunks it sends.
fn spawn_body<F, Fut>(write: F) -> BoxStream<'static, Result<Vec<u8>, std::io::Error>>
where
    F: FnOnce(Out) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = mpsc::channel(IN_FLIGHT);
    tokio::spawn(write(Out { tx }));
    futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) }).boxed()
}

/// A CSV export of the range in `lang` (staff only).
pub fn csv(
    db: &Db,
    user: &SessionUser,
    kind: CsvKind,
    (from, to): (NaiveDate, NaiveDate),
    lang: Lang,
) -> Result<ExportFile, AppError> {
    staff_only(user)?;
    let pool = db.pool.clone();
    let span = span(from, to);
    let body = spawn_body(move |out| write_csv(pool, span, kind, lang, out));
    Ok(ExportFile {
        name: kind.file_name(from, to),
        content_type: "text/csv; charset=utf-8",
        body,
    })
}

fn csv_writer(style: CsvStyle) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(style.delimiter)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(CHUNK + 1024))
}

/// Writes records into chunks, one CSV writer per chunk.
struct CsvChunks {
    style: CsvStyle,
    w: csv::Writer<Vec<u8>>,
}

impl CsvChunks {
    fn new(style: CsvStyle) -> CsvChunks {
        CsvChunks {
            style,
            w: csv_writer(style),
        }
    }

    fn write(&mut self, record: &[String]) -> Result<(), csv::Error> {
        self.w.write_record(record)
    }

    /// The bytes written so far when there are enough of them (or `all`).
    fn take(&mut self, all: bool) -> Result<Option<Vec<u8>>, csv::Error> {
        if !all && self.w.get_ref().len() < CHUNK {
            return Ok(None);
        }
        let full = std::mem::replace(&mut self.w, csv_writer(self.style));
        full.into_inner()
            .map(Some)
            .map_err(|e| csv::Error::from(e.into_error()))
    }
}

async fn write_csv(pool: AnyPool, span: Span, kind: CsvKind, lang: Lang, out: Out) {
    let style = CsvStyle::of(lang);
    let mut chunks = CsvChunks::new(style);
    let mut first = if style.bom {
        ex::BOM.to_vec()
    } else {
        Vec::new()
    };
    let header: Vec<String> = kind.headers(lang).iter().map(|h| h.to_string()).collect();
    if let Err(e) = chunks.write(&header) {
        return out.fail("csv", e).await;
    }
    let mut rows: BoxStream<'_, Result<Vec<String>, sqlx::Error>> = match kind {
        CsvKind::Invoices => db::invoices(&pool, &span)
            .map(|r| r.map(|i| i.record(style, lang)))
            .boxed(),
        CsvKind::CreditNotes => db::credit_notes(&pool, &span)
            .map(|r| r.map(|c| c.record(style)))
            .boxed(),
        CsvKind::Payments => db::payments(&pool, &span)
            .map(|r| r.map(|p| payment_row(p, lang).record(style)))
            .boxed(),
    };
    while let Some(row) = rows.next().await {
        let record = match row {
            Ok(r) => r,
            Err(e) => return out.fail("csv", e).await,
        };
        if let Err(e) = chunks.write(&record) {
            return out.fail("csv", e).await;
        }
        match chunks.take(false) {
            Ok(Some(mut c)) => {
                if !first.is_empty() {
                    first.append(&mut c);
                    c = std::mem::take(&mut first);
                }
                if !out.send(c).await {
                    return;
                }
            }
            Ok(None) => {}
            Err(e) => return out.fail("csv", e).await,
        }
    }
    match chunks.take(true) {
        Ok(Some(c)) => {
            first.extend(c);
            out.send(first).await;
        }
        Ok(None) => {}
        Err(e) => out.fail("csv", e).await,
    }
}

/// The day (UTC) of an instant.
fn day_of(ts: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| d.date_naive())
        .unwrap_or_default()
}

/// The day a payment was received: typed by staff for an offline one, else
/// the day the provider confirmed it.
fn received_day(p: &PaymentFact) -> NaiveDate {
    p.received_on
        .as_deref()
        .and_then(crate::model::format::parse_iso_date)
        .unwrap_or_else(|| day_of(p.succeeded_at))
}

fn payment_row(p: PaymentFact, lang: Lang) -> PaymentRow {
    PaymentRow {
        date: received_day(&p),
        method: ex::method_word(&p.method, lang).to_string(),
        invoice: p.invoice,
        customer: p.customer,
        reference: p.reference,
        amount: p.amount,
        refunded: p.refunded,
        charged_back: p.charged_back,
        currency: p.currency,
        provider: p.provider,
    }
}

/// The FEC of the range (staff only), named after the company's SIREN.
pub async fn fec(
    db: &Db,
    user: &SessionUser,
    (from, to): (NaiveDate, NaiveDate),
) -> Result<ExportFile, AppError> {
    staff_only(user)?;
    let settings = db::settings(&db.pool).await?;
    let (seller, _, _) = crate::server::db::company::load(&db.pool).await?;
    let pool = db.pool.clone();
    let span = span(from, to);
    let body = spawn_body(move |out| write_fec(pool, span, settings, out));
    Ok(ExportFile {
        name: ex::fec_file_name(&seller.siren, to),
        content_type: "text/plain; charset=iso-8859-15",
        body,
    })
}

/// Accumulates FEC lines into chunks (ISO 8859-15, CRLF).
struct FecChunks {
    buf: Vec<u8>,
    num: u64,
}

impl FecChunks {
    fn push_entry(&mut self, lines: &[ex::FecLine]) {
        if lines.is_empty() {
            return;
        }
        for l in lines {
            self.buf.extend(ex::latin9(&l.to_line()));
            self.buf.extend_from_slice(b"\r\n");
        }
        self.num += 1;
    }

    fn take(&mut self, all: bool) -> Option<Vec<u8>> {
        (all || self.buf.len() >= CHUNK)
            .then(|| std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK + 4096)))
    }
}

async fn write_fec(pool: AnyPool, span: Span, settings: AccountingSettings, out: Out) {
    let mut chunks = FecChunks {
        buf: Vec::with_capacity(CHUNK + 4096),
        num: 1,
    };
    chunks.buf.extend(ex::latin9(&ex::fec_header()));
    chunks.buf.extend_from_slice(b"\r\n");
    if let Err(e) = write_sales(&pool, &span, &settings, &mut chunks, &out).await {
        return e.report(&out).await;
    }
    if let Err(e) = write_bank(&pool, &span, &settings, &mut chunks, &out).await {
        return e.report(&out).await;
    }
    if let Some(c) = chunks.take(true) {
        out.send(c).await;
    }
}

/// Why a FEC task stopped early.
enum Stop {
    Gone,
    Db(sqlx::Error),
}

impl Stop {
    async fn report(self, out: &Out) {
        if let Stop::Db(e) = self {
            out.fail("fec", e).await;
        }
    }
}

async fn flush(chunks: &mut FecChunks, out: &Out) -> Result<(), Stop> {
    if let Some(c) = chunks.take(false)
        && !out.send(c).await
    {
        return Err(Stop::Gone);
    }
    Ok(())
}

/// The sales journal: the lines of each document arrive together and make one entry.
async fn write_sales(
    pool: &AnyPool,
    span: &Span,
    s: &AccountingSettings,
    chunks: &mut FecChunks,
    out: &Out,
) -> Result<(), Stop> {
    let mut rows = db::sale_lines(pool, span);
    let mut doc: Vec<SaleLine> = Vec::new();
    while let Some(row) = rows.next().await {
        let line = row.map_err(Stop::Db)?;
        if doc.first().is_some_and(|d| d.id != line.id) {
            let entry = ex::sale_entry(s, &sale_doc(&doc), chunks.num);
            chunks.push_entry(&entry);
            doc.clear();
            flush(chunks, out).await?;
        }
        doc.push(line);
    }
    if !doc.is_empty() {
        let entry = ex::sale_entry(s, &sale_doc(&doc), chunks.num);
        chunks.push_entry(&entry);
    }
    Ok(())
}

/// A document from its lines: VAT per rate as the invoice computed it
/// (`vat::compute_totals`); the stored totals win if they disagree (logged).
fn sale_doc(lines: &[SaleLine]) -> SaleDoc {
    use crate::model::vat::{LineAmounts, RateTotal, VatRate, compute_totals};
    use rust_decimal::Decimal;
    let head = &lines[0];
    let amounts: Option<Vec<LineAmounts>> = lines
        .iter()
        .filter(|l| l.vat_rate_bp.is_some())
        .map(|l| {
            Some(LineAmounts {
                quantity: l.quantity.as_deref()?.parse::<Decimal>().ok()?,
                unit_price_ht: l.unit_price_ht?,
                vat_rate: VatRate::from_basis_points(l.vat_rate_bp?)?,
                discount_pct: l.discount_pct.as_deref()?.parse::<Decimal>().ok()?,
            })
        })
        .collect();
    let totals = amounts.map(|a| compute_totals(&a));
    let per_rate = match totals {
        Some(t) if t.total_ht == head.total_ht && t.total_vat == head.total_vat => t.per_rate,
        _ => {
            tracing::warn!(
                number = %head.number,
                "export: line totals differ from the stored ones; VAT posted at the standard rate"
            );
            vec![RateTotal {
                rate: VatRate::Standard20,
                base_ht: head.total_ht,
                vat: head.total_vat,
            }]
        }
    };
    SaleDoc {
        credit_note: head.kind == "credit_note",
        number: head.number.clone(),
        date: crate::model::format::parse_iso_date(&head.issue_date).unwrap_or_default(),
        customer_id: head.customer_id,
        customer: head.customer.clone(),
        currency: head.currency.clone(),
        total_ht: head.total_ht,
        total_ttc: head.total_ttc,
        per_rate,
    }
}

fn payment_move(p: &PaymentFact) -> BankMove {
    let date = received_day(p);
    BankMove {
        kind: BankKind::Payment,
        date,
        valid_date: day_of(p.succeeded_at).max(date),
        invoice: p.invoice.clone(),
        reference: p.reference.clone(),
        customer_id: p.customer_id,
        customer: p.customer.clone(),
        amount: p.amount,
        currency: p.currency.clone(),
    }
}

fn given_back_move(g: &GivenBack) -> BankMove {
    let date = day_of(g.at);
    BankMove {
        kind: if g.kind == "chargeback" {
            BankKind::Chargeback
        } else {
            BankKind::Refund
        },
        date,
        valid_date: date,
        invoice: g.invoice.clone(),
        reference: g.reference.clone(),
        customer_id: g.customer_id,
        customer: g.customer.clone(),
        amount: g.amount,
        currency: g.currency.clone(),
    }
}

/// The bank journal: payments received and money given back (refunds at
/// their last change, chargebacks when they took the money), merged in time order.
async fn write_bank(
    pool: &AnyPool,
    span: &Span,
    s: &AccountingSettings,
    chunks: &mut FecChunks,
    out: &Out,
) -> Result<(), Stop> {
    let mut paid = db::payments(pool, span);
    let mut back = db::given_back_in(pool, span);
    let mut next_paid = paid.next().await.transpose().map_err(Stop::Db)?;
    let mut next_back = back.next().await.transpose().map_err(Stop::Db)?;
    loop {
        let take_paid = match (&next_paid, &next_back) {
            (None, None) => return Ok(()),
            (Some(p), Some(g)) => p.succeeded_at <= g.at,
            (p, _) => p.is_some(),
        };
        let m = if take_paid {
            let m = next_paid.as_ref().map(payment_move);
            next_paid = paid.next().await.transpose().map_err(Stop::Db)?;
            m
        } else {
            let m = next_back.as_ref().map(given_back_move);
            next_back = back.next().await.transpose().map_err(Stop::Db)?;
            m
        };
        if let Some(m) = m {
            let entry = ex::bank_entry(s, &m, chunks.num);
            chunks.push_entry(&entry);
            flush(chunks, out).await?;
        }
    }
}

/// The accounting settings as stored.
pub async fn settings(db: &Db) -> Result<AccountingSettings, AppError> {
    Ok(db::settings(&db.pool).await?)
}

/// Saves the accounting settings (admins); a refusal names each field.
pub async fn save_settings(
    db: &Db,
    user: &SessionUser,
    input: AccountingSettings,
) -> Result<(), AppError> {
    if !user.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let valid = input.validated().map_err(AppError::Validation)?;
    let mut tx = db.begin_write().await?;
    db::save_settings(&mut tx, &valid, user.id, now_ts()).await?;
    crate::server::db::audit::record_in(&mut tx, Some(user.id), "accounting_settings_saved", "")
        .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_s_instants_are_its_first_and_next_to_last_utc_midnights() {
        let d = |s| crate::model::format::parse_iso_date(s).expect("date");
        let s = span(d("2026-03-01"), d("2026-03-31"));
        assert_eq!(
            (s.from.as_str(), s.to.as_str()),
            ("2026-03-01", "2026-03-31")
        );
        assert_eq!(s.end - s.start, 31 * 86_400);
        assert_eq!(day_of(s.end - 1), d("2026-03-31"));
    }

    #[test]
    fn names_with_the_separator_or_quotes_are_quoted_in_the_french_file() {
        let mut c = CsvChunks::new(CsvStyle::of(Lang::Fr));
        c.write(&[
            "Dupont; Fils".into(),
            "Le \"Bon\" Coin".into(),
            "12,50".into(),
        ])
        .expect("write");
        let out = c.take(true).expect("flush").expect("bytes");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "\"Dupont; Fils\";\"Le \"\"Bon\"\" Coin\";12,50\r\n"
        );
    }
}
