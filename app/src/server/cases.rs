//! The case service: who may open, see and complete what, checked input,
//! and the engine's move, above the store; the server functions and the
//! JSON handlers both come through here.

use std::collections::BTreeMap;

pub use super::case_lookup::{
    activity_of, case_not_found, procedure_of, refusal, stale, visible_case,
};
use super::error::ApiError;
use super::stats::DueTimes;
use super::store::not_pending;
use super::store::{CaseChange, CaseQuery, CaseRecord, Db, NewCase, StateChange, User};
use crate::accounts::EntityChoice;
use crate::cases::{
    active_activities, forms_received, CaseFilter, CaseStatus, CaseSummary, CaseView, HistoryEvent,
    InboxItem, InboxPart, ManualEdition, Person, Repeat, NO_FORMS_RECEIVED,
};
use crate::documents::{MAX_FILES_PER_ENTRY, NOTHING_TO_ATTACH};
use crate::domain::access::{Actor, Refusal};
use crate::domain::calendar::{bolivia_calendar, bolivia_month_start, next_month, now_ms};
use crate::domain::case_input::{check_comment, check_completion, check_entities, check_title};
use crate::domain::derivation;
use crate::domain::engine::{CaseState, EngineError};
use crate::domain::procedure::{ActivityNumber, Concerns, Procedure};
use crate::domain::procedures;
use crate::domain::role::Role;
use crate::forms::Anexo;
use crate::paging::{Cursor, Page, PageQuery, PageRequest};

fn reject_if_any(errors: Vec<crate::domain::validation::FieldError>) -> Result<(), ApiError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Invalid(errors))
    }
}

/// The entities a new case is asked to concern: `entity_id` for one (empty
/// for none, as a form's select sends it) or `entity_ids` for several.
pub fn named_entities(
    entity_id: Option<String>,
    entity_ids: Option<Vec<String>>,
) -> Result<Vec<String>, ApiError> {
    match (entity_id, entity_ids) {
        (Some(_), Some(_)) => Err(ApiError::invalid(
            "entity_id",
            "Indique entity_id (una entidad) o entity_ids (varias), no ambos.",
        )),
        (Some(one), None) => Ok(Some(one.trim().to_owned())
            .filter(|id| !id.is_empty())
            .into_iter()
            .collect()),
        (None, many) => Ok(many
            .unwrap_or_default()
            .into_iter()
            .map(|id| id.trim().to_owned())
            .collect()),
    }
}

/// Opens a case concerning `entity_ids` (in that order) at its first
/// activity and returns its id.
pub async fn open(
    db: &Db,
    user: &User,
    procedure: &'static Procedure,
    entity_ids: &[String],
    title: &str,
) -> Result<String, ApiError> {
    user.actor()
        .may_open(procedure, entity_ids)
        .map_err(|r| match r {
            Refusal::NotVisible => {
                ApiError::Forbidden("Solo puede abrir expedientes de su propia entidad.".into())
            }
            other => refusal(other),
        })?;
    let mut errors = check_entities(procedure.concerns, entity_ids);
    errors.extend(check_title(title));
    reject_if_any(errors)?;
    for entity_id in entity_ids {
        if db.find_entity(entity_id).await?.is_none() {
            return Err(ApiError::invalid(
                "entity_id",
                format!("No existe una entidad con el identificador «{entity_id}»."),
            ));
        }
    }
    let at = now_ms();
    let state = CaseState::start(procedure);
    let id = super::store::new_id();
    db.open_case(&NewCase {
        id: &id,
        procedure,
        year: bolivia_calendar(at).0,
        entity_ids,
        title: title.trim(),
        current_since: state.active.iter().map(|&n| (n, at)).collect(),
        notices: state
            .active
            .iter()
            .filter_map(|&n| procedure.activity(n))
            .map(|activity| derivation::on_entering(activity, None))
            .collect(),
        state: &state,
        opened_by: &user.id,
        at,
    })
    .await?;
    Ok(id)
}

/// A completion as the person sent it.
pub struct Completion<'a> {
    pub activity: ActivityNumber,
    pub choice: Option<&'a str>,
    pub output_reference: &'a str,
    pub comment: Option<&'a str>,
    /// The version the person saw; another one is a conflict.
    pub version: i64,
    /// Pending uploads of the person, attached as the activity's output.
    pub files: &'a [String],
    /// For an activity the manual says derives, the person the work that
    /// follows goes to (they must hold a role of it).
    pub assignee: Option<&'a str>,
    /// For an activity that receives the request forms, going on although
    /// none was received has been confirmed.
    pub without_forms: bool,
}

/// Files added to a case after the fact: to an activity already completed
/// (a correction: the earlier files stay) or to a form the entity sent.
pub struct Attachment<'a> {
    pub to: AttachTo<'a>,
    pub files: &'a [String],
    pub comment: Option<&'a str>,
    /// The version the person saw, when given (adding files conflicts
    /// with nothing, so none may be given).
    pub version: Option<i64>,
}

pub enum AttachTo<'a> {
    Activity(ActivityNumber),
    /// A sent form, by its id.
    Submission(&'a str),
}

/// Checks that `ids` are the person's pending uploads in this case, each
/// once and not too many.
async fn check_pending(
    db: &Db,
    user: &User,
    case_id: &str,
    ids: &[String],
) -> Result<(), ApiError> {
    if ids.len() > MAX_FILES_PER_ENTRY {
        return Err(ApiError::invalid(
            "files",
            format!("Adjunte como máximo {MAX_FILES_PER_ENTRY} archivos a la vez."),
        ));
    }
    for (index, id) in ids.iter().enumerate() {
        if ids[..index].contains(id) {
            return Err(ApiError::invalid(
                "files",
                format!("El archivo {id} está repetido."),
            ));
        }
        let pending = db.find_file(id).await?.is_some_and(|file| {
            file.case_id == case_id && file.uploader_id == user.id && file.version.is_none()
        });
        if !pending {
            return Err(not_pending(id));
        }
    }
    Ok(())
}

/// The role under which `user` names further entities on `record`: only
/// an open case of a procedure that concerns any number of them, and only
/// its staff.
fn entity_naming_role(
    user: &User,
    record: &CaseRecord,
    procedure: &Procedure,
) -> Result<Role, ApiError> {
    if procedure.concerns != Concerns::AnyEntities {
        return Err(ApiError::invalid(
            "entity_id",
            "Este procedimiento atiende solo a la entidad que lo pidió: no se le añaden otras.",
        ));
    }
    let role = user.actor().names_entities(procedure).ok_or_else(|| {
        ApiError::Forbidden(
            "Solo el personal que sigue este procedimiento añade entidades al expediente.".into(),
        )
    })?;
    if record.status == CaseStatus::Closed {
        return Err(ApiError::Conflict(
            "El expediente está cerrado: ya no se le añaden entidades.".into(),
        ));
    }
    Ok(role)
}

/// The entities `user` may still name on case `case_id`, by name; none
/// when they may name none there.
pub async fn entities_to_name(
    db: &Db,
    user: &User,
    case_id: &str,
) -> Result<Vec<EntityChoice>, ApiError> {
    let record = visible_case(db, user, case_id).await?;
    let procedure = procedure_of(&record)?;
    if entity_naming_role(user, &record, procedure).is_err() {
        return Ok(Vec::new());
    }
    let named = record.entity_ids();
    Ok(db
        .list_entities()
        .await?
        .into_iter()
        .filter(|e| !named.contains(&e.id.as_str()))
        .map(|e| EntityChoice {
            id: e.id,
            name: e.name,
        })
        .collect())
}

/// Names `entity_id` as concerned by case `case_id` too, after those named
/// before it: a PR09 case names its entities as its analysis finds them.
pub async fn name_entity(
    db: &Db,
    user: &User,
    case_id: &str,
    entity_id: &str,
    version: Option<i64>,
) -> Result<(), ApiError> {
    let record = visible_case(db, user, case_id).await?;
    let procedure = procedure_of(&record)?;
    let role = entity_naming_role(user, &record, procedure)?;
    let entity_id = entity_id.trim();
    if entity_id.is_empty() {
        return Err(ApiError::invalid(
            "entity_id",
            "Elija la entidad que añade.",
        ));
    }
    let mut named = record.entity_ids();
    if named.contains(&entity_id) {
        return Err(ApiError::invalid(
            "entity_id",
            "Esa entidad ya figura en el expediente.",
        ));
    }
    named.push(entity_id);
    reject_if_any(check_entities(procedure.concerns, &named))?;
    if db.find_entity(entity_id).await?.is_none() {
        return Err(ApiError::invalid(
            "entity_id",
            format!("No existe una entidad con el identificador «{entity_id}»."),
        ));
    }
    if version.is_some_and(|seen| seen != record.version) {
        return Err(stale());
    }
    // The entity hears of its own work that is already waiting.
    let notices = db
        .current_since(case_id)
        .await?
        .iter()
        .filter_map(|(number, ..)| procedure.activity(ActivityNumber::try_from(*number).ok()?))
        .filter_map(|activity| derivation::on_naming(activity, entity_id))
        .collect();
    let applied = db
        .append(&CaseChange {
            case_id,
            expected_version: record.version,
            at: now_ms(),
            user_id: &user.id,
            role,
            event: HistoryEvent::EntityNamed,
            activity: None,
            choice: None,
            output: None,
            output_reference: None,
            comment: None,
            step: None,
            files: &[],
            supports: None,
            assignee: None,
            entity: Some(entity_id),
            notices,
        })
        .await?;
    if applied {
        Ok(())
    } else {
        Err(stale())
    }
}

/// Attaches files to a completed activity or a sent form of a case, as a
/// new history entry. Without a version seen, a change made by someone
/// else meanwhile is no conflict: the files go to the case as it is then.
pub async fn attach(
    db: &Db,
    user: &User,
    case_id: &str,
    attachment: Attachment<'_>,
) -> Result<(), ApiError> {
    let mut tries = if attachment.version.is_some() { 1 } else { 3 };
    loop {
        tries -= 1;
        match attach_once(db, user, case_id, &attachment).await {
            Err(ApiError::Conflict(_)) if tries > 0 => continue,
            outcome => return outcome,
        }
    }
}

async fn attach_once(
    db: &Db,
    user: &User,
    case_id: &str,
    attachment: &Attachment<'_>,
) -> Result<(), ApiError> {
    let comment = attachment.comment.map(str::trim).filter(|c| !c.is_empty());
    reject_if_any(check_comment(comment))?;
    if attachment.files.is_empty() {
        return Err(ApiError::invalid("files", NOTHING_TO_ATTACH));
    }
    let record = visible_case(db, user, case_id).await?;
    let actor = user.actor();
    let procedure = procedure_of(&record)?;
    let (role, activity, output, reference) = match attachment.to {
        AttachTo::Activity(number) => {
            let activity = activity_of(procedure, number)?;
            let role = actor
                .role_for(activity, &record.entity_ids())
                .map_err(refusal)?;
            let completed = db
                .history(case_id)
                .await?
                .iter()
                .any(|h| h.activity == Some(number) && h.event.is_none());
            if !completed {
                return Err(ApiError::invalid(
                    "activity",
                    format!("La actividad {number} aún no se completó: adjunte sus archivos al completarla."),
                ));
            }
            (role, Some(number), activity.output.to_owned(), None)
        }
        AttachTo::Submission(id) => {
            let submission = db
                .find_submission(id)
                .await?
                .filter(|s| s.case_id == case_id)
                .ok_or_else(|| {
                    ApiError::NotFound(
                        "No existe ese formulario enviado en este expediente.".into(),
                    )
                })?;
            if actor.entity_id.as_deref() != Some(submission.entity_id.as_str()) {
                return Err(ApiError::Forbidden(
                    "Solo la entidad que envió el formulario puede adjuntarle documentos.".into(),
                ));
            }
            let anexo = Anexo::from_slug(&submission.anexo).map(|a| a.title().to_owned());
            (
                Role::Entidad,
                None,
                anexo.unwrap_or(submission.anexo),
                Some(submission.reference),
            )
        }
    };
    if attachment
        .version
        .is_some_and(|seen| seen != record.version)
    {
        return Err(stale());
    }
    check_pending(db, user, case_id, attachment.files).await?;
    let supports = match attachment.to {
        AttachTo::Submission(id) => Some(id),
        AttachTo::Activity(_) => None,
    };
    let applied = db
        .append(&CaseChange {
            case_id,
            expected_version: record.version,
            at: now_ms(),
            user_id: &user.id,
            role,
            event: HistoryEvent::FilesAttached,
            activity,
            choice: None,
            output: Some(&output),
            output_reference: reference.as_deref(),
            comment,
            step: None,
            files: attachment.files,
            supports,
            assignee: None,
            entity: None,
            notices: Vec::new(),
        })
        .await?;
    if applied {
        Ok(())
    } else {
        Err(stale())
    }
}

pub(super) fn state_of(record: &CaseRecord) -> Result<CaseState, ApiError> {
    serde_json::from_str(&record.state)
        .map_err(|e| ApiError::Internal(format!("case {} state: {e}", record.id)))
}

/// Completes a current activity of a case: one event appended, refused
/// whole when the case moved on since the person saw it.
pub async fn complete(
    db: &Db,
    user: &User,
    case_id: &str,
    completion: Completion<'_>,
) -> Result<(), ApiError> {
    reject_if_any(check_completion(
        completion.output_reference,
        completion.comment,
    ))?;
    // A form's untouched choice arrives empty: it means no choice, from the
    // pages and the API alike.
    let choice = completion.choice.map(str::trim).filter(|c| !c.is_empty());
    let record = visible_case(db, user, case_id).await?;
    let actor = user.actor();
    let procedure = procedure_of(&record)?;
    let activity = activity_of(procedure, completion.activity)?;
    let role = actor
        .role_for(activity, &record.entity_ids())
        .map_err(refusal)?;
    if completion.version != record.version {
        return Err(stale());
    }
    let current = db.current_since(case_id).await?;
    super::derivation::held_by_another(&current, completion.activity, user)?;
    check_pending(db, user, case_id, completion.files).await?;
    let state = state_of(&record)?;
    let step = state
        .complete(procedure, completion.activity, choice)
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
    // Only once the activity may be completed at all: asking to confirm
    // what would be refused anyway helps nobody.
    if activity.receives_forms
        && !completion.without_forms
        && forms_received(&db.history(case_id).await?).is_empty()
    {
        return Err(ApiError::invalid("without_forms", NO_FORMS_RECEIVED));
    }
    let entered = step.entered(&state, completion.activity);
    // Work for an entity cannot wait for nobody: a PR09 case names its
    // entities before the note goes out to them.
    if record.entities.is_empty() {
        if let Some(next) = entered
            .iter()
            .filter_map(|&n| procedure.activity(n))
            .find(|a| a.is_entitys_alone())
        {
            return Err(ApiError::invalid(
                "entity_id",
                format!(
                    "Lo que sigue, la actividad {} · {}, es de la entidad, y el expediente aún no nombra ninguna: añada antes la entidad a la que concierne.",
                    next.number, next.title
                ),
            ));
        }
    }
    let assignee = completion.assignee.map(str::trim).filter(|a| !a.is_empty());
    let derived = match assignee {
        Some(person) => {
            super::derivation::check_derivation(
                db,
                procedure,
                activity,
                &entered,
                person,
                &record.entity_ids(),
            )
            .await?
        }
        None => Vec::new(),
    };
    let notices = entered
        .iter()
        .filter_map(|&n| procedure.activity(n))
        .map(|a| {
            let to = assignee.filter(|_| derived.contains(&a.number));
            derivation::on_entering(a, to)
        })
        .collect();
    let applied = db
        .append(&CaseChange {
            case_id,
            expected_version: record.version,
            at: now_ms(),
            user_id: &user.id,
            role,
            event: HistoryEvent::Completed,
            activity: Some(completion.activity),
            choice: Some(step.choice.id),
            output: Some(activity.output),
            output_reference: Some(completion.output_reference.trim()),
            comment: completion.comment.map(str::trim).filter(|c| !c.is_empty()),
            step: Some(StateChange {
                procedure,
                entered,
                derived,
                state: &step.state,
            }),
            files: completion.files,
            supports: None,
            assignee,
            entity: None,
            notices,
        })
        .await?;
    if applied {
        Ok(())
    } else {
        Err(stale())
    }
}

/// A case as its reader may see it: `None` when it does not exist or is
/// another entity's.
pub async fn view(db: &Db, actor: &Actor, id: &str) -> Result<Option<CaseView>, ApiError> {
    let Some(record) = db.find_case(id).await? else {
        return Ok(None);
    };
    if !actor.may_see(&record.entity_ids()) {
        return Ok(None);
    }
    let procedure = procedure_of(&record)?;
    let state = state_of(&record)?;
    let current: BTreeMap<i64, (i64, Option<Person>)> = db
        .current_since(id)
        .await?
        .into_iter()
        .map(|(activity, since, assignee_id, assignee)| {
            let person = assignee_id.map(|id| Person {
                id,
                name: assignee.unwrap_or_default(),
            });
            (activity, (since, person))
        })
        .collect();
    let history = db.history(id).await?;
    Ok(Some(CaseView {
        active: active_activities(procedure, &state, |n| {
            current.get(&i64::from(n)).cloned().unwrap_or((0, None))
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
        id: record.id,
        reference: record.reference,
        procedure: record.procedure,
        procedure_version: procedure.version,
        manual: ManualEdition::of(procedure),
        entities: record.entities,
        title: record.title,
        status: record.status,
        version: record.version,
        ending: record.ending,
        opened_at: record.opened_at,
        updated_at: record.updated_at,
    }))
}

/// `[from, until)` of a month in Bolivia, from `"2026-11"`.
fn month_range(month: &str) -> Result<(i64, i64), ApiError> {
    bolivia_month_start(month)
        .zip(next_month(month).and_then(|m| bolivia_month_start(&m)))
        .ok_or_else(|| {
            ApiError::invalid("month", "Escriba el mes como AAAA-MM, por ejemplo 2026-11.")
        })
}

/// A page of the cases the filter asks for that `actor` may see, newest
/// first, with how many there are in all.
pub async fn list(
    db: &Db,
    actor: &Actor,
    filter: &CaseFilter,
    page: &PageRequest,
) -> Result<Page<CaseSummary>, ApiError> {
    let page = checked(page)?;
    let query = case_query(db, actor, filter).await?;
    if !actor.sees_cases() {
        return Ok(Page::assemble(Vec::new(), &page, 0));
    }
    let (rows, total) = tokio::try_join!(db.list_cases(&query, &page), db.count_cases(&query))?;
    Ok(Page::assemble(rows, &page, total))
}

/// The open cases standing at some activities, each `(procedure version,
/// activity, current since before)`.
pub type StandingAt = Vec<(&'static Procedure, ActivityNumber, Option<i64>)>;

/// The cases `filter` asks for among those `actor` may see, as the store
/// reads them: the case list and the export of the history alike.
pub async fn case_query<'a>(
    db: &Db,
    actor: &'a Actor,
    filter: &'a CaseFilter,
) -> Result<CaseQuery<'a>, ApiError> {
    let standing_at = standing_at(db, filter).await?;
    query_of(actor, filter, standing_at)
}

/// Where `filter` asks the open cases to stand (an activity, overdue), as
/// of now; `None` when it does not ask.
pub async fn standing_at(db: &Db, filter: &CaseFilter) -> Result<Option<StandingAt>, ApiError> {
    if filter.activity.is_none() && !filter.overdue {
        return Ok(None);
    }
    let procedure = wanted_procedure(filter)?;
    let due = DueTimes::load(db).await?;
    let now = now_ms();
    let mut terms = Vec::new();
    for &p in procedures::every_version() {
        if procedure.is_some_and(|w| w.code != p.code) {
            continue;
        }
        for activity in p.activities {
            if filter.activity.is_some_and(|n| n != activity.number) {
                continue;
            }
            let since_before = filter.overdue.then(|| now - due.of(p, activity.number));
            terms.push((p, activity.number, since_before));
        }
    }
    Ok(Some(terms))
}

fn wanted_procedure(filter: &CaseFilter) -> Result<Option<&'static Procedure>, ApiError> {
    match filter
        .procedure
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(code) => procedures::find(code).map(Some).ok_or_else(|| {
            ApiError::invalid(
                "procedure",
                "No existe ese procedimiento; use PR05, PR6, PR7 o PR09.",
            )
        }),
        None => Ok(None),
    }
}

/// `filter` checked and read, with where the cases stand worked out
/// beforehand ([`standing_at`]).
pub fn query_of<'a>(
    actor: &'a Actor,
    filter: &'a CaseFilter,
    standing_at: Option<StandingAt>,
) -> Result<CaseQuery<'a>, ApiError> {
    let status = match filter.status.as_deref().filter(|s| !s.is_empty()) {
        Some(text) => Some(
            CaseStatus::parse(text)
                .ok_or_else(|| ApiError::invalid("status", "El estado es open o closed."))?,
        ),
        None => None,
    };
    Ok(CaseQuery {
        procedure: wanted_procedure(filter)?,
        status,
        // An entity sees its own cases whatever it asks for.
        entity_id: actor
            .entity_id
            .as_deref()
            .or(filter.entity_id.as_deref().filter(|e| !e.is_empty())),
        reference: filter
            .reference
            .as_ref()
            .map(|r| r.trim().to_uppercase())
            .filter(|r| !r.is_empty()),
        waiting_for: filter.waiting_for_me.then_some(actor),
        opened: filter.opened_in.as_deref().map(month_range).transpose()?,
        closed: filter.closed_in.as_deref().map(month_range).transpose()?,
        standing_at,
    })
}

/// A page of the current activities that wait for `actor`, longest waiting
/// first, with how many there are in all.
pub async fn inbox(
    db: &Db,
    actor: &Actor,
    part: InboxPart,
    page: &PageRequest,
) -> Result<Page<InboxItem>, ApiError> {
    let page = checked(page)?;
    let (rows, total) =
        tokio::try_join!(db.inbox(actor, part, &page), db.count_inbox(actor, part))?;
    Ok(Page::assemble(rows, &page, total))
}

fn checked<K: Cursor>(page: &PageRequest) -> Result<PageQuery<K>, ApiError> {
    page.check()
        .map_err(|error| ApiError::invalid(error.field(), error.message()))
}

#[cfg(test)]
mod tests {
    use crate::domain::calendar::bolivia_calendar;

    #[test]
    fn references_count_by_the_bolivian_year() {
        let year_of = |ms| bolivia_calendar(ms).0;
        assert_eq!(year_of(0), 1969, "still 1969 in La Paz");
        // 2026-01-01T03:59:59Z is New Year's Eve in La Paz; 04:00Z is not.
        assert_eq!(year_of(1_767_239_999_000), 2025);
        assert_eq!(year_of(1_767_240_000_000), 2026);
    }
}
