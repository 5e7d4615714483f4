//! The one error type shared by the server and the browser.
//!
//! It carries a *kind* and, for bad input, which field failed and why: never an
//! internal cause. Server-side conversions log the cause, then collapse it to
//! [`AppError::Internal`], so a database message can never reach a user.
use crate::model::validate::{FieldErrors, FieldProblem};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Nobody is signed in, or the session expired.
    #[error("not signed in")]
    Unauthenticated,
    /// Signed in, but this role or account may not see or do this.
    #[error("forbidden")]
    Forbidden,
    /// The thing does not exist, or exists but belongs to someone else.
    #[error("not found")]
    NotFound,
    /// One or more fields were refused; nothing was saved.
    #[error("invalid input")]
    Validation(FieldErrors),
    /// Wrong email or password, worded so it never tells which.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Too many failed sign-ins for this email or address; retry later.
    #[error("too many attempts")]
    Throttled { retry_after_minutes: i64 },
    /// The action does not fit the current state (e.g. issuing an issued invoice).
    #[error("conflict")]
    Conflict,
    /// The request itself was malformed (unreadable arguments).
    #[error("bad request")]
    BadRequest,
    /// Something failed on our side; the cause is in the server log only.
    #[error("internal error")]
    Internal,
}

impl AppError {
    /// The HTTP status that goes with this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Validation(_) | AppError::BadRequest => 400,
            AppError::InvalidCredentials => 401,
            AppError::Throttled { .. } => 429,
            AppError::Conflict => 409,
            AppError::Internal => 500,
        }
    }

    /// A short code carried in redirect URLs after a plain (no-JS) form post.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Validation(_) => "invalid",
            AppError::InvalidCredentials => "credentials",
            AppError::Throttled { .. } => "throttled",
            AppError::Conflict => "conflict",
            AppError::BadRequest => "bad_request",
            AppError::Internal => "internal",
        }
    }
}

impl AppError {
    /// The error a [`code`](AppError::code) names, with the field problems
    /// and wait that go with it; an unknown code reads as a bad request.
    pub fn from_code(
        code: &str,
        fields: FieldErrors,
        retry_after_minutes: Option<i64>,
    ) -> AppError {
        match code {
            "unauthenticated" => AppError::Unauthenticated,
            "forbidden" => AppError::Forbidden,
            "not_found" => AppError::NotFound,
            "invalid" => AppError::Validation(fields),
            "credentials" => AppError::InvalidCredentials,
            "throttled" => AppError::Throttled {
                retry_after_minutes: retry_after_minutes.unwrap_or(15),
            },
            "conflict" => AppError::Conflict,
            "internal" => AppError::Internal,
            _ => AppError::BadRequest,
        }
    }
}

/// A refused form post, carried back to the form's page in the query string
/// of a redirect, so that a page rendered on the server (no JavaScript) can
/// show the message next to the field and put back what was typed.
///
/// On the wire, for the form `pay` (keys `err…` when `form` is empty, for a
/// page with one form):
/// `pay_err=CODE` (always), `pay_err_FIELD=PROBLEM` per refused field in form
/// order, `pay_err_minutes=N` for a throttled sign-in, then each kept value
/// under its own input name (`amount=12,50`). [`Refusal::to_query`] writes it,
/// [`Refusal::from_query`] reads it back; nothing else should.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Which form of the page was refused: the prefix of the query keys.
    pub form: String,
    /// Why: an [`AppError::code`], or a form's own code (a correction block).
    pub code: String,
    /// The refused fields and why, in form order.
    pub fields: FieldErrors,
    /// For a throttled sign-in: when to try again.
    pub retry_after_minutes: Option<i64>,
    /// What was typed, by input name, to put back into the form (never a password).
    pub kept: Vec<(String, String)>,
}

/// The query key that carries a throttled sign-in's wait, after the error key.
const MINUTES: &str = "minutes";

impl Refusal {
    /// The refusal of `form` by `error`.
    pub fn new(form: &str, error: &AppError) -> Refusal {
        let mut r = Refusal::coded(form, error.code());
        match error {
            AppError::Validation(fields) => r.fields = fields.clone(),
            AppError::Throttled {
                retry_after_minutes,
            } => r.retry_after_minutes = Some(*retry_after_minutes),
            _ => {}
        }
        r
    }

    /// The refusal of `form` for a reason of its own (not an [`AppError`]).
    pub fn coded(form: &str, code: &str) -> Refusal {
        Refusal {
            form: form.to_string(),
            code: code.to_string(),
            fields: FieldErrors::default(),
            retry_after_minutes: None,
            kept: Vec::new(),
        }
    }

    /// Keeps a typed value (an empty one is left out: the form shows its default).
    pub fn keep(mut self, name: &str, value: &str) -> Refusal {
        if !value.is_empty() {
            self.kept.push((name.to_string(), value.to_string()));
        }
        self
    }

    /// The query key of the error code: `{form}_err`, or `err`.
    fn key(form: &str) -> String {
        if form.is_empty() {
            "err".to_string()
        } else {
            format!("{form}_err")
        }
    }

    /// The query string (without `?`), every key and value form-encoded.
    pub fn to_query(&self) -> String {
        let key = Refusal::key(&self.form);
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair(&key, &self.code);
        for (field, problem) in &self.fields.0 {
            q.append_pair(&format!("{key}_{field}"), problem.code());
        }
        if let Some(m) = self.retry_after_minutes {
            q.append_pair(&format!("{key}_{MINUTES}"), &m.to_string());
        }
        for (name, value) in &self.kept {
            q.append_pair(name, value);
        }
        q.finish()
    }

    /// Where to send the browser back to: `path?query`, then `#anchor` if any.
    pub fn redirect_to(&self, path: &str, anchor: Option<&str>) -> String {
        let anchor = anchor.map(|a| format!("#{a}")).unwrap_or_default();
        format!("{path}?{}{anchor}", self.to_query())
    }

    /// The refusal of `form` in a page's query string (a leading `?` is
    /// allowed), if that form was refused. Problems of unknown codes are
    /// dropped; an unknown error code is kept and reads as a bad request.
    pub fn from_query(form: &str, query: &str) -> Option<Refusal> {
        let key = Refusal::key(form);
        let field_prefix = format!("{key}_");
        let pairs = form_urlencoded::parse(query.trim_start_matches('?').as_bytes());
        let mut code = None;
        let mut r = Refusal::coded(form, "");
        for (k, v) in pairs {
            if k == key {
                code.get_or_insert(v.into_owned());
            } else if let Some(name) = k.strip_prefix(&field_prefix) {
                if name == MINUTES {
                    r.retry_after_minutes = v.parse().ok();
                } else if let Some(p) = FieldProblem::parse(&v) {
                    r.fields.add(name, p);
                }
            } else if !r.kept.iter().any(|(n, _)| *n == k) {
                r.kept.push((k.into_owned(), v.into_owned()));
            }
        }
        r.code = code?;
        Some(r)
    }

    /// The error this refusal stands for (a form's own code reads as a bad request).
    pub fn error(&self) -> AppError {
        AppError::from_code(&self.code, self.fields.clone(), self.retry_after_minutes)
    }

    /// Why `field` was refused, if it was.
    pub fn problem(&self, field: &str) -> Option<FieldProblem> {
        self.fields.get(field)
    }

    /// The first refused field (form order) and its problem.
    pub fn first_field(&self) -> Option<(&str, FieldProblem)> {
        self.fields.0.first().map(|(f, p)| (f.as_str(), *p))
    }

    /// Whether this refusal belongs next to `field`: the first refused field.
    pub fn is_on(&self, field: &str) -> bool {
        self.first_field().is_some_and(|(f, _)| f == field)
    }

    /// A value typed in the refused form, as it was sent.
    pub fn kept(&self, name: &str) -> Option<&str> {
        self.kept
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What a successful form post did, carried in `?done=` of the page it
/// redirects to, so the page can say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    /// A dispute was opened (customer).
    Opened,
    /// A message was posted on a dispute.
    Replied,
    /// A closed dispute was reopened.
    Reopened,
    /// Staff wrote an internal note on a dispute.
    Noted,
    /// A dispute was assigned to someone.
    Assigned,
    /// A dispute's assignee was removed.
    Unassigned,
    /// A dispute's status changed.
    Status,
    /// A dispute was resolved (the credit note or draft come in their own keys).
    Resolved,
    /// A draft was issued.
    Issued,
    /// A credit note was issued.
    Credited,
    /// A pay link was (re)issued.
    Link,
    /// A pay link was revoked.
    Revoked,
    /// An invoice was sent again.
    Sent,
    /// An invoice was corrected: a credit note and a new draft.
    Corrected,
    /// An offline payment was recorded.
    PaymentRecorded,
    /// A refund was asked of the provider.
    RefundRequested,
}

const DONE_CODES: [(Done, &str); 16] = [
    (Done::Opened, "opened"),
    (Done::Replied, "replied"),
    (Done::Reopened, "reopened"),
    (Done::Noted, "noted"),
    (Done::Assigned, "assigned"),
    (Done::Unassigned, "unassigned"),
    (Done::Status, "status"),
    (Done::Resolved, "resolved"),
    (Done::Issued, "issued"),
    (Done::Credited, "credited"),
    (Done::Link, "link"),
    (Done::Revoked, "revoked"),
    (Done::Sent, "sent"),
    (Done::Corrected, "corrected"),
    (Done::PaymentRecorded, "payment_recorded"),
    (Done::RefundRequested, "refund_requested"),
];

impl Done {
    /// Its word in `?done=`.
    pub fn as_str(self) -> &'static str {
        DONE_CODES
            .iter()
            .find(|(d, _)| *d == self)
            .map(|(_, c)| *c)
            .unwrap_or("done")
    }

    /// The outcome a `done` word names.
    pub fn parse(s: &str) -> Option<Done> {
        DONE_CODES.iter().find(|(_, c)| *c == s).map(|(d, _)| *d)
    }

    /// The outcome in a page's query string (a leading `?` is allowed).
    pub fn from_query(query: &str) -> Option<Done> {
        form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
            .find(|(k, _)| k == "done")
            .and_then(|(_, v)| Done::parse(&v))
    }

    /// `path?done=WORD`, then `extra` pairs (form-encoded), then `#anchor` if any.
    pub fn redirect_to(self, path: &str, extra: &[(&str, &str)], anchor: Option<&str>) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("done", self.as_str());
        for (k, v) in extra {
            q.append_pair(k, v);
        }
        let anchor = anchor.map(|a| format!("#{a}")).unwrap_or_default();
        format!("{path}?{}{anchor}", q.finish())
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::BadRequest,
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => AppError::NotFound,
            other => {
                tracing::error!(error = %other, "database error");
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs an internal cause and returns the generic error shown to users.
    pub fn internal(context: &str, cause: impl std::fmt::Display) -> AppError {
        tracing::error!(error = %cause, "{context}");
        AppError::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_map_to_500_and_say_nothing_of_their_cause() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::ServerError("db down".into()));
        assert_eq!(e, AppError::Internal);
        assert_eq!(e.status(), 500);
        assert!(!format!("{e}").contains("db"));
    }

    fn hostile() -> &'static str {
        "a&b=c#d%20e%zz +é日本\n\r\nfin?x=1"
    }

    #[test]
    fn a_refusal_round_trips_through_the_query_with_hostile_typed_values() {
        let mut fields = FieldErrors::default();
        fields.add("amount", FieldProblem::TooLarge);
        fields.add("message", FieldProblem::Required);
        let r = Refusal::new("dispute", &AppError::Validation(fields))
            .keep("message", hostile())
            .keep("amount", "12,50")
            .keep("lines", "");
        let to = r.redirect_to("/pay/abc", Some("dispute"));
        assert!(to.starts_with("/pay/abc?dispute_err=invalid&dispute_err_amount=too_large&"));
        assert!(to.ends_with("#dispute"));
        let (_, query) = to
            .trim_end_matches("#dispute")
            .split_once('?')
            .expect("query");
        assert!(!query.contains('#') && !query.contains('\n'));
        let back = Refusal::from_query("dispute", query).expect("refusal");
        assert_eq!(back, r);
        assert_eq!(back.kept("message"), Some(hostile()));
        assert_eq!(back.kept("lines"), None);
        assert_eq!(back.first_field(), Some(("amount", FieldProblem::TooLarge)));
        assert_eq!(back.problem("message"), Some(FieldProblem::Required));
    }

    #[test]
    fn a_throttled_sign_in_keeps_its_wait_and_a_page_form_has_bare_keys() {
        let e = AppError::Throttled {
            retry_after_minutes: 7,
        };
        let r = Refusal::new("", &e).keep("email", "a@b.fr");
        assert_eq!(r.to_query(), "err=throttled&err_minutes=7&email=a%40b.fr");
        let back = Refusal::from_query("", &format!("?{}", r.to_query())).expect("refusal");
        assert_eq!(back.error(), e);
    }

    #[test]
    fn unknown_codes_read_as_a_bad_request_and_unknown_problems_are_dropped() {
        let r = Refusal::from_query("pay", "pay_err=%3Cscript%3E&pay_err_amount=nope&amount=1")
            .expect("refusal");
        assert_eq!(r.code, "<script>");
        assert_eq!(r.error(), AppError::BadRequest);
        assert_eq!(r.first_field(), None);
        assert_eq!(r.kept("amount"), Some("1"));
    }

    #[test]
    fn another_form_s_refusal_or_none_reads_as_no_refusal() {
        assert_eq!(
            Refusal::from_query("pay", "note_err=conflict&message=x"),
            None
        );
        assert_eq!(Refusal::from_query("pay", ""), None);
        assert_eq!(Refusal::from_query("", "pay_err=conflict"), None);
    }

    #[test]
    fn every_error_code_reads_back_as_its_error() {
        let all = [
            AppError::Unauthenticated,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::Validation(FieldErrors::default()),
            AppError::InvalidCredentials,
            AppError::Throttled {
                retry_after_minutes: 3,
            },
            AppError::Conflict,
            AppError::BadRequest,
            AppError::Internal,
        ];
        for e in all {
            let q = Refusal::new("f", &e).to_query();
            assert_eq!(Refusal::from_query("f", &q).map(|r| r.error()), Some(e));
        }
    }

    #[test]
    fn an_outcome_round_trips_and_an_unknown_one_reads_as_none() {
        for (d, _) in DONE_CODES {
            let to = d.redirect_to("/x", &[("credit_note", "AV-2026 #1&")], Some("m3"));
            let (_, q) = to.trim_end_matches("#m3").split_once('?').expect("query");
            assert_eq!(Done::from_query(q), Some(d));
        }
        assert_eq!(
            Done::Resolved.redirect_to("/staff/disputes/4", &[("credit_note", "AV-1")], None),
            "/staff/disputes/4?done=resolved&credit_note=AV-1"
        );
        assert_eq!(Done::from_query("?done=%3Cb%3E"), None);
        assert_eq!(Done::from_query("x=1"), None);
    }

    #[test]
    fn unreadable_arguments_are_a_bad_request() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Args("x".into()));
        assert_eq!(e.status(), 400);
    }
}
