//! A customer statement as of a date: the open items with their ageing, the
//! credits not yet used, totals per ageing bucket and the total due. Pure
//! shape and rules; the server reads the facts (`server::db::statements`).
//!
//! What counts, as of the date D: issued invoices dated on or before D;
//! payments received on or before D (their date: the day typed for an
//! offline payment, else the day it succeeded), net of what the provider has
//! refunded or charged back on them today (refunds carry no date we could
//! replay); issued credit notes dated on or before D; disputes opened on or
//! before D and not closed by then. Credit notes are netted in their
//! invoice's balance; an invoice whose balance is below zero (overpaid, or
//! credited beyond what was owed) is money the customer has in credit.
use crate::model::dashboard::AgeBucket;
use crate::model::document::{Buyer, Seller};
use crate::model::invoice::balance;
use crate::model::redirect::path_segment;
use crate::model::statement_access::StatementAccess;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What the database gives for one issued invoice of the customer, as of the date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemFacts {
    pub invoice_id: i64,
    pub number: String,
    /// `YYYY-MM-DD`.
    pub issue_date: String,
    /// `YYYY-MM-DD`; `None` counts as not due.
    pub due_date: Option<String>,
    pub total_ttc: i64,
    /// Deposits (acomptes) already deducted on the invoice.
    pub deposits: i64,
    /// Payments received by the date, net of refunds and chargebacks.
    pub paid: i64,
    /// Credit notes issued by the date.
    pub credited: i64,
    /// Amount of the disputes open on the date.
    pub disputed: i64,
}

/// One open item (an invoice with a balance above zero).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenItem {
    pub invoice_id: i64,
    pub number: String,
    pub issue_date: String,
    pub due_date: Option<String>,
    pub total_ttc: i64,
    /// Deposits plus payments.
    pub paid: i64,
    pub credited: i64,
    pub balance: i64,
    /// The part of the balance in an open dispute.
    pub in_dispute: i64,
    /// Days past the due date (0 or less: not due yet).
    pub days_past_due: i64,
    pub bucket: AgeBucket,
}

/// Money the customer has in credit: an invoice whose balance is below zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditItem {
    pub invoice_id: i64,
    pub number: String,
    pub issue_date: String,
    /// Above zero: what the customer has in credit on it.
    pub amount: i64,
}

/// The open balance in one ageing bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketTotal {
    pub bucket: AgeBucket,
    pub amount: i64,
    pub count: i64,
}

/// The figures of a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// Oldest due first.
    pub items: Vec<OpenItem>,
    pub credits: Vec<CreditItem>,
    /// One per bucket, in the order of [`AgeBucket::ALL`].
    pub buckets: Vec<BucketTotal>,
    /// Sum of the open items' balances.
    pub total_open: i64,
    /// Sum of the unused credits.
    pub total_credits: i64,
    /// `total_open - total_credits` (below zero: the customer is in credit).
    pub total_due: i64,
    /// Sum of the open items' amounts in dispute.
    pub total_in_dispute: i64,
}

/// Why a typed as-of date was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AsOfProblem {
    /// Not a `YYYY-MM-DD` date.
    InvalidDate,
    /// After today.
    InFuture,
    /// Before the customer's first invoice.
    BeforeFirstInvoice,
}

/// A statement page: the parties, the date form and, when the date is
/// good, the figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementView {
    pub seller: Seller,
    pub customer: Buyer,
    pub currency: String,
    /// The date as typed (or the default), kept in the form.
    pub as_of: String,
    pub problem: Option<AsOfProblem>,
    /// `None` when the date was refused.
    pub figures: Option<Figures>,
}

/// Where a statement link stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkStatus {
    Live,
    Revoked,
    Expired,
}

/// A statement link as staff see it on the customer page (never its token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkRow {
    pub id: i64,
    /// The staff member who emailed it.
    pub created_by: String,
    /// Unix seconds.
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub status: LinkStatus,
}

/// The status of a link at `now`: revoked wins over expired.
pub fn link_status(expires_at: i64, revoked_at: Option<i64>, now: i64) -> LinkStatus {
    if revoked_at.is_some() {
        LinkStatus::Revoked
    } else if now >= expires_at {
        LinkStatus::Expired
    } else {
        LinkStatus::Live
    }
}

/// The statement settings as the admin form shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsView {
    pub on_pay_link: bool,
    /// As typed (or as saved).
    pub link_days: String,
}

/// The longest a statement link may work, in days.
pub const MAX_LINK_DAYS: i64 = 365;

/// The typed number of days a link works: a whole number from 1 to 365.
pub fn parse_link_days(typed: &str) -> Result<i64, crate::model::validate::FieldProblem> {
    use crate::model::validate::FieldProblem;
    let t = typed.trim();
    if t.is_empty() {
        return Err(FieldProblem::Required);
    }
    let n: i64 = t.parse().map_err(|_| FieldProblem::NotANumber)?;
    if (1..=MAX_LINK_DAYS).contains(&n) {
        Ok(n)
    } else {
        Err(FieldProblem::OutOfRange)
    }
}

/// What a statement page shows: the statement, or that its link ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatementAnswer {
    Shown(Box<StatementView>),
    /// A statement link that was revoked or has expired.
    LinkEnded,
}

/// The PDF of a statement page's way in, as of a date (`YYYY-MM-DD`).
pub fn pdf_path(access: &StatementAccess, as_of: &str) -> String {
    let base = match access {
        StatementAccess::Account => "/statement.pdf".to_string(),
        StatementAccess::Link(t) => format!("/statements/{}/pdf", path_segment(t)),
        StatementAccess::PayLink(t) => format!("/pay/{}/statement.pdf", path_segment(t)),
    };
    if as_of.is_empty() {
        base
    } else {
        let q: String = form_urlencoded::byte_serialize(as_of.as_bytes()).collect();
        format!("{base}?as_of={q}")
    }
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// The as-of date typed (empty or absent: today). A date after today, or
/// before the customer's first invoice (when there is one), is refused.
pub fn parse_as_of(
    typed: Option<&str>,
    today: NaiveDate,
    first_issue: Option<NaiveDate>,
) -> Result<NaiveDate, AsOfProblem> {
    let typed = typed.map(str::trim).filter(|s| !s.is_empty());
    let date = match typed {
        None => return Ok(today),
        Some(s) => parse_date(s).ok_or(AsOfProblem::InvalidDate)?,
    };
    if date > today {
        return Err(AsOfProblem::InFuture);
    }
    if first_issue.is_some_and(|first| date < first) {
        return Err(AsOfProblem::BeforeFirstInvoice);
    }
    Ok(date)
}

/// Days from the due date to `as_of` (no due date: 0, not due).
pub fn days_past_due(due_date: Option<&str>, as_of: NaiveDate) -> i64 {
    due_date
        .and_then(parse_date)
        .map_or(0, |due| (as_of - due).num_days())
}

/// The statement's figures from the facts of each invoice, as of `as_of`.
pub fn build(as_of: NaiveDate, facts: Vec<ItemFacts>) -> Figures {
    let mut items = Vec::new();
    let mut credits = Vec::new();
    for f in facts {
        let b = balance(f.total_ttc, f.deposits, f.paid, f.credited);
        if b > 0 {
            let days = days_past_due(f.due_date.as_deref(), as_of);
            items.push(OpenItem {
                in_dispute: f.disputed.clamp(0, b),
                paid: f.deposits.saturating_add(f.paid),
                bucket: AgeBucket::of_days_past_due(days),
                days_past_due: days,
                balance: b,
                invoice_id: f.invoice_id,
                number: f.number,
                issue_date: f.issue_date,
                due_date: f.due_date,
                total_ttc: f.total_ttc,
                credited: f.credited,
            });
        } else if b < 0 {
            credits.push(CreditItem {
                invoice_id: f.invoice_id,
                number: f.number,
                issue_date: f.issue_date,
                amount: b.saturating_neg(),
            });
        }
    }
    // Oldest due first; no due date last; then by number.
    items.sort_by(|a, b| {
        (a.due_date.is_none(), &a.due_date, &a.number).cmp(&(
            b.due_date.is_none(),
            &b.due_date,
            &b.number,
        ))
    });
    let buckets = bucket_totals(&items);
    let sum = |it: &mut dyn Iterator<Item = i64>| it.fold(0i64, i64::saturating_add);
    let total_open = sum(&mut items.iter().map(|i| i.balance));
    let total_credits = sum(&mut credits.iter().map(|c| c.amount));
    let total_in_dispute = sum(&mut items.iter().map(|i| i.in_dispute));
    Figures {
        items,
        credits,
        buckets,
        total_open,
        total_credits,
        total_due: total_open.saturating_sub(total_credits),
        total_in_dispute,
    }
}

/// The open balance per ageing bucket, every bucket present.
pub fn bucket_totals(items: &[OpenItem]) -> Vec<BucketTotal> {
    AgeBucket::ALL
        .into_iter()
        .map(|bucket| {
            let mine = items.iter().filter(|i| i.bucket == bucket);
            BucketTotal {
                bucket,
                amount: mine.clone().fold(0, |s, i| s.saturating_add(i.balance)),
                count: mine.count() as i64,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).expect("date")
    }

    fn facts(number: &str, due: &str, total: i64, paid: i64, credited: i64) -> ItemFacts {
        ItemFacts {
            invoice_id: number.len() as i64,
            number: number.into(),
            issue_date: "2026-01-01".into(),
            due_date: Some(due.into()),
            total_ttc: total,
            deposits: 0,
            paid,
            credited,
            disputed: 0,
        }
    }

    #[test]
    fn link_days_are_a_whole_number_from_1_to_365() {
        use crate::model::validate::FieldProblem;
        assert_eq!(parse_link_days(" 30 "), Ok(30));
        assert_eq!(parse_link_days("1"), Ok(1));
        assert_eq!(parse_link_days("365"), Ok(365));
        assert_eq!(parse_link_days("0"), Err(FieldProblem::OutOfRange));
        assert_eq!(parse_link_days("366"), Err(FieldProblem::OutOfRange));
        assert_eq!(parse_link_days("2.5"), Err(FieldProblem::NotANumber));
        assert_eq!(parse_link_days(""), Err(FieldProblem::Required));
    }

    #[test]
    fn a_revoked_link_is_revoked_even_once_expired() {
        assert_eq!(link_status(100, None, 99), LinkStatus::Live);
        assert_eq!(link_status(100, None, 100), LinkStatus::Expired);
        assert_eq!(link_status(100, Some(50), 200), LinkStatus::Revoked);
    }

    #[test]
    fn each_way_in_has_its_pdf_with_the_date_carried() {
        assert_eq!(pdf_path(&StatementAccess::Account, ""), "/statement.pdf");
        assert_eq!(
            pdf_path(&StatementAccess::Account, "2026-06-30"),
            "/statement.pdf?as_of=2026-06-30"
        );
        assert_eq!(
            pdf_path(&StatementAccess::Link("ab".into()), "2026-06-30"),
            "/statements/ab/pdf?as_of=2026-06-30"
        );
        assert_eq!(
            pdf_path(&StatementAccess::PayLink("t/k".into()), ""),
            "/pay/t%2Fk/statement.pdf"
        );
    }

    #[test]
    fn ageing_boundaries_follow_the_dashboard_buckets() {
        let as_of = d("2026-06-30");
        let cases = [
            ("2026-06-30", 0, AgeBucket::NotDue),
            ("2026-07-15", -15, AgeBucket::NotDue),
            ("2026-06-29", 1, AgeBucket::Days1To30),
            ("2026-05-31", 30, AgeBucket::Days1To30),
            ("2026-05-30", 31, AgeBucket::Days31To60),
            ("2026-05-01", 60, AgeBucket::Days31To60),
            ("2026-04-30", 61, AgeBucket::Days61To90),
            ("2026-04-01", 90, AgeBucket::Days61To90),
            ("2026-03-31", 91, AgeBucket::Over90),
        ];
        for (due, days, bucket) in cases {
            let f = build(as_of, vec![facts("F-1", due, 1000, 0, 0)]);
            assert_eq!(f.items[0].days_past_due, days, "due {due}");
            assert_eq!(f.items[0].bucket, bucket, "due {due}");
        }
    }

    #[test]
    fn an_invoice_without_a_due_date_is_not_due() {
        let mut f = facts("F-1", "2026-01-01", 500, 0, 0);
        f.due_date = None;
        let s = build(d("2026-06-30"), vec![f]);
        assert_eq!(s.items[0].bucket, AgeBucket::NotDue);
        assert_eq!(s.items[0].days_past_due, 0);
    }

    #[test]
    fn totals_add_balances_per_bucket_and_subtract_unused_credits() {
        let mut disputed = facts("F-3", "2026-06-10", 30_000, 0, 0);
        disputed.disputed = 50_000;
        let mut with_deposit = facts("F-4", "2026-07-31", 20_000, 2_000, 0);
        with_deposit.deposits = 3_000;
        let s = build(
            d("2026-06-30"),
            vec![
                facts("F-1", "2026-03-01", 12_000, 2_000, 0),
                facts("F-2", "2026-05-15", 10_000, 0, 10_000),
                disputed,
                with_deposit,
                facts("F-5", "2026-04-01", 8_000, 9_500, 0),
            ],
        );
        let numbers: Vec<&str> = s.items.iter().map(|i| i.number.as_str()).collect();
        assert_eq!(numbers, ["F-1", "F-3", "F-4"]);
        assert_eq!(s.items[2].paid, 5_000);
        assert_eq!(s.items[2].balance, 15_000);
        // The amount in dispute never exceeds the balance.
        assert_eq!(s.items[1].in_dispute, 30_000);
        assert_eq!(s.total_in_dispute, 30_000);
        assert_eq!(s.total_open, 10_000 + 30_000 + 15_000);
        assert_eq!(s.credits.len(), 1);
        assert_eq!(s.credits[0].number, "F-5");
        assert_eq!(s.total_credits, 1_500);
        assert_eq!(s.total_due, 55_000 - 1_500);
        let amounts: Vec<(i64, i64)> = s.buckets.iter().map(|b| (b.amount, b.count)).collect();
        assert_eq!(
            amounts,
            [(15_000, 1), (30_000, 1), (0, 0), (0, 0), (10_000, 1)]
        );
    }

    #[test]
    fn a_customer_with_only_credit_owes_a_negative_total() {
        let s = build(
            d("2026-06-30"),
            vec![facts("F-1", "2026-06-01", 1_000, 1_200, 0)],
        );
        assert!(s.items.is_empty());
        assert_eq!(s.total_due, -200);
    }

    #[test]
    fn the_as_of_date_defaults_to_today_and_refuses_the_future_and_before_the_first_invoice() {
        let today = d("2026-06-30");
        let first = Some(d("2026-02-01"));
        assert_eq!(parse_as_of(None, today, first), Ok(today));
        assert_eq!(parse_as_of(Some("  "), today, first), Ok(today));
        assert_eq!(
            parse_as_of(Some("2026-03-15"), today, first),
            Ok(d("2026-03-15"))
        );
        assert_eq!(
            parse_as_of(Some("2026-02-01"), today, first),
            Ok(d("2026-02-01"))
        );
        assert_eq!(
            parse_as_of(Some("2026-07-01"), today, first),
            Err(AsOfProblem::InFuture)
        );
        assert_eq!(
            parse_as_of(Some("2026-01-31"), today, first),
            Err(AsOfProblem::BeforeFirstInvoice)
        );
        assert_eq!(
            parse_as_of(Some("31/01/2026"), today, first),
            Err(AsOfProblem::InvalidDate)
        );
        assert_eq!(
            parse_as_of(Some("2020-01-01"), today, None),
            Ok(d("2020-01-01"))
        );
    }
}
