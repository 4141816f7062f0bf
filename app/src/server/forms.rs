//! The entity's request forms on the server: drafts kept as typed, and sent
//! versions checked with the same `validate()` as the browser, attached to
//! the entity's open PR6 case and recorded in its history.

use super::error::ApiError;
use super::store::{
    new_id, AuditEntry, Db, FormReturn, FormSubmission, ReturnOutcome, SubmissionRow,
    SubmitOutcome, User,
};
use crate::audit::AuditEvent;
use crate::domain::calendar::now_ms;
use crate::domain::case_input::check_observations;
use crate::forms::{
    today_in_bolivia, Anexo, Anexo1, Anexo2, Anexo3, AnyForm, Draft, Submission, SubmissionStatus,
};
use crate::portal::{FormStanding, Portal};

/// A form's JSON beyond this is not a form anyone typed.
const MAX_FORM_BYTES: usize = 32 * 1024;

/// The entity an account fills forms for; staff do not fill them.
fn entity_of(user: &User) -> Result<String, ApiError> {
    user.actor()
        .fills_forms_for()
        .map(str::to_owned)
        .ok_or_else(|| {
            ApiError::Forbidden(
                "Los formularios los llena una cuenta de la entidad solicitante.".into(),
            )
        })
}

fn parse(anexo: Anexo, data: &str) -> Result<AnyForm, ApiError> {
    let value: serde_json::Value = serde_json::from_str(data)
        .map_err(|e| ApiError::Internal(format!("stored form is not JSON: {e}")))?;
    // Stored forms carry their tag; a bare form body is read as `anexo`.
    match serde_json::from_value::<AnyForm>(value.clone()) {
        Ok(form) => Ok(form),
        Err(_) => AnyForm::from_json(anexo, value).map_err(ApiError::Internal),
    }
}

/// The draft of `anexo` for the user's entity; when none was saved yet, a
/// form pre-filled with what the entity already typed elsewhere.
pub async fn load_draft(db: &Db, user: &User, anexo: Anexo) -> Result<Draft, ApiError> {
    let entity = entity_of(user)?;
    if let Some((data, saved_at)) = db.draft(&entity, anexo).await? {
        return Ok(Draft {
            form: parse(anexo, &data)?,
            saved_at: Some(saved_at),
        });
    }
    Ok(Draft {
        form: prefilled(db, user, &entity, anexo).await?,
        saved_at: None,
    })
}

/// What the entity typed once serves every form: its e-mail, contacts and
/// its own name and code.
async fn prefilled(db: &Db, user: &User, entity: &str, anexo: Anexo) -> Result<AnyForm, ApiError> {
    let mut email = user.email.clone().unwrap_or_default();
    let mut contacts = Vec::new();
    for (index, (slug, data, _)) in db.drafts(entity).await?.iter().enumerate() {
        let Some(slug) = Anexo::from_slug(slug) else {
            continue;
        };
        let form = parse(slug, data)?;
        let typed_email = match &form {
            AnyForm::Uno(f) => f.email.trim().to_owned(),
            AnyForm::Dos(f) => {
                contacts = f.contacts.clone();
                f.email.trim().to_owned()
            }
            AnyForm::Tres(f) => f.email.trim().to_owned(),
        };
        if index == 0 && !typed_email.is_empty() {
            email = typed_email;
        }
    }
    let own = db
        .find_entity(entity)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("entity {entity} vanished")))?;
    Ok(match anexo {
        Anexo::Uno => AnyForm::Uno(Anexo1 {
            email,
            ..Anexo1::default()
        }),
        Anexo::Dos => AnyForm::Dos(Anexo2 {
            email,
            contacts,
            ..Anexo2::default()
        }),
        Anexo::Tres => AnyForm::Tres(Anexo3 {
            email,
            entity_name: own.name,
            entity_code: own.code,
            ..Anexo3::default()
        }),
    })
}

/// Keeps what was typed, whatever its state: a draft is never refused for
/// being incomplete or wrong. Returns when it was saved.
pub async fn save_draft(db: &Db, user: &User, form: &AnyForm) -> Result<i64, ApiError> {
    let entity = entity_of(user)?;
    let data = serde_json::to_string(form).map_err(|e| ApiError::Internal(e.to_string()))?;
    if data.len() > MAX_FORM_BYTES {
        return Err(ApiError::invalid(
            "form",
            "El formulario es demasiado largo para guardarlo; acorte los textos.",
        ));
    }
    let now = now_ms();
    db.save_draft(&entity, form.anexo(), &data, &user.id, now)
        .await?;
    Ok(now)
}

/// Sends the saved draft of `anexo`: checked again here, kept as an
/// immutable new version, attached to the entity's open PR6 case and
/// recorded in its history, all in one transaction.
pub async fn submit(db: &Db, user: &User, anexo: Anexo) -> Result<Submission, ApiError> {
    let entity = entity_of(user)?;
    let draft = load_draft(db, user, anexo).await?;
    if draft.saved_at.is_none() {
        return Err(ApiError::Conflict(
            "No hay un borrador guardado de este formulario: llénelo antes de enviarlo.".into(),
        ));
    }
    let form = draft.form.normalised();
    let report = form.validate(today_in_bolivia());
    let mut errors = report.errors;
    if let AnyForm::Uno(anexo1) = &form {
        let anexo2_sent = db.sent_and_kept(&entity, Anexo::Dos).await?;
        errors.extend(anexo1.prerequisite(anexo2_sent));
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let data = serde_json::to_string(&form).map_err(|e| ApiError::Internal(e.to_string()))?;
    let id = new_id();
    let outcome = db
        .submit_form(&FormSubmission {
            id: &id,
            entity_id: &entity,
            anexo,
            data: &data,
            user_id: &user.id,
            at: now_ms(),
        })
        .await?;
    match outcome {
        SubmitOutcome::Sent(_) => {}
        SubmitOutcome::NoOpenCase => return Err(ApiError::Conflict(
            "Su entidad no tiene un expediente PR6 abierto al que adjuntar el formulario. Ábralo en Expedientes y vuelva a enviar: el borrador se conserva.".into(),
        )),
        SubmitOutcome::CaseChanged => return Err(ApiError::Conflict(
            "El expediente cambió mientras se registraba el formulario; intente de nuevo.".into(),
        )),
    }
    find_submission(db, &id)
        .await?
        .ok_or_else(|| ApiError::Internal("submission vanished after insert".into()))
}

/// AGETIC staff return a sent form with observations; the entity corrects
/// its draft and sends a new version.
pub async fn return_submission(
    db: &Db,
    user: &User,
    id: &str,
    observations: &str,
) -> Result<Submission, ApiError> {
    let role = user.actor().form_reviewer_role().ok_or_else(|| {
        ApiError::Forbidden("Solo el personal del AIT o la UGAT devuelve formularios.".into())
    })?;
    let errors = check_observations(observations);
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let outcome = db
        .return_form(&FormReturn {
            id,
            observations: observations.trim(),
            user_id: &user.id,
            role,
            at: now_ms(),
        })
        .await?;
    match outcome {
        ReturnOutcome::Returned(_) => {}
        ReturnOutcome::NotFound => {
            return Err(ApiError::NotFound(
                "No existe ese formulario enviado.".into(),
            ))
        }
        ReturnOutcome::AlreadyReturned => {
            return Err(ApiError::Conflict(
                "Este formulario ya fue devuelto; la entidad enviará una nueva versión.".into(),
            ))
        }
        ReturnOutcome::CaseChanged => {
            return Err(ApiError::Conflict(
                "El expediente cambió mientras se registraba la devolución; intente de nuevo."
                    .into(),
            ))
        }
    }
    let returned = find_submission(db, id)
        .await?
        .ok_or_else(|| ApiError::Internal("submission vanished after update".into()))?;
    db.audit(
        &AuditEntry::new(AuditEvent::FormReturned)
            .by(user)
            .about(returned.reference.clone())
            .detail(serde_json::json!({ "entidad": returned.entity_name })),
    )
    .await?;
    Ok(returned)
}

fn submission_from(row: &SubmissionRow) -> Result<Submission, ApiError> {
    let anexo = Anexo::from_slug(&row.anexo)
        .ok_or_else(|| ApiError::Internal("unknown form kind".into()))?;
    Ok(Submission {
        id: row.id.clone(),
        reference: row.reference.clone(),
        version: row.version,
        case_id: row.case_id.clone(),
        case_reference: row.case_reference.clone(),
        entity_name: row.entity_name.clone(),
        status: if row.status == "returned" {
            SubmissionStatus::Returned
        } else {
            SubmissionStatus::Submitted
        },
        observations: row.observations.clone(),
        submitted_at: row.submitted_at,
        submitted_by: row.submitted_by.clone(),
        form: parse(anexo, &row.data)?.with_secrets_masked(),
    })
}

async fn find_submission(db: &Db, id: &str) -> Result<Option<Submission>, ApiError> {
    db.find_submission(id)
        .await?
        .as_ref()
        .map(submission_from)
        .transpose()
}

/// A sent form the user may see: staff any, an entity its own.
pub async fn submission(db: &Db, user: &User, id: &str) -> Result<Submission, ApiError> {
    let not_found =
        || ApiError::NotFound("No existe ese formulario enviado o no le corresponde.".into());
    let row = db.find_submission(id).await?.ok_or_else(not_found)?;
    if !user.actor().may_see(std::slice::from_ref(&row.entity_id)) {
        return Err(not_found());
    }
    submission_from(&row)
}

/// The sent forms of a case, or of the user's entity, newest first.
pub async fn submissions(
    db: &Db,
    user: &User,
    case_id: Option<&str>,
) -> Result<Vec<Submission>, ApiError> {
    if !user.actor().sees_cases() {
        return Ok(Vec::new());
    }
    db.submissions(case_id, user.entity_id.as_deref())
        .await?
        .iter()
        .map(submission_from)
        .collect()
}

/// The entity's portal: its open PR6 case, and where each form stands.
pub async fn portal(db: &Db, user: &User) -> Result<Portal, ApiError> {
    let entity = entity_of(user)?;
    let entity_name = db
        .find_entity(&entity)
        .await?
        .map(|e| e.name)
        .ok_or_else(|| ApiError::Internal(format!("entity {entity} vanished")))?;
    let open_case = db.open_pr6_case(&entity).await?;
    let sent = submissions(db, user, None).await?;
    let drafts = db.drafts(&entity).await?;
    let forms = Anexo::ALL
        .into_iter()
        .map(|anexo| FormStanding {
            anexo,
            draft_saved_at: drafts
                .iter()
                .find(|(slug, _, _)| slug == anexo.slug())
                .map(|(_, _, at)| *at),
            latest: sent.iter().find(|s| s.form.anexo() == anexo).cloned(),
        })
        .collect();
    Ok(Portal {
        entity_name,
        open_case,
        forms,
    })
}

/// The latest sent version of `anexo` for the user's entity.
pub async fn latest(db: &Db, user: &User, anexo: Anexo) -> Result<Option<Submission>, ApiError> {
    entity_of(user)?;
    Ok(submissions(db, user, None)
        .await?
        .into_iter()
        .find(|s| s.form.anexo() == anexo))
}
