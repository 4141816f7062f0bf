//! Derivation: a current activity given to a named person who holds its
//! role — by whoever completes an activity the manual says derives, by
//! the Jefe de la UGAT or the Responsable del AIT at any time (with a
//! reason when it was someone else's), taken by anyone with its role, or
//! released back to them. Each is an event of the case, in its history.

use super::case_lookup::{activity_of, procedure_of, refusal, stale, visible_case};
use super::error::ApiError;
use super::store::{CaseChange, Db, User};
use crate::cases::{CaseView, HistoryEvent};
use crate::domain::derivation::{self, derives, REASSIGNERS};
use crate::domain::procedure::{Activity, ActivityNumber, Procedure};
use crate::domain::role::{roles_label, Role};
use crate::notifications::{Candidate, Candidates, MAX_REASON};

/// What is done with a current activity.
pub enum Derivation<'a> {
    /// A head gives it to `user_id`.
    Assign {
        user_id: &'a str,
        reason: Option<&'a str>,
    },
    /// The person takes it.
    Take,
    /// Its holder (or a head) hands it back to everyone with its role.
    Release,
}

/// The activities of `entered` that `person` may hold, when the completed
/// `activity` derives; refused when it does not, or when the person may
/// hold none of them.
pub async fn check_derivation(
    db: &Db,
    procedure: &Procedure,
    activity: &Activity,
    entered: &[ActivityNumber],
    person: &str,
    case_entities: &[&str],
) -> Result<Vec<ActivityNumber>, ApiError> {
    if !derives(activity) {
        return Err(ApiError::invalid(
            "assignee",
            format!(
                "La actividad {} no deriva el trabajo a una persona: complétela sin elegir a nadie.",
                activity.number
            ),
        ));
    }
    let candidate = active_person(db, "assignee", person).await?;
    let derived: Vec<ActivityNumber> = entered
        .iter()
        .copied()
        .filter(|&n| {
            procedure
                .activity(n)
                .is_some_and(|a| candidate.actor().may_hold(a, case_entities))
        })
        .collect();
    if derived.is_empty() {
        let roles: Vec<Role> = entered
            .iter()
            .filter_map(|&n| procedure.activity(n))
            .flat_map(|a| a.roles.iter().copied())
            .collect();
        return Err(ApiError::invalid(
            "assignee",
            format!(
                "{} no tiene el rol de la actividad que sigue ({}).",
                candidate.label(),
                roles_label(&roles)
            ),
        ));
    }
    Ok(derived)
}

async fn active_person(db: &Db, field: &str, id: &str) -> Result<User, ApiError> {
    db.find_user_by_id(id)
        .await?
        .filter(|u| !u.disabled)
        .ok_or_else(|| {
            ApiError::invalid(
                field,
                "No existe esa persona o su cuenta está deshabilitada.",
            )
        })
}

/// Refuses `user` an activity derived to someone else.
pub fn held_by_another(
    current: &[(i64, i64, Option<String>, Option<String>)],
    activity: ActivityNumber,
    user: &User,
) -> Result<(), ApiError> {
    let holder = current
        .iter()
        .find(|(number, ..)| *number == i64::from(activity))
        .and_then(|(_, _, id, name)| id.as_ref().map(|id| (id, name)));
    match holder {
        Some((id, name)) if *id != user.id => Err(ApiError::Forbidden(format!(
            "La actividad {activity} está derivada a {}: pida que se la reasignen para completarla.",
            name.as_deref().unwrap_or("otra persona")
        ))),
        _ => Ok(()),
    }
}

/// The role under which a head derives: the first of theirs that does.
fn head_role(user: &User) -> Option<Role> {
    REASSIGNERS
        .into_iter()
        .find(|role| user.roles.contains(role))
        .filter(|_| user.entity_id.is_none())
}

/// Derives, takes or releases a current activity of a case. Without a
/// version seen, a change made by someone else meanwhile is no conflict.
pub async fn derive(
    db: &Db,
    user: &User,
    case_id: &str,
    number: ActivityNumber,
    what: Derivation<'_>,
    version: Option<i64>,
) -> Result<(), ApiError> {
    let mut tries = if version.is_some() { 1 } else { 3 };
    loop {
        tries -= 1;
        match derive_once(db, user, case_id, number, &what, version).await {
            Err(ApiError::Conflict(_)) if tries > 0 => continue,
            outcome => return outcome,
        }
    }
}

async fn derive_once(
    db: &Db,
    user: &User,
    case_id: &str,
    number: ActivityNumber,
    what: &Derivation<'_>,
    version: Option<i64>,
) -> Result<(), ApiError> {
    let record = visible_case(db, user, case_id).await?;
    let actor = user.actor();
    let procedure = procedure_of(&record)?;
    let activity = activity_of(procedure, number)?;
    let current = db.current_since(case_id).await?;
    let Some((_, _, holder, holder_name)) =
        current.into_iter().find(|(n, ..)| *n == i64::from(number))
    else {
        return Err(ApiError::Conflict(format!(
            "La actividad {number} no está en curso en este expediente."
        )));
    };
    if version.is_some_and(|seen| seen != record.version) {
        return Err(stale());
    }
    let holder_name = holder_name.unwrap_or_else(|| "otra persona".into());
    let (event, role, assignee, comment, notices) = match what {
        Derivation::Take => {
            let role = actor
                .role_for(activity, &record.entity_ids())
                .map_err(refusal)?;
            match holder.as_deref() {
                Some(id) if id == user.id => return Ok(()),
                Some(_) => {
                    return Err(ApiError::Conflict(format!(
                        "La actividad {number} ya está derivada a {holder_name}."
                    )))
                }
                None => (
                    HistoryEvent::Taken,
                    role,
                    Some(user.id.as_str()),
                    None,
                    Vec::new(),
                ),
            }
        }
        Derivation::Release => {
            let Some(id) = holder.as_deref() else {
                return Err(ApiError::Conflict(format!(
                    "La actividad {number} no está derivada a nadie."
                )));
            };
            let role = if id == user.id {
                actor
                    .role_for(activity, &record.entity_ids())
                    .map_err(refusal)?
            } else {
                head_role(user).ok_or_else(|| {
                    ApiError::Forbidden(format!(
                        "La actividad {number} está derivada a {holder_name}: solo esa persona, el Jefe de la UGAT o el Responsable del AIT la liberan."
                    ))
                })?
            };
            // Everyone with its role hears that it waits for them again.
            let notices = vec![derivation::on_entering(activity, None)];
            (HistoryEvent::Released, role, None, None, notices)
        }
        Derivation::Assign { user_id, reason } => {
            let role = head_role(user).ok_or_else(|| {
                ApiError::Forbidden(
                    "Solo el Jefe de la UGAT o el Responsable del AIT derivan o reasignan actividades en curso."
                        .into(),
                )
            })?;
            let reason = reason.map(str::trim).filter(|r| !r.is_empty());
            if reason.is_some_and(|r| r.chars().count() > MAX_REASON) {
                return Err(ApiError::invalid(
                    "reason",
                    format!("Escriba el motivo en {MAX_REASON} caracteres como máximo."),
                ));
            }
            let candidate = active_person(db, "user_id", user_id).await?;
            if !candidate.actor().may_hold(activity, &record.entity_ids()) {
                return Err(ApiError::invalid(
                    "user_id",
                    format!(
                        "{} no tiene el rol de la actividad {number} ({}).",
                        candidate.label(),
                        roles_label(activity.roles)
                    ),
                ));
            }
            match holder.as_deref() {
                Some(id) if id == candidate.id => return Ok(()),
                Some(_) if reason.is_none() => {
                    return Err(ApiError::invalid(
                        "reason",
                        format!(
                            "Diga por qué reasigna la actividad: está derivada a {holder_name}."
                        ),
                    ))
                }
                _ => {}
            }
            let notices = vec![derivation::on_entering(activity, Some(&candidate.id))];
            (
                HistoryEvent::Assigned,
                role,
                Some(*user_id),
                reason,
                notices,
            )
        }
    };
    let applied = db
        .append(&CaseChange {
            case_id,
            expected_version: record.version,
            at: crate::domain::calendar::now_ms(),
            user_id: &user.id,
            role,
            event,
            activity: Some(number),
            choice: None,
            output: None,
            output_reference: None,
            comment,
            step: None,
            files: &[],
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

/// The lists of people the case page offers `user` on `case` (read
/// already through the reader's access): for each current activity, to the
/// heads who derive it, those who may hold it; to whoever may complete an
/// activity that derives, those who may hold what follows it. Each person
/// is once in a list.
pub async fn offered_lists(
    db: &Db,
    user: &User,
    case: &CaseView,
    procedure: &Procedure,
) -> Result<Vec<Candidates>, ApiError> {
    let actor = user.actor();
    let mut lists: Vec<Vec<ActivityNumber>> = Vec::new();
    for activity in case
        .active
        .iter()
        .filter_map(|a| procedure.activity(a.number))
    {
        if actor.reassigns() {
            lists.push(vec![activity.number]);
        }
        if derives(activity) && actor.role_for(activity, &case.entity_ids()).is_ok() {
            lists.push(activity.successors().collect());
        }
    }
    lists.dedup();
    let mut offered = Vec::with_capacity(lists.len());
    for numbers in lists {
        let mut people: Vec<Candidate> = Vec::new();
        for activity in numbers.iter().filter_map(|&n| procedure.activity(n)) {
            for person in db
                .holders(&case.id, activity.roles, user.entity_id.as_deref())
                .await?
            {
                if !people.iter().any(|p| p.id == person.id) {
                    people.push(person);
                }
            }
        }
        offered.push(Candidates { numbers, people });
    }
    Ok(offered)
}

/// The people an activity of a case may be derived to.
pub async fn candidates(
    db: &Db,
    user: &User,
    case_id: &str,
    number: ActivityNumber,
) -> Result<Vec<Candidate>, ApiError> {
    let record = visible_case(db, user, case_id).await?;
    let activity = activity_of(procedure_of(&record)?, number)?;
    db.holders(&record.id, activity.roles, user.entity_id.as_deref())
        .await
}
