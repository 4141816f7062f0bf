//! Accounts and entities as the pages and the API show them.

use serde::{Deserialize, Serialize};

use crate::domain::role::Role;

/// The signed-in account as the pages need it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub email: Option<String>,
    /// How the app names the person (their name, else e-mail, else CI).
    pub name: String,
    pub ci_number: Option<String>,
    pub roles: Vec<Role>,
    pub entity_id: Option<String>,
    pub is_admin: bool,
    /// After an administrator's reset: a new password before anything else.
    #[serde(default)]
    pub must_change_password: bool,
    /// Whether the account has a local password (else it signs in with
    /// Ciudadanía Digital only).
    #[serde(default)]
    pub has_password: bool,
}

impl Account {
    pub fn is_entity(&self) -> bool {
        self.entity_id.is_some()
    }

    /// What the access rules know of this account.
    pub fn actor(&self) -> crate::domain::access::Actor {
        crate::domain::access::Actor {
            roles: self.roles.iter().copied().collect(),
            entity_id: self.entity_id.clone(),
            is_admin: self.is_admin,
            person: Some(self.id.clone()),
        }
    }
}

/// A public entity that requests services.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Entity {
    pub id: String,
    pub name: String,
    pub code: String,
}

/// An entity a case can be opened for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntityChoice {
    pub id: String,
    pub name: String,
}

/// A registered public entity, as administrators see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
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
    pub email: Option<String>,
    pub name: String,
    pub ci_number: Option<String>,
    pub roles: Vec<Role>,
    /// The entity's name, for an entity's account.
    pub entity: Option<String>,
    pub is_admin: bool,
    /// Refused at sign-in until an administrator enables it again.
    #[serde(default)]
    pub disabled: bool,
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
    /// People Ciudadanía Digital vouched for, waiting to be let in.
    pub access_requests: Vec<crate::identity::AccessRequest>,
}
