//! The signed-in user as the browser sees it. Never carries a password hash.
use super::role::Role;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The customer account a customer contact belongs to; `None` for staff.
    pub customer_id: Option<i64>,
}
