//! How someone reaches a customer's statement: logged in as that customer,
//! through a statement link staff emailed, or through one of the customer's
//! invoice pay links (when the company allows it). Each way has its own page
//! paths; the server resolves the way to one customer, or refuses.
use crate::model::redirect::path_segment;
use serde::{Deserialize, Serialize};

/// The way a statement page was reached (a token is the raw one from the URL).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StatementAccess {
    /// A logged-in customer user: their own customer account.
    Account,
    /// A statement link (`/statements/<token>`).
    Link(String),
    /// An invoice pay link (`/pay/<token>/statement`).
    PayLink(String),
}

impl StatementAccess {
    /// The statement page of this way in.
    pub fn page(&self) -> String {
        match self {
            StatementAccess::Account => "/statement".into(),
            StatementAccess::Link(t) => format!("/statements/{}", path_segment(t)),
            StatementAccess::PayLink(t) => format!("/pay/{}/statement", path_segment(t)),
        }
    }

    /// Where the pay form posts, and the provider sends the customer back to
    /// (`<page>/return`).
    pub fn pay_path(&self) -> String {
        format!("{}/pay", self.page())
    }

    /// The return page after a checkout.
    pub fn return_path(&self) -> String {
        format!("{}/return", self.page())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_way_in_has_its_own_page_and_tokens_are_escaped() {
        assert_eq!(StatementAccess::Account.page(), "/statement");
        assert_eq!(
            StatementAccess::Link("ab/c".into()).page(),
            "/statements/ab%2Fc"
        );
        assert_eq!(
            StatementAccess::PayLink("t0k".into()).return_path(),
            "/pay/t0k/statement/return"
        );
        assert_eq!(StatementAccess::Account.pay_path(), "/statement/pay");
    }
}
