//! A case's records for auditors and archives: its dossier (JSON, CSV and
//! PDF) and the history of many cases as one streamed CSV.

use std::collections::BTreeMap;

use futures_util::stream::{self, Stream};

use crate::cases::{CaseFilter, CaseKey, HistoryEntry};
use crate::dashboard::{csv, csv_records};
use crate::domain::access::Actor;
use crate::domain::calendar::now_ms;
use crate::dossier::{CaseHeading, Dossier, HISTORY_CSV_HEADER};
use crate::server::case_lookup::stored_definition;
use crate::server::cases::{case_not_found, query_of, standing_at, view, StandingAt};
use crate::server::error::ApiError;
use crate::server::forms::submissions;
use crate::server::store::{Db, ExportedCase, User};

/// Cases read at a time by the export: what it holds in memory at most.
const EXPORT_BATCH: i64 = 500;

/// The dossier of a case the user may see; an entity's own cases only,
/// another's is not found.
pub async fn dossier(db: &Db, user: &User, id: &str) -> Result<Dossier, ApiError> {
    let case = view(db, &user.actor(), id)
        .await?
        .ok_or_else(case_not_found)?;
    let forms = submissions(db, user, Some(id)).await?;
    Ok(Dossier::new(case, forms, now_ms()))
}

/// The dossier's history as CSV, a record per entry.
pub fn history_csv(dossier: &Dossier) -> String {
    let heading = CaseHeading::of(&dossier.case);
    let procedure = dossier.procedure();
    let rows = dossier
        .case
        .history
        .iter()
        .enumerate()
        .map(|(index, entry)| heading.csv_record(procedure, index + 1, entry).to_vec());
    csv(&HISTORY_CSV_HEADER, rows)
}

/// The history of every case `filter` asks for, as CSV in parts: the
/// header, then the cases oldest first, a batch at a time, so that the
/// memory it takes stays the same however many cases there are. The
/// filter is checked before anything is sent.
pub async fn history_export(
    db: Db,
    user: &User,
    filter: CaseFilter,
) -> Result<impl Stream<Item = Result<String, ApiError>> + Send + 'static, ApiError> {
    let actor = user.actor();
    if !actor.exports_history() {
        return Err(ApiError::Forbidden(
            "El historial de los expedientes lo descargan los administradores, el Jefe de la UGAT, la DGE y el Responsable del AIT.".into(),
        ));
    }
    // Where the cases stand is worked out once, so that every batch reads
    // the same cases.
    let standing_at = standing_at(&db, &filter).await?;
    query_of(&actor, &filter, standing_at.clone())?;
    let walk = Walk {
        db,
        actor,
        filter,
        standing_at,
        after: None,
        header_sent: false,
        finished: false,
    };
    Ok(stream::try_unfold(walk, |mut walk| async move {
        if walk.finished {
            return Ok(None);
        }
        let cases = {
            let query = query_of(&walk.actor, &walk.filter, walk.standing_at.clone())?;
            walk.db
                .export_cases(&query, walk.after.as_ref(), EXPORT_BATCH)
                .await?
        };
        walk.finished = cases.len() < EXPORT_BATCH as usize;
        walk.after = cases.last().map(|case| CaseKey {
            opened_at: case.opened_at,
            id: case.id.clone(),
        });
        let mut part = String::new();
        if !walk.header_sent {
            walk.header_sent = true;
            part = csv(&HISTORY_CSV_HEADER, Vec::<Vec<String>>::new());
        }
        part.push_str(&batch_csv(&walk.db, &cases).await?);
        Ok(Some((part, walk)))
    }))
}

/// Where the export stands.
struct Walk {
    db: Db,
    actor: Actor,
    filter: CaseFilter,
    standing_at: Option<StandingAt>,
    after: Option<CaseKey>,
    header_sent: bool,
    finished: bool,
}

async fn batch_csv(db: &Db, cases: &[ExportedCase]) -> Result<String, ApiError> {
    let ids: Vec<String> = cases.iter().map(|c| c.id.clone()).collect();
    let mut histories: BTreeMap<String, Vec<HistoryEntry>> = BTreeMap::new();
    for (case_id, entry) in db.histories(&ids).await? {
        histories.entry(case_id).or_default().push(entry);
    }
    let mut records = Vec::new();
    for case in cases {
        let procedure =
            stored_definition(&case.procedure, case.procedure_version).ok_or_else(|| {
                ApiError::Internal(format!(
                    "case {} follows an unknown procedure {} v{}",
                    case.id, case.procedure, case.procedure_version
                ))
            })?;
        let heading = CaseHeading {
            reference: case.reference.clone(),
            procedure: case.procedure.clone(),
            procedure_version: procedure.version,
            entity_names: case.entity_names.clone(),
        };
        let entries = histories.remove(&case.id).unwrap_or_default();
        records.extend(
            entries
                .iter()
                .enumerate()
                .map(|(index, entry)| heading.csv_record(procedure, index + 1, entry)),
        );
    }
    Ok(csv_records(records))
}
