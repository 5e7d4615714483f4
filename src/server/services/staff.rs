//! The staff home figures, and staff accounts as admins manage them.
use crate::error::AppError;
use crate::model::role::Role;
use crate::model::staff::StaffHome;
use crate::model::staff_user::StaffAccount;
use crate::model::user::SessionUser;
use crate::model::validate::{FieldErrors, FieldProblem, check_email, normalize_email};
use crate::server::db::{Db, audit, invoices, users};
use chrono::NaiveDate;
use sqlx::AnyPool;

pub async fn home(
    pool: &AnyPool,
    user: SessionUser,
    today: NaiveDate,
) -> Result<StaffHome, AppError> {
    if !user.role.is_staff() {
        return Err(AppError::Forbidden);
    }
    let f = invoices::staff_figures(pool, &today.format("%Y-%m-%d").to_string()).await?;
    let unmatched_payments = {
        let mut conn = pool.acquire().await?;
        crate::server::db::payments::unmatched_recent(
            &mut conn,
            crate::model::staff::UNMATCHED_SHOWN,
        )
        .await?
        .iter()
        .map(crate::server::services::payments::unmatched_view)
        .collect()
    };
    Ok(StaffHome {
        user,
        open_count: f.open_count,
        overdue_count: f.overdue_count,
        outstanding: f.outstanding,
        customers: f.customers,
        unmatched_payments,
    })
}

/// The staff accounts, `is_me` set on the admin asking.
pub async fn accounts(db: &Db, me: i64) -> Result<Vec<StaffAccount>, AppError> {
    Ok(users::list_staff(&db.pool)
        .await?
        .into_iter()
        .map(|(user, active)| StaffAccount {
            is_me: user.id == me,
            user,
            active,
        })
        .collect())
}

/// A staff account as the admin typed it.
#[derive(Debug, Clone)]
pub struct NewStaff<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub password: &'a str,
}

/// Creates an agent or admin with an initial password (10 to 256
/// characters), with its audit row in the same transaction. Every bad field
/// is reported at once; an email already used is refused on "email".
pub async fn create_account(db: &Db, new: &NewStaff<'_>, admin: i64) -> Result<i64, AppError> {
    let mut errors = FieldErrors::default();
    if let Err(p) = check_email(new.email) {
        errors.add("email", p);
    }
    let name = new.name.trim();
    if name.is_empty() {
        errors.add("name", FieldProblem::Required);
    } else if name.chars().count() > 200 {
        errors.add("name", FieldProblem::TooLong);
    }
    let role = Role::parse(new.role).filter(|r| r.is_staff());
    if role.is_none() {
        errors.add("role", FieldProblem::Required);
    }
    if let Err(p) = crate::server::services::accounts::check_new_password(new.password) {
        errors.add("password", p);
    }
    let Some(role) = role.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let email = normalize_email(new.email);
    let taken = || {
        let mut e = FieldErrors::default();
        e.add("email", FieldProblem::AlreadyUsed);
        AppError::Validation(e)
    };
    if users::find_by_email(&db.pool, &email).await?.is_some() {
        return Err(taken());
    }
    let hash = crate::server::auth::hash_password(new.password.to_string()).await?;
    let mut tx = db.begin_write().await?;
    let id = match users::insert(&mut *tx, &email, &hash, role, None, name).await {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Err(taken()),
        Err(e) => return Err(e.into()),
    };
    audit::record_in(&mut tx, Some(admin), "staff_created", &format!("user:{id}")).await?;
    tx.commit().await?;
    Ok(id)
}

/// Sets another staff account's role and whether it may sign in, with its
/// audit row in the same transaction. An admin cannot change their own
/// (`Conflict`); a customer's account is `NotFound`.
pub async fn update_account(
    db: &Db,
    id: i64,
    role: &str,
    active: bool,
    admin: i64,
) -> Result<(), AppError> {
    if id == admin {
        return Err(AppError::Conflict);
    }
    let role = Role::parse(role)
        .filter(|r| r.is_staff())
        .ok_or(AppError::BadRequest)?;
    let mut tx = db.begin_write().await?;
    if users::update_staff(&mut *tx, id, role, active).await? == 0 {
        return Err(AppError::NotFound);
    }
    let action = if active {
        "staff_updated"
    } else {
        "staff_deactivated"
    };
    audit::record_in(&mut tx, Some(admin), action, &format!("user:{id}")).await?;
    tx.commit().await?;
    Ok(())
}

/// Every staff member: id, name, whether active (assignment pickers).
pub async fn members(db: &Db) -> Result<Vec<(i64, String, bool)>, AppError> {
    Ok(users::list_staff(&db.pool)
        .await?
        .into_iter()
        .map(|(u, active)| (u.id, u.display_name, active))
        .collect())
}
