//! Persistence of accounts, sessions and cases. Every change to a case is
//! one transaction that appends to its history and bumps its version.

use std::collections::{BTreeMap, BTreeSet};

use argon2::password_hash::rand_core::{OsRng, RngCore};
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};

use crate::admin::{AccountRow, EntityRow};
pub use crate::cases::CaseFilter;
use crate::cases::{active_activities, CaseSummary, CaseView, HistoryEntry, InboxItem, Repeat};
use crate::domain::access::{Actor, Refusal};
use crate::domain::engine::{CaseState, EngineError};
use crate::domain::procedure::{ActivityNumber, Procedure};
use crate::domain::procedures;
use crate::domain::role::Role;

use super::error::{ApiError, FieldError};

pub use crate::now_ms;

/// A random 128-bit identifier, hex.
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub struct Session {
    pub user_id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
}

pub async fn create_session(
    pool: &SqlitePool,
    token_hash: &str,
    user_id: &str,
) -> Result<(), ApiError> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn find_session(
    pool: &SqlitePool,
    token_hash: &str,
) -> Result<Option<Session>, ApiError> {
    let row =
        sqlx::query("SELECT user_id, created_at, last_seen_at FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|row| Session {
        user_id: row.get("user_id"),
        created_at: row.get("created_at"),
        last_seen_at: row.get("last_seen_at"),
    }))
}

pub async fn touch_session(pool: &SqlitePool, token_hash: &str, now: i64) -> Result<(), ApiError> {
    sqlx::query("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?")
        .bind(now)
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn delete_session(pool: &SqlitePool, token_hash: &str) -> Result<(), ApiError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

#[derive(Clone, Debug)]
pub struct User {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub entity_id: Option<String>,
    pub is_admin: bool,
    pub roles: BTreeSet<Role>,
}

impl User {
    /// The account as the pages and the API show it.
    pub fn account(&self) -> crate::actions::Account {
        crate::actions::Account {
            email: self.email.clone(),
            roles: self.roles.iter().copied().collect(),
            entity_id: self.entity_id.clone(),
            is_admin: self.is_admin,
        }
    }

    pub fn actor(&self) -> Actor {
        Actor {
            roles: self.roles.clone(),
            entity_id: self.entity_id.clone(),
            is_admin: self.is_admin,
        }
    }
}

async fn user_where(
    pool: &SqlitePool,
    column: &str,
    value: &str,
) -> Result<Option<User>, ApiError> {
    let sql = format!(
        "SELECT id, email, password_hash, entity_id, is_admin FROM users WHERE {column} = ?"
    );
    let Some(row) = sqlx::query(&sql).bind(value).fetch_optional(pool).await? else {
        return Ok(None);
    };
    let id: String = row.get("id");
    let entity_id: Option<String> = row.get("entity_id");
    let mut roles: BTreeSet<Role> =
        sqlx::query_scalar::<_, String>("SELECT role FROM user_roles WHERE user_id = ?")
            .bind(&id)
            .fetch_all(pool)
            .await?
            .iter()
            .filter_map(|slug| Role::from_slug(slug))
            .collect();
    if entity_id.is_some() {
        // An entity's account acts as the entity, and as nothing else.
        roles = BTreeSet::from([Role::Entidad]);
    }
    Ok(Some(User {
        id,
        email: row.get("email"),
        password_hash: row.get("password_hash"),
        entity_id,
        is_admin: row.get("is_admin"),
        roles,
    }))
}

pub async fn find_user_by_id(pool: &SqlitePool, id: &str) -> Result<Option<User>, ApiError> {
    user_where(pool, "id", id).await
}

pub async fn find_user_by_email(pool: &SqlitePool, email: &str) -> Result<Option<User>, ApiError> {
    user_where(pool, "email", &email.trim().to_lowercase()).await
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub password_hash: String,
    pub roles: &'a [Role],
    pub entity_id: Option<&'a str>,
    pub is_admin: bool,
}

pub async fn create_user(pool: &SqlitePool, user: NewUser<'_>) -> Result<User, ApiError> {
    let id = new_id();
    let email = user.email.trim().to_lowercase();
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let inserted = sqlx::query(
        "INSERT INTO users (id, email, password_hash, entity_id, is_admin, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING",
    )
    .bind(&id)
    .bind(&email)
    .bind(&user.password_hash)
    .bind(user.entity_id)
    .bind(user.is_admin)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(ApiError::Conflict(format!(
            "Ya existe una cuenta con el correo {email}."
        )));
    }
    for role in user.roles {
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES (?, ?) ON CONFLICT DO NOTHING")
            .bind(&id)
            .bind(role.slug())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    find_user_by_id(pool, &id)
        .await?
        .ok_or_else(|| ApiError::Internal("user vanished after insert".into()))
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Entity {
    pub id: String,
    pub name: String,
    pub code: String,
}

pub async fn create_entity(pool: &SqlitePool, name: &str, code: &str) -> Result<Entity, ApiError> {
    let entity = Entity {
        id: new_id(),
        name: name.trim().to_owned(),
        code: code.trim().to_uppercase(),
    };
    let inserted = sqlx::query("INSERT INTO entities (id, name, code, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (code) DO NOTHING")
        .bind(&entity.id)
        .bind(&entity.name)
        .bind(&entity.code)
        .bind(now_ms())
        .execute(pool)
        .await?;
    if inserted.rows_affected() == 0 {
        return Err(ApiError::Conflict(format!(
            "Ya existe una entidad con el código {}.",
            entity.code
        )));
    }
    Ok(entity)
}

pub async fn find_entity(pool: &SqlitePool, id: &str) -> Result<Option<Entity>, ApiError> {
    let row = sqlx::query("SELECT id, name, code FROM entities WHERE id = ?")
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|row| Entity {
        id: row.get("id"),
        name: row.get("name"),
        code: row.get("code"),
    }))
}

pub async fn list_entities(pool: &SqlitePool) -> Result<Vec<Entity>, ApiError> {
    let rows = sqlx::query("SELECT id, name, code FROM entities ORDER BY name")
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| Entity {
            id: row.get("id"),
            name: row.get("name"),
            code: row.get("code"),
        })
        .collect())
}

/// The entities with how many accounts and open cases each has.
pub async fn list_entity_rows(pool: &SqlitePool) -> Result<Vec<EntityRow>, ApiError> {
    let rows = sqlx::query(
        "SELECT e.id, e.name, e.code,
                (SELECT COUNT(*) FROM users u WHERE u.entity_id = e.id) AS accounts,
                (SELECT COUNT(*) FROM cases c WHERE c.entity_id = e.id AND c.status = 'open') AS open_cases
         FROM entities e ORDER BY e.name",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| EntityRow {
            id: row.get("id"),
            name: row.get("name"),
            code: row.get("code"),
            accounts: row.get("accounts"),
            open_cases: row.get("open_cases"),
        })
        .collect())
}

/// Every account, staff first, then by e-mail.
pub async fn list_accounts(pool: &SqlitePool) -> Result<Vec<AccountRow>, ApiError> {
    let mut roles: BTreeMap<String, Vec<Role>> = BTreeMap::new();
    for row in sqlx::query("SELECT user_id, role FROM user_roles")
        .fetch_all(pool)
        .await?
    {
        if let Some(role) = Role::from_slug(row.get("role")) {
            roles.entry(row.get("user_id")).or_default().push(role);
        }
    }
    let rows = sqlx::query(
        "SELECT u.id, u.email, u.is_admin, u.created_at, e.name AS entity_name
         FROM users u LEFT JOIN entities e ON e.id = u.entity_id
         ORDER BY u.entity_id IS NOT NULL, u.email",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let id: String = row.get("id");
            let entity: Option<String> = row.get("entity_name");
            let mut held = roles.remove(&id).unwrap_or_default();
            if entity.is_some() {
                held = vec![Role::Entidad];
            }
            held.sort();
            AccountRow {
                id,
                email: row.get("email"),
                roles: held,
                entity,
                is_admin: row.get("is_admin"),
                created_at: row.get("created_at"),
            }
        })
        .collect())
}

/// Replaces a staff account's roles and administrator flag in one
/// transaction; `false` when there is no such account.
pub async fn set_user_access(
    pool: &SqlitePool,
    user_id: &str,
    roles: &[Role],
    is_admin: bool,
) -> Result<bool, ApiError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let updated = sqlx::query("UPDATE users SET is_admin = ? WHERE id = ?")
        .bind(is_admin)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM user_roles WHERE user_id = ?")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    for role in roles {
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES (?, ?)")
            .bind(user_id)
            .bind(role.slug())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

fn refusal(refusal: Refusal) -> ApiError {
    match refusal {
        Refusal::NotVisible => case_not_found(),
        Refusal::WrongRole => {
            ApiError::Forbidden("Su rol no permite esta acción en este expediente.".into())
        }
    }
}

fn case_not_found() -> ApiError {
    ApiError::NotFound("No existe el expediente o no le corresponde.".into())
}

/// References count per year as the year reads in Bolivia.
fn year_of(ms: i64) -> i64 {
    crate::cases::bolivia_calendar(ms).0
}

/// Opens a case at activity 1 and returns its id.
pub async fn open_case(
    pool: &SqlitePool,
    user: &User,
    procedure: &'static Procedure,
    entity_id: &str,
    title: &str,
) -> Result<String, ApiError> {
    user.actor()
        .may_open(procedure, entity_id)
        .map_err(|r| match r {
            Refusal::NotVisible => {
                ApiError::Forbidden("Solo puede abrir expedientes de su propia entidad.".into())
            }
            other => refusal(other),
        })?;
    if title.trim().is_empty() {
        return Err(ApiError::invalid(
            "title",
            "Escriba un título que identifique el expediente.",
        ));
    }
    if title.trim().chars().count() > MAX_TITLE {
        return Err(ApiError::invalid(
            "title",
            format!("Use como máximo {MAX_TITLE} caracteres."),
        ));
    }
    if find_entity(pool, entity_id).await?.is_none() {
        return Err(ApiError::invalid(
            "entity_id",
            "No existe una entidad con ese identificador.",
        ));
    }
    let now = now_ms();
    let year = year_of(now);
    let state = CaseState::start(procedure);
    let id = new_id();
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let number: i64 = sqlx::query_scalar(
        "INSERT INTO case_counters (procedure, year, last_number) VALUES (?, ?, 1)
         ON CONFLICT (procedure, year) DO UPDATE SET last_number = case_counters.last_number + 1
         RETURNING last_number",
    )
    .bind(procedure.code)
    .bind(year)
    .fetch_one(&mut *tx)
    .await?;
    let reference = format!("{}-{year}-{number:04}", procedure.code);
    sqlx::query(
        "INSERT INTO cases (id, reference, procedure, entity_id, title, status, state, version, opened_by, opened_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'open', ?, 1, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&reference)
    .bind(procedure.code)
    .bind(entity_id)
    .bind(title.trim())
    .bind(serde_json::to_string(&state).map_err(|e| ApiError::Internal(e.to_string()))?)
    .bind(&user.id)
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    for number in &state.active {
        sqlx::query("INSERT INTO case_current (case_id, activity, since) VALUES (?, ?, ?)")
            .bind(&id)
            .bind(i64::from(*number))
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("INSERT INTO case_history (case_id, version, at, user_id) VALUES (?, 1, ?, ?)")
        .bind(&id)
        .bind(now)
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

struct CaseRow {
    procedure: &'static Procedure,
    entity_id: String,
    state: CaseState,
    version: i64,
}

async fn load_case_row<'e, E>(executor: E, id: &str) -> Result<Option<CaseRow>, ApiError>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    let Some(row) =
        sqlx::query("SELECT procedure, entity_id, state, version FROM cases WHERE id = ?")
            .bind(id)
            .fetch_optional(executor)
            .await?
    else {
        return Ok(None);
    };
    let code: String = row.get("procedure");
    let procedure = procedures::find(&code)
        .ok_or_else(|| ApiError::Internal(format!("case {id} of unknown procedure {code}")))?;
    let state: String = row.get("state");
    Ok(Some(CaseRow {
        procedure,
        entity_id: row.get("entity_id"),
        state: serde_json::from_str(&state)
            .map_err(|e| ApiError::Internal(format!("case {id} state: {e}")))?,
        version: row.get("version"),
    }))
}

pub struct Completion<'a> {
    pub activity: ActivityNumber,
    pub choice: Option<&'a str>,
    pub output_reference: &'a str,
    pub comment: Option<&'a str>,
    /// The version the user saw; an older one is a conflict.
    pub version: i64,
}

const MAX_TITLE: usize = 300;
const MAX_REFERENCE: usize = 200;
const MAX_COMMENT: usize = 2_000;

impl Completion<'_> {
    fn validate(&self) -> Result<(), ApiError> {
        let mut errors = Vec::new();
        let reference = self.output_reference.trim();
        if reference.is_empty() {
            errors.push(FieldError::new(
                "output_reference",
                "Indique la referencia de la salida (por ejemplo, el número de la nota o del informe).",
            ));
        } else if reference.chars().count() > MAX_REFERENCE {
            errors.push(FieldError::new(
                "output_reference",
                format!("Use como máximo {MAX_REFERENCE} caracteres."),
            ));
        }
        if self
            .comment
            .is_some_and(|c| c.chars().count() > MAX_COMMENT)
        {
            errors.push(FieldError::new(
                "comment",
                format!("Use como máximo {MAX_COMMENT} caracteres."),
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Invalid(errors))
        }
    }
}

/// Completes a current activity of a case in one transaction.
pub async fn complete_activity(
    pool: &SqlitePool,
    user: &User,
    case_id: &str,
    completion: Completion<'_>,
) -> Result<(), ApiError> {
    completion.validate()?;
    // A form's untouched choice arrives empty: it means no choice, from the
    // pages and the API alike.
    let choice = completion.choice.map(str::trim).filter(|c| !c.is_empty());
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let case = load_case_row(&mut *tx, case_id)
        .await?
        .ok_or_else(case_not_found)?;
    let actor = user.actor();
    if !actor.may_see(&case.entity_id) {
        return Err(case_not_found());
    }
    let activity = case
        .procedure
        .activity(completion.activity)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "La actividad {} no existe en {}.",
                completion.activity, case.procedure.code
            ))
        })?;
    let role = actor.role_for(activity, &case.entity_id).map_err(refusal)?;
    if completion.version != case.version {
        return Err(ApiError::Conflict(
            "Otra persona modificó este expediente mientras usted lo veía. Recargue la página para ver su estado actual.".into(),
        ));
    }
    let step = case
        .state
        .complete(case.procedure, completion.activity, choice)
        .map_err(|error| match error {
            EngineError::ChoiceRequired { .. } | EngineError::ChoiceNotOffered { .. } => {
                ApiError::invalid("choice", error.to_string())
            }
            EngineError::NotCurrent(_) | EngineError::CaseClosed => {
                ApiError::Conflict(error.to_string())
            }
            EngineError::UnknownActivity(_) => ApiError::NotFound(error.to_string()),
            EngineError::ReachedTwice(_) => ApiError::Internal(error.to_string()),
        })?;
    let now = now_ms();
    let next_version = case.version + 1;
    let closed = step.state.is_closed();
    let ending = step.state.ended.as_ref().map(|e| e.label.clone());
    let updated = sqlx::query(
        "UPDATE cases SET state = ?, version = ?, status = ?, ending = ?, updated_at = ?, closed_at = ?
         WHERE id = ? AND version = ?",
    )
    .bind(serde_json::to_string(&step.state).map_err(|e| ApiError::Internal(e.to_string()))?)
    .bind(next_version)
    .bind(if closed { "closed" } else { "open" })
    .bind(&ending)
    .bind(now)
    .bind(closed.then_some(now))
    .bind(case_id)
    .bind(case.version)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(ApiError::Conflict(
            "El expediente cambió; recargue la página.".into(),
        ));
    }
    // The completed activity leaves the inbox; newly current ones enter it.
    let started_at: Option<i64> = sqlx::query_scalar(
        "DELETE FROM case_current WHERE case_id = ? AND activity = ? RETURNING since",
    )
    .bind(case_id)
    .bind(i64::from(completion.activity))
    .fetch_optional(&mut *tx)
    .await?;
    if closed {
        sqlx::query("DELETE FROM case_current WHERE case_id = ?")
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
    }
    let mut still_current = case.state.active.clone();
    still_current.remove(&completion.activity);
    for number in step.state.active.difference(&still_current) {
        sqlx::query("INSERT INTO case_current (case_id, activity, since) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
            .bind(case_id)
            .bind(i64::from(*number))
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "INSERT INTO case_history (case_id, version, at, user_id, role, activity, choice, output, output_reference, comment, started_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(case_id)
    .bind(next_version)
    .bind(now)
    .bind(&user.id)
    .bind(role.slug())
    .bind(i64::from(completion.activity))
    .bind(step.choice.id)
    .bind(activity.output)
    .bind(completion.output_reference.trim())
    .bind(completion.comment.map(str::trim).filter(|c| !c.is_empty()))
    .bind(started_at)
    .execute(&mut *tx)
    .await?;
    if let Some(started_at) = started_at {
        sqlx::query("INSERT INTO activity_times (procedure, activity, started_at, finished_at) VALUES (?, ?, ?, ?)")
            .bind(case.procedure.code)
            .bind(i64::from(completion.activity))
            .bind(started_at)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A case as its reader may see it: `None` when it does not exist or is
/// another entity's.
pub async fn case_view(
    pool: &SqlitePool,
    actor: &Actor,
    id: &str,
) -> Result<Option<CaseView>, ApiError> {
    let Some(row) = sqlx::query(
        "SELECT c.id, c.reference, c.procedure, c.entity_id, e.name AS entity_name, c.title, c.status,
                c.state, c.version, c.ending, c.opened_at, c.updated_at
         FROM cases c JOIN entities e ON e.id = c.entity_id WHERE c.id = ?",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let entity_id: String = row.get("entity_id");
    if !actor.may_see(&entity_id) {
        return Ok(None);
    }
    let code: String = row.get("procedure");
    let procedure = procedures::find(&code)
        .ok_or_else(|| ApiError::Internal(format!("unknown procedure {code}")))?;
    let state: CaseState = serde_json::from_str(&row.get::<String, _>("state"))
        .map_err(|e| ApiError::Internal(format!("case {id} state: {e}")))?;
    let since: BTreeMap<i64, i64> =
        sqlx::query("SELECT activity, since FROM case_current WHERE case_id = ?")
            .bind(id)
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| (r.get("activity"), r.get("since")))
            .collect();
    let history = sqlx::query(
        "SELECT h.version, h.at, u.email, h.role, h.activity, h.choice, h.output, h.output_reference, h.comment, h.event, h.started_at
         FROM case_history h JOIN users u ON u.id = h.user_id WHERE h.case_id = ? ORDER BY h.version",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| HistoryEntry {
        version: r.get("version"),
        at: r.get("at"),
        user: r.get("email"),
        role: r.get::<Option<String>, _>("role").and_then(|s| Role::from_slug(&s)),
        activity: r.get::<Option<i64>, _>("activity").and_then(|n| ActivityNumber::try_from(n).ok()),
        choice: r.get("choice"),
        output: r.get("output"),
        output_reference: r.get("output_reference"),
        comment: r.get("comment"),
        event: r.get("event"),
        started_at: r.get("started_at"),
    })
    .collect();
    Ok(Some(CaseView {
        id: row.get("id"),
        reference: row.get("reference"),
        procedure: code,
        entity_id,
        entity_name: row.get("entity_name"),
        title: row.get("title"),
        status: row.get("status"),
        version: row.get("version"),
        ending: row.get("ending"),
        opened_at: row.get("opened_at"),
        updated_at: row.get("updated_at"),
        active: active_activities(procedure, &state, |n| {
            since.get(&i64::from(n)).copied().unwrap_or(0)
        }),
        waiting: state.waiting.keys().copied().collect(),
        done: state.done.iter().copied().collect(),
        repeated: state
            .rounds
            .iter()
            .filter(|(_, &rounds)| rounds > 1)
            .map(|(&activity, &rounds)| Repeat { activity, rounds })
            .collect(),
        history,
    }))
}

/// `(c.procedure = 'PR6' AND cc.activity IN (2, 18)) OR …` for the
/// activities that wait for `actor`; `false` when none does.
fn push_waiting_for(builder: &mut QueryBuilder<'_, Sqlite>, actor: &Actor) {
    builder.push("(");
    let mut any = false;
    for procedure in procedures::ALL {
        let numbers = actor.activities_in(procedure);
        if numbers.is_empty() {
            continue;
        }
        if any {
            builder.push(" OR ");
        }
        any = true;
        builder
            .push("(c.procedure = ")
            .push_bind(procedure.code)
            .push(" AND cc.activity IN (");
        let mut list = builder.separated(", ");
        for number in numbers {
            list.push_bind(i64::from(number));
        }
        builder.push("))");
    }
    if !any {
        builder.push("1 = 0");
    }
    builder.push(")");
}

/// Cases standing at the filter's activity, or past the due time of the
/// activity they stand at: one `(procedure, activity[, since before])` term
/// per activity that qualifies.
fn push_standing_at(
    builder: &mut QueryBuilder<'_, Sqlite>,
    filter: &CaseFilter,
    due: &super::stats::DueTimes,
) {
    let now = now_ms();
    builder.push(" AND c.status = 'open' AND EXISTS (SELECT 1 FROM case_current cc WHERE cc.case_id = c.id AND (1 = 0");
    for procedure in procedures::ALL {
        let wanted = filter.procedure.as_deref().and_then(procedures::find);
        if wanted.is_some_and(|w| w.code != procedure.code) {
            continue;
        }
        for activity in procedure.activities {
            if filter.activity.is_some_and(|n| n != activity.number) {
                continue;
            }
            builder
                .push(" OR (c.procedure = ")
                .push_bind(procedure.code)
                .push(" AND cc.activity = ")
                .push_bind(i64::from(activity.number));
            if filter.overdue {
                builder
                    .push(" AND cc.since < ")
                    .push_bind(now - due.of(procedure, activity.number));
            }
            builder.push(")");
        }
    }
    builder.push("))");
}

pub async fn list_cases(
    pool: &SqlitePool,
    actor: &Actor,
    filter: &CaseFilter,
) -> Result<Vec<CaseSummary>, ApiError> {
    let mut builder = QueryBuilder::<Sqlite>::new(
        "SELECT c.id, c.reference, c.procedure, c.entity_id, c.title, c.status, c.version, c.updated_at FROM cases c WHERE 1 = 1",
    );
    let procedure = filter.procedure.as_deref().and_then(procedures::find);
    if filter.procedure.as_deref().is_some_and(|p| !p.is_empty()) && procedure.is_none() {
        return Err(ApiError::invalid(
            "procedure",
            "No existe ese procedimiento; use PR05, PR6, PR7 o PR09.",
        ));
    }
    if let Some(procedure) = procedure {
        builder
            .push(" AND c.procedure = ")
            .push_bind(procedure.code);
    }
    if let Some(status) = filter.status.as_deref().filter(|s| !s.is_empty()) {
        if status != "open" && status != "closed" {
            return Err(ApiError::invalid("status", "El estado es open o closed."));
        }
        builder
            .push(" AND c.status = ")
            .push_bind(status.to_owned());
    }
    // An entity sees its own cases whatever it asks for.
    if let Some(entity) = actor.entity_id.as_ref().or(filter.entity_id.as_ref()) {
        builder
            .push(" AND c.entity_id = ")
            .push_bind(entity.clone());
    }
    if let Some(reference) = filter.reference.as_ref().filter(|r| !r.trim().is_empty()) {
        builder
            .push(" AND UPPER(c.reference) LIKE ")
            .push_bind(format!("%{}%", reference.trim().to_uppercase()));
    }
    if filter.waiting_for_me {
        builder.push(" AND EXISTS (SELECT 1 FROM case_current cc WHERE cc.case_id = c.id AND ");
        push_waiting_for(&mut builder, actor);
        builder.push(")");
    }
    for (column, month) in [
        ("c.opened_at", &filter.opened_in),
        ("c.closed_at", &filter.closed_in),
    ] {
        let Some(month) = month else { continue };
        let bounds = crate::cases::bolivia_month_start(month).zip(
            crate::cases::next_month(month).and_then(|m| crate::cases::bolivia_month_start(&m)),
        );
        let (from, until) = bounds.ok_or_else(|| {
            ApiError::invalid("month", "Escriba el mes como AAAA-MM, por ejemplo 2026-11.")
        })?;
        builder
            .push(format!(" AND {column} >= "))
            .push_bind(from)
            .push(format!(" AND {column} < "))
            .push_bind(until);
    }
    if filter.activity.is_some() || filter.overdue {
        let due = super::stats::DueTimes::load(pool).await?;
        push_standing_at(&mut builder, filter, &due);
    }
    builder.push(" ORDER BY c.opened_at DESC LIMIT 500");
    let rows = builder.build().fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|row| CaseSummary {
            id: row.get("id"),
            reference: row.get("reference"),
            procedure: row.get("procedure"),
            entity_id: row.get("entity_id"),
            title: row.get("title"),
            status: row.get("status"),
            version: row.get("version"),
            updated_at: row.get("updated_at"),
        })
        .collect())
}

/// The current activities that wait for `actor`, oldest first.
pub async fn inbox(pool: &SqlitePool, actor: &Actor) -> Result<Vec<InboxItem>, ApiError> {
    let mut builder = QueryBuilder::<Sqlite>::new(
        "SELECT c.id, c.reference, c.title, c.procedure, e.name AS entity_name, cc.activity, cc.since
         FROM case_current cc JOIN cases c ON c.id = cc.case_id JOIN entities e ON e.id = c.entity_id
         WHERE c.status = 'open' AND ",
    );
    push_waiting_for(&mut builder, actor);
    if let Some(entity) = &actor.entity_id {
        builder
            .push(" AND c.entity_id = ")
            .push_bind(entity.clone());
    }
    builder.push(" ORDER BY cc.since, c.reference LIMIT 500");
    let rows = builder.build().fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|row| InboxItem {
            case_id: row.get("id"),
            reference: row.get("reference"),
            title: row.get("title"),
            procedure: row.get("procedure"),
            entity_name: row.get("entity_name"),
            activity: ActivityNumber::try_from(row.get::<i64, _>("activity")).unwrap_or_default(),
            since: row.get("since"),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::year_of;

    #[test]
    fn references_count_by_the_bolivian_year() {
        assert_eq!(year_of(0), 1969, "still 1969 in La Paz");
        // 2026-01-01T03:59:59Z is New Year's Eve in La Paz; 04:00Z is not.
        assert_eq!(year_of(1_767_239_999_000), 2025);
        assert_eq!(year_of(1_767_240_000_000), 2026);
    }
}
