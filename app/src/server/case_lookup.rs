//! Finding a case and an activity for a request, with the refusals every
//! case service answers in the same words: below the services (cases,
//! derivation, files), so that each may use them without importing another.

use super::error::ApiError;
use super::store::{CaseRecord, Db, User};
use crate::domain::access::Refusal;
use crate::domain::procedure::{Activity, ActivityNumber, Procedure};
use crate::domain::procedures;

pub fn refusal(refusal: Refusal) -> ApiError {
    match refusal {
        Refusal::NotVisible => case_not_found(),
        Refusal::WrongRole => {
            ApiError::Forbidden("Su rol no permite esta acción en este expediente.".into())
        }
    }
}

pub fn case_not_found() -> ApiError {
    ApiError::NotFound("No existe el expediente o no le corresponde.".into())
}

/// What a person is told when someone else changed the case first.
pub fn stale() -> ApiError {
    ApiError::Conflict(
        "Otra persona modificó este expediente mientras usted lo veía. Recargue la página para ver su estado actual.".into(),
    )
}

/// The case `id` when `user` may see it; another entity's is as missing.
pub async fn visible_case(db: &Db, user: &User, id: &str) -> Result<CaseRecord, ApiError> {
    db.find_case(id)
        .await?
        .filter(|record| user.actor().may_see(&record.entity_ids()))
        .ok_or_else(case_not_found)
}

/// Activity `number` of `procedure`, or a 404 that says so.
pub fn activity_of(
    procedure: &'static Procedure,
    number: ActivityNumber,
) -> Result<&'static Activity, ApiError> {
    procedure.activity(number).ok_or_else(|| {
        ApiError::NotFound(format!(
            "La actividad {number} no existe en {}.",
            procedure.code
        ))
    })
}

/// The version of a procedure a stored case follows, as the store keeps it.
pub fn stored_definition(code: &str, version: i64) -> Option<&'static Procedure> {
    procedures::definition(code, u16::try_from(version).ok()?)
}

pub fn procedure_of(record: &CaseRecord) -> Result<&'static Procedure, ApiError> {
    stored_definition(&record.procedure, record.procedure_version).ok_or_else(|| {
        ApiError::Internal(format!(
            "case {} of unknown procedure {} version {}",
            record.id, record.procedure, record.procedure_version
        ))
    })
}
