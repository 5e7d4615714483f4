//! Words of the staff dashboard: ageing buckets, range problems, days.
use crate::i18n::*;
use crate::model::dashboard::{AgeBucket, RangeProblem};
use crate::model::lang::Lang;
use rust_decimal::Decimal;

/// An ageing bucket, on the dashboard and in the invoice list's filter.
pub fn age_label(b: AgeBucket) -> String {
    let i18n = use_i18n();
    match b {
        AgeBucket::NotDue => t_string!(i18n, dash_age_not_due),
        AgeBucket::Days1To30 => t_string!(i18n, dash_age_1_30),
        AgeBucket::Days31To60 => t_string!(i18n, dash_age_31_60),
        AgeBucket::Days61To90 => t_string!(i18n, dash_age_61_90),
        AgeBucket::Over90 => t_string!(i18n, dash_age_over_90),
    }
    .to_string()
}

pub fn range_problem_text(p: RangeProblem) -> String {
    let i18n = use_i18n();
    match p {
        RangeProblem::InvalidDate => t_string!(i18n, dash_err_invalid_date),
        RangeProblem::Backwards => t_string!(i18n, dash_err_backwards),
        RangeProblem::TooLong => t_string!(i18n, dash_err_too_long),
    }
    .to_string()
}

/// A number of days to a tenth, with the reader's decimal separator.
pub fn days_text(days: Decimal, lang: Lang) -> String {
    let i18n = use_i18n();
    let n = days.normalize().to_string();
    let n = match lang {
        Lang::Fr => n.replace('.', ","),
        Lang::En => n,
    };
    format!("{n} {}", t_string!(i18n, dash_days))
}
