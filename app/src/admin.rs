//! The administrators' view of entities and accounts, and the server
//! functions behind the admin page.

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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminOverview {
    pub entities: Vec<EntityRow>,
    pub accounts: Vec<AccountRow>,
}

/// The roles a form sends as one comma-separated field.
pub fn split_roles(joined: &str) -> Vec<String> {
    joined
        .split(',')
        .map(str::trim)
        .filter(|slug| !slug.is_empty())
        .map(str::to_owned)
        .collect()
}

#[server]
pub async fn load_administration() -> Result<AdminOverview, ServerFnError> {
    use crate::actions::backend;
    use crate::server::admin;
    let pool = backend::pool()?;
    let (user, _) = backend::signed_in(&pool).await?;
    Ok(admin::overview(&pool, &user).await?)
}

#[server]
pub async fn register_entity(name: String, code: String) -> Result<(), ServerFnError> {
    use crate::actions::backend;
    use crate::server::admin;
    let pool = backend::pool()?;
    let (user, _) = backend::signed_in(&pool).await?;
    admin::create_entity(&pool, &user, &name, &code).await?;
    Ok(())
}

/// `entity_id` empty for a staff account; `roles` comma-separated slugs.
#[server]
pub async fn create_account(
    email: String,
    password: String,
    entity_id: String,
    roles: String,
    is_admin: Option<String>,
) -> Result<(), ServerFnError> {
    use crate::actions::backend;
    use crate::server::admin::{self, NewAccount};
    let pool = backend::pool()?;
    let (user, _) = backend::signed_in(&pool).await?;
    let request = NewAccount {
        email,
        password,
        roles: split_roles(&roles),
        entity_id: Some(entity_id),
        is_admin: is_admin.is_some(),
    };
    admin::create_account(&pool, &user, request).await?;
    Ok(())
}

#[server]
pub async fn change_access(
    user_id: String,
    roles: String,
    is_admin: Option<String>,
) -> Result<AccountRow, ServerFnError> {
    use crate::actions::backend;
    use crate::server::admin;
    let pool = backend::pool()?;
    let (user, _) = backend::signed_in(&pool).await?;
    Ok(admin::change_access(
        &pool,
        &user,
        &user_id,
        &split_roles(&roles),
        is_admin.is_some(),
    )
    .await?)
}

#[cfg(test)]
mod tests {
    use super::split_roles;

    #[test]
    fn a_form_sends_roles_as_one_field() {
        assert_eq!(split_roles("jefe-ugat, dge,,"), ["jefe-ugat", "dge"]);
        assert!(split_roles("").is_empty());
    }
}
