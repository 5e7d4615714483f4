//! Filtered, keyset-paginated invoice lists. The WHERE clause is assembled from
//! fixed fragments; every value is a bound parameter.
use crate::model::listing::{Cursor, StaffStatus};
use sqlx::{AnyPool, Row};

/// The filters of a list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub customer_id: Option<i64>,
    pub status: StaffStatus,
    /// `YYYY-MM-DD`, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Matches the number (prefix) or the customer's name (substring), case-insensitively.
    pub search: Option<String>,
    pub include_drafts: bool,
    pub include_credit_notes: bool,
    /// Open invoices with a balance whose due date falls in this ageing bucket on `today`.
    pub age: Option<crate::model::dashboard::AgeBucket>,
    pub today: String,
}

enum Arg {
    I(i64),
    S(String),
}

/// A raw list row before status derivation.
pub struct ListRow {
    pub id: i64,
    pub number: Option<String>,
    pub kind: String,
    pub customer_name: String,
    pub status: String,
    pub issue_date: Option<String>,
    pub due_date: Option<String>,
    pub currency: String,
    pub total_ttc: i64,
    pub amount_paid: i64,
    pub amount_credited: i64,
    pub deposits: i64,
}

fn where_clause(f: &ListFilter, cursor: Option<&Cursor>, args: &mut Vec<Arg>) -> String {
    let mut w: Vec<String> = Vec::new();
    let p = |a: Arg, args: &mut Vec<Arg>| {
        args.push(a);
        format!("${}", args.len())
    };
    if let Some(c) = f.customer_id {
        w.push(format!("i.customer_id = {}", p(Arg::I(c), args)));
    }
    if !f.include_drafts {
        w.push("i.status <> 'draft'".into());
    }
    if !f.include_credit_notes {
        w.push("i.kind = 'invoice'".into());
    }
    let open = "i.status IN ('issued', 'partially_paid')";
    match f.status {
        StaffStatus::All => {}
        StaffStatus::Draft => w.push("i.status = 'draft'".into()),
        StaffStatus::ToPay => w.push(
            "i.status IN ('issued', 'partially_paid', 'disputed') AND i.kind = 'invoice'".into(),
        ),
        StaffStatus::Overdue => {
            let t = p(Arg::S(f.today.clone()), args);
            w.push(format!("{open} AND i.kind = 'invoice' AND i.due_date < {t} AND i.total_ttc > i.deposits + i.amount_paid + i.amount_credited"));
        }
        StaffStatus::Paid => w.push("i.status = 'paid'".into()),
        StaffStatus::Disputed => w.push("i.status = 'disputed'".into()),
        StaffStatus::Credited => w.push("i.status = 'credited'".into()),
    }
    if let Some(age) = f.age {
        age_clause(age, &f.today, &mut w, args);
    }
    if let Some(from) = &f.from {
        w.push(format!("i.issue_date >= {}", p(Arg::S(from.clone()), args)));
    }
    if let Some(to) = &f.to {
        w.push(format!("i.issue_date <= {}", p(Arg::S(to.clone()), args)));
    }
    if let Some(q) = f
        .search
        .as_ref()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
    {
        if f.customer_id.is_some() && !f.include_drafts {
            // A customer searches their own numbers: a prefix range on the
            // unique number index instead of a LIKE that scans every row.
            let upper = q.to_uppercase();
            let lo = p(Arg::S(upper.clone()), args);
            let hi = p(Arg::S(format!("{upper}\u{10ffff}")), args);
            w.push(format!("i.number >= {lo} AND i.number < {hi}"));
        } else {
            let escaped = q
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let num = p(Arg::S(format!("{escaped}%")), args);
            let name = p(Arg::S(format!("%{escaped}%")), args);
            w.push(format!(
                "(LOWER(i.number) LIKE {num} ESCAPE '\\' OR LOWER(c.name) LIKE {name} ESCAPE '\\')"
            ));
        }
    }
    if let Some(c) = cursor {
        let d = p(Arg::S(c.issue_date.clone()), args);
        let id = p(Arg::I(c.id), args);
        let key = date_key(f);
        w.push(format!("({key} < {d} OR ({key} = {d} AND i.id < {id}))"));
    }
    if w.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", w.join(" AND "))
    }
}

/// The dashboard's ageing bucket: open invoices with a balance, due dates
/// compared as text against bounds computed from `today` (no SQL date maths).
fn age_clause(
    age: crate::model::dashboard::AgeBucket,
    today: &str,
    w: &mut Vec<String>,
    args: &mut Vec<Arg>,
) {
    w.push(
        "i.kind = 'invoice' AND i.status IN ('issued', 'partially_paid', 'disputed') \
         AND i.total_ttc > i.deposits + i.amount_paid + i.amount_credited"
            .into(),
    );
    let Some(today) = crate::model::format::parse_iso_date(today) else {
        return;
    };
    let (lo, hi) = age.due_bounds(today);
    let mut bound = |d: chrono::NaiveDate| {
        args.push(Arg::S(d.format("%Y-%m-%d").to_string()));
        format!("${}", args.len())
    };
    match (lo.map(&mut bound), hi.map(&mut bound)) {
        (Some(lo), None) => w.push(format!("(i.due_date IS NULL OR i.due_date >= {lo})")),
        (Some(lo), Some(hi)) => w.push(format!("i.due_date >= {lo} AND i.due_date < {hi}")),
        (None, Some(hi)) => w.push(format!("i.due_date < {hi}")),
        (None, None) => {}
    }
}

/// The sort key: issued documents always have a date, so without drafts the
/// plain column is used and the `(customer_id, kind, issue_date, id)` index
/// serves both the order and the cursor. Drafts (staff only) sort first.
fn date_key(f: &ListFilter) -> &'static str {
    if f.include_drafts {
        "COALESCE(i.issue_date, '9999-12-31')"
    } else {
        "i.issue_date"
    }
}

/// One page (limit + 1 rows are read to know whether there is a next page).
pub async fn list(
    pool: &AnyPool,
    f: &ListFilter,
    cursor: Option<&Cursor>,
    limit: i64,
) -> Result<Vec<ListRow>, sqlx::Error> {
    let mut args = Vec::new();
    let w = where_clause(f, cursor, &mut args);
    args.push(Arg::I(limit));
    let sql = format!(
        "SELECT i.id, i.number, i.kind, c.name AS customer_name, i.status, i.issue_date, i.due_date, i.currency, \
         i.total_ttc, i.amount_paid, i.amount_credited, i.deposits FROM invoices i JOIN customers c ON c.id = i.customer_id \
         {w} ORDER BY {key} DESC, i.id DESC LIMIT ${}",
        args.len(),
        key = date_key(f)
    );
    let mut q = sqlx::query(&sql);
    for a in args {
        q = match a {
            Arg::I(v) => q.bind(v),
            Arg::S(v) => q.bind(v),
        };
    }
    let rows = q.fetch_all(pool).await?;
    rows.iter()
        .map(|r| {
            Ok(ListRow {
                id: r.try_get("id")?,
                number: r.try_get("number")?,
                kind: r.try_get("kind")?,
                customer_name: r.try_get("customer_name")?,
                status: r.try_get("status")?,
                issue_date: r.try_get("issue_date")?,
                due_date: r.try_get("due_date")?,
                currency: r.try_get("currency")?,
                total_ttc: r.try_get("total_ttc")?,
                amount_paid: r.try_get("amount_paid")?,
                amount_credited: r.try_get("amount_credited")?,
                deposits: r.try_get("deposits")?,
            })
        })
        .collect()
}
