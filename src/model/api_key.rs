//! API keys of the ERP API (`/api/v1`): what admins see of them, and the rules
//! of a new key's name and scope. The secret itself never leaves the server
//! after the page that shows it once.
use super::validate::{FieldErrors, FieldProblem};
use serde::{Deserialize, Serialize};

/// The start of every secret: tells a leaked string is one of ours.
pub const SECRET_PREFIX: &str = "qk_live_";
/// How many characters of the secret are kept in clear to tell keys apart.
pub const SHOWN_PREFIX_LEN: usize = 12;
pub const MAX_NAME_LEN: usize = 100;

/// What a key may do: `Read` only reads; `Write` reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApiScope {
    Read,
    Write,
}

impl ApiScope {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiScope::Read => "read",
            ApiScope::Write => "write",
        }
    }

    pub fn parse(s: &str) -> Option<ApiScope> {
        match s.trim() {
            "read" => Some(ApiScope::Read),
            "write" => Some(ApiScope::Write),
            _ => None,
        }
    }

    pub fn may_write(self) -> bool {
        self == ApiScope::Write
    }
}

/// A key as listed for admins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyView {
    pub id: i64,
    pub name: String,
    pub scope: ApiScope,
    /// The first characters of the secret (`qk_live_AbCd`).
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// The page's data: every key, and the secret of the key just created
/// (shown once: it is taken out of the session when read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ApiKeysPage {
    pub keys: Vec<ApiKeyView>,
    pub new_secret: Option<String>,
}

/// A valid new key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiKey {
    pub name: String,
    pub scope: ApiScope,
}

/// Checks the create form: a name (1 to 100 characters) and a scope.
pub fn validate_new_key(name: &str, scope: &str) -> Result<NewApiKey, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = name.trim().to_string();
    if name.is_empty() {
        e.add("name", FieldProblem::Required);
    } else if name.chars().count() > MAX_NAME_LEN {
        e.add("name", FieldProblem::TooLong);
    }
    let scope = ApiScope::parse(scope);
    if scope.is_none() {
        e.add("scope", FieldProblem::Required);
    }
    match (scope, e.is_empty()) {
        (Some(scope), true) => Ok(NewApiKey { name, scope }),
        _ => Err(e),
    }
}

/// Whether a string has the shape of a secret (before it is looked up).
pub fn looks_like_secret(s: &str) -> bool {
    s.strip_prefix(SECRET_PREFIX).is_some_and(|rest| {
        rest.len() == 43
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_needs_a_name_and_a_known_scope() {
        let e = validate_new_key("  ", "admin").expect_err("refused");
        assert_eq!(e.get("name"), Some(FieldProblem::Required));
        assert_eq!(e.get("scope"), Some(FieldProblem::Required));
        let ok = validate_new_key(" ERP ", "write").expect("valid");
        assert_eq!(ok.name, "ERP");
        assert_eq!(ok.scope, ApiScope::Write);
        let long = "x".repeat(MAX_NAME_LEN + 1);
        assert_eq!(
            validate_new_key(&long, "read")
                .expect_err("long")
                .get("name"),
            Some(FieldProblem::TooLong)
        );
    }

    #[test]
    fn only_strings_of_the_secret_shape_are_looked_up() {
        let good = format!("{SECRET_PREFIX}{}", "A".repeat(43));
        assert!(looks_like_secret(&good));
        assert!(!looks_like_secret("qk_live_short"));
        assert!(!looks_like_secret(&format!("sk_live_{}", "A".repeat(43))));
        assert!(!looks_like_secret(&format!(
            "{SECRET_PREFIX}{}",
            "+".repeat(43)
        )));
    }
}
