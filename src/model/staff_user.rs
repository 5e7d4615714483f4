//! Staff accounts as admins manage them.
use super::user::SessionUser;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccount {
    pub user: SessionUser,
    pub active: bool,
    /// The admin looking at the list (cannot demote or deactivate themselves).
    pub is_me: bool,
}
