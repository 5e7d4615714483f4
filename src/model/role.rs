//! Who may do what. The server asks these rules on every request; the browser
//! uses them only to decide which links to show.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// A contact of one customer account: sees that account only.
    Customer,
    /// Staff who answer disputes and record payments.
    Agent,
    /// Staff who also manage settings, staff accounts and invoices.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Agent => "agent",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "customer" => Some(Role::Customer),
            "agent" => Some(Role::Agent),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// Agents and admins reach the staff area.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Agent | Role::Admin)
    }

    /// Only admins manage staff accounts and company settings.
    pub fn can_administer(self) -> bool {
        matches!(self, Role::Admin)
    }

    /// Whether someone with this role, linked to `own_customer`, may read the data
    /// of `customer_id`. Staff read every account; a customer only their own.
    pub fn can_read_customer(self, own_customer: Option<i64>, customer_id: i64) -> bool {
        self.is_staff() || (self == Role::Customer && own_customer == Some(customer_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customers_never_reach_the_staff_area() {
        assert!(!Role::Customer.is_staff());
        assert!(Role::Agent.is_staff());
        assert!(Role::Admin.is_staff());
    }

    #[test]
    fn only_admins_administer() {
        assert!(Role::Admin.can_administer());
        assert!(!Role::Agent.can_administer());
        assert!(!Role::Customer.can_administer());
    }

    #[test]
    fn a_customer_reads_only_their_own_account() {
        assert!(Role::Customer.can_read_customer(Some(1), 1));
        assert!(!Role::Customer.can_read_customer(Some(1), 2));
        assert!(!Role::Customer.can_read_customer(None, 1));
    }

    #[test]
    fn staff_read_every_account() {
        assert!(Role::Agent.can_read_customer(None, 7));
        assert!(Role::Admin.can_read_customer(None, 7));
    }

    #[test]
    fn roles_round_trip_through_their_stored_names() {
        for r in [Role::Customer, Role::Agent, Role::Admin] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
