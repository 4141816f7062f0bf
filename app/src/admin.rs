//! The administrators' view of entities and accounts. Changes go through
//! the JSON API (`/api/v1/entities`, `/api/v1/users`).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::role::Role;

/// A registered public entity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntityRow {
    pub id: String,
    pub name: String,
    pub code: String,
    pub accounts: i64,
    pub open_cases: i64,
}

/// An account as administrators see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountRow {
    pub id: String,
    pub email: String,
    pub roles: Vec<Role>,
    /// The entity's name, for an entity's account.
    pub entity: Option<String>,
    pub is_admin: bool,
    pub created_at: i64,
}

/// An activity's due time: what an administrator set, if anything, and
/// the default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DueRow {
    pub procedure: String,
    pub activity: u16,
    pub set_hours: Option<i64>,
    pub default_hours: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminOverview {
    pub entities: Vec<EntityRow>,
    pub accounts: Vec<AccountRow>,
    pub due_times: Vec<DueRow>,
}

#[server]
pub async fn load_administration() -> Result<AdminOverview, ServerFnError> {
    use crate::actions::backend;
    use crate::server::admin;
    let pool = backend::pool()?;
    let (user, _) = backend::signed_in(&pool).await?;
    Ok(admin::overview(&pool, &user).await?)
}
