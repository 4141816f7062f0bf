//! Demo mode (`APP_DEMO=1`): one account per role, `<slug>@demo.local`, a
//! demo entity with its account and an administrator, all with password
//! `demo`. Never on unless asked for.

use sqlx::SqlitePool;

use crate::domain::role::Role;

use super::auth::hash_password;
use super::error::ApiError;
use super::store::{self, NewUser};

pub const PASSWORD: &str = "demo";
pub const ENTITY_CODE: &str = "DEMO";

pub fn enabled() -> bool {
    std::env::var("APP_DEMO").is_ok_and(|v| v == "1")
}

/// Creates whatever of the demo data is missing; running it twice is harmless.
pub async fn seed(pool: &SqlitePool) -> Result<(), ApiError> {
    let hash = hash_password(PASSWORD.to_owned()).await?;
    let entity = match store::list_entities(pool)
        .await?
        .into_iter()
        .find(|e| e.code == ENTITY_CODE)
    {
        Some(entity) => entity,
        None => store::create_entity(pool, "Entidad de demostración", ENTITY_CODE).await?,
    };
    let mut accounts: Vec<(String, Vec<Role>, Option<&str>, bool)> = Role::ALL
        .into_iter()
        .filter(|role| *role != Role::Entidad)
        .map(|role| {
            (
                format!("{}@demo.local", role.slug()),
                vec![role],
                None,
                false,
            )
        })
        .collect();
    accounts.push((
        "entidad@demo.local".into(),
        Vec::new(),
        Some(entity.id.as_str()),
        false,
    ));
    accounts.push(("admin@demo.local".into(), Vec::new(), None, true));
    for (email, roles, entity_id, is_admin) in accounts {
        if store::find_user_by_email(pool, &email).await?.is_some() {
            continue;
        }
        store::create_user(
            pool,
            NewUser {
                email: &email,
                password_hash: hash.clone(),
                roles: &roles,
                entity_id,
                is_admin,
            },
        )
        .await?;
    }
    Ok(())
}
