//! Demo mode (`APP_DEMO=1`): one account per role, `<slug>@demo.local`, a
//! demo entity with its account and an administrator, all with password
//! `demo`. Never on unless asked for, only on a database made for it, and
//! its accounts are marked so that they sign in only in demo mode.

use crate::domain::role::Role;

use super::auth::hash_password;
use super::error::ApiError;
use super::store::{Db, NewUser};

pub const PASSWORD: &str = "demo";
pub const ENTITY_CODE: &str = "DEMO";

/// Creates whatever of the demo data is missing; running it twice is harmless.
pub async fn seed(db: &Db) -> Result<(), ApiError> {
    let hash = hash_password(PASSWORD.to_owned()).await?;
    let existing = db
        .list_entities()
        .await?
        .into_iter()
        .find(|e| e.code == ENTITY_CODE);
    let entity = match existing {
        Some(entity) => entity,
        // Another server starting at the same moment may have made it.
        None => match db
            .create_entity(None, "Entidad de demostración", ENTITY_CODE)
            .await?
        {
            Some(entity) => entity,
            None => db
                .list_entities()
                .await?
                .into_iter()
                .find(|e| e.code == ENTITY_CODE)
                .ok_or_else(|| ApiError::Internal("demo entity vanished".into()))?,
        },
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
        if db.find_user_by_email(&email).await?.is_some() {
            continue;
        }
        // `None`: another server made it meanwhile, which is as good.
        db.create_user(NewUser {
            id: None,
            email: Some(&email),
            password_hash: Some(hash.clone()),
            ci_number: None,
            full_name: None,
            subject: None,
            roles: &roles,
            entity_id,
            is_admin,
            demo: true,
        })
        .await?;
    }
    Ok(())
}
