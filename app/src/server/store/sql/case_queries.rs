//! Cases as their readers see them: one case with its history, the case
//! list with its filters, and the inbox.

use sqlx::QueryBuilder;

use super::dialect::{Pool, DB};
use crate::cases::{
    CaseEntity, CaseKey, CaseSummary, HistoryEntry, HistoryEvent, InboxItem, InboxKey, InboxPart,
    Person,
};
use crate::domain::access::Actor;
use crate::domain::procedure::ActivityNumber;
use crate::domain::procedures;
use crate::domain::role::Role;
use crate::paging::{Direction, PageQuery};
use crate::server::error::ApiError;
use crate::server::store::{CaseQuery, CaseRecord, ExportedCase};

pub async fn find_case(pool: &Pool, id: &str) -> Result<Option<CaseRecord>, ApiError> {
    let Some(mut case) = sqlx::query_as::<_, CaseRecord>(
        "SELECT c.id, c.reference, c.procedure, c.procedure_version, c.title, c.status,
                c.state, c.version, c.ending, c.opened_at, c.updated_at
         FROM cases c WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    case.entities = sqlx::query_as::<_, CaseEntity>(
        "SELECT e.id, e.name FROM case_entities ce JOIN entities e ON e.id = ce.entity_id
         WHERE ce.case_id = $1 ORDER BY ce.position",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(Some(case))
}

/// Each current activity of the case: since when, and whom it is derived
/// to `(activity, since, assignee id, assignee name)`.
pub async fn current_since(
    pool: &Pool,
    id: &str,
) -> Result<Vec<(i64, i64, Option<String>, Option<String>)>, ApiError> {
    Ok(
        sqlx::query_as::<_, (i64, i64, Option<String>, Option<String>)>(concat!(
        "SELECT cc.activity, cc.since, cc.assignee_id, ",
        person_label!(),
        " FROM case_current cc LEFT JOIN users u ON u.id = cc.assignee_id WHERE cc.case_id = $1"
    ))
        .bind(id)
        .fetch_all(pool)
        .await?,
    )
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    version: i64,
    at: i64,
    person: String,
    role: Option<String>,
    activity: Option<i64>,
    choice: Option<String>,
    output: Option<String>,
    output_reference: Option<String>,
    comment: Option<String>,
    event: Option<String>,
    started_at: Option<i64>,
    assignee_id: Option<String>,
    assignee: Option<String>,
    entity_id: Option<String>,
    entity_name: Option<String>,
}

pub async fn history(pool: &Pool, id: &str) -> Result<Vec<HistoryEntry>, ApiError> {
    let rows = sqlx::query_as::<_, HistoryRow>(
        concat!(
            "SELECT h.version, h.at, ",
            person_label!(),
            " AS person, h.role, h.activity, h.choice, h.output, h.output_reference, h.comment, h.event, h.started_at,
             h.assignee_id, ",
            person_label!(a),
            " AS assignee, h.entity_id, he.name AS entity_name
             FROM case_history h JOIN users u ON u.id = h.user_id LEFT JOIN users a ON a.id = h.assignee_id
             LEFT JOIN entities he ON he.id = h.entity_id
             WHERE h.case_id = $1 ORDER BY h.version"
        ),
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let mut files = super::files::attached_files(pool, id)
        .await?
        .into_iter()
        .peekable();
    Ok(rows
        .into_iter()
        .map(|r| {
            // Both in version order: each entry takes the files it attached.
            let mut attached = Vec::new();
            while let Some(file) = files.next_if(|f| f.version <= Some(r.version)) {
                attached.push(file);
            }
            r.entry(attached)
        })
        .collect())
}

impl HistoryRow {
    fn entry(self, files: Vec<crate::documents::FileInfo>) -> HistoryEntry {
        let activity = self.activity.and_then(|n| ActivityNumber::try_from(n).ok());
        let event = match HistoryEvent::from_column(self.event.as_deref(), activity) {
            HistoryEvent::Opened | HistoryEvent::Completed => None,
            other => Some(other),
        };
        HistoryEntry {
            version: self.version,
            at: self.at,
            user: self.person,
            role: self.role.as_deref().and_then(Role::from_slug),
            activity,
            choice: self.choice,
            output: self.output,
            output_reference: self.output_reference,
            comment: self.comment,
            event,
            started_at: self.started_at,
            files,
            assignee: self.assignee_id.map(|id| Person {
                id,
                name: self.assignee.unwrap_or_default(),
            }),
            entity: self.entity_id.map(|id| CaseEntity {
                id,
                name: self.entity_name.unwrap_or_default(),
            }),
        }
    }
}

/// The next `limit` cases `query` asks for after `after`, oldest opened
/// first: the export of the history walks every case this way.
pub async fn export_cases(
    pool: &Pool,
    query: &CaseQuery<'_>,
    after: Option<&CaseKey>,
    limit: i64,
) -> Result<Vec<ExportedCase>, ApiError> {
    let mut builder = QueryBuilder::<DB>::new(concat!(
        "SELECT c.id, c.reference, c.procedure, c.procedure_version, ",
        entity_names!(),
        " AS entity_names, c.opened_at FROM cases c WHERE 1 = 1"
    ));
    push_case_filters(&mut builder, query, Reading::Page);
    if let Some(key) = after {
        builder
            .push(" AND (c.opened_at, c.id) > (")
            .push_bind(key.opened_at)
            .push(", ")
            .push_bind(key.id.clone())
            .push(")");
    }
    builder
        .push(" ORDER BY c.opened_at, c.id LIMIT ")
        .push_bind(limit);
    Ok(builder
        .build_query_as::<ExportedCase>()
        .fetch_all(pool)
        .await?)
}

/// The histories of `ids`, each in order, without their files:
/// `(case id, entry)`.
pub async fn histories(
    pool: &Pool,
    ids: &[String],
) -> Result<Vec<(String, HistoryEntry)>, ApiError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut builder = QueryBuilder::<DB>::new(concat!(
        "SELECT h.case_id, h.version, h.at, ",
        person_label!(),
        " AS person, h.role, h.activity, h.choice, h.output, h.output_reference, h.comment, h.event, h.started_at,
         h.assignee_id, ",
        person_label!(a),
        " AS assignee, h.entity_id, he.name AS entity_name
         FROM case_history h JOIN users u ON u.id = h.user_id LEFT JOIN users a ON a.id = h.assignee_id
         LEFT JOIN entities he ON he.id = h.entity_id
         WHERE h.case_id IN ("
    ));
    let mut separated = builder.separated(", ");
    for id in ids {
        separated.push_bind(id.clone());
    }
    builder.push(") ORDER BY h.case_id, h.version");
    let rows = builder
        .build_query_as::<CaseHistoryRow>()
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.case_id, r.row.entry(Vec::new())))
        .collect())
}

#[derive(sqlx::FromRow)]
struct CaseHistoryRow {
    case_id: String,
    #[sqlx(flatten)]
    row: HistoryRow,
}

/// How the current activities' columns are named in a filter.
#[derive(Clone, Copy)]
enum Columns {
    /// As they are: the planner may look them up in their index.
    Indexed,
    /// As expressions, so that the planner reads the inbox's order index
    /// and stops after a page, instead of gathering every match and
    /// sorting it.
    InOrder,
}

/// The current activities that wait for `actor`: those derived to them,
/// and those of their roles that nobody holds.
fn push_waiting_for(builder: &mut QueryBuilder<'_, DB>, actor: &Actor, columns: Columns) {
    push_inbox_part(builder, actor, columns, InboxPart::All);
}

fn push_inbox_part(
    builder: &mut QueryBuilder<'_, DB>,
    actor: &Actor,
    columns: Columns,
    part: InboxPart,
) {
    let person = actor.person.clone().unwrap_or_default();
    match part {
        InboxPart::AssignedToMe => {
            builder.push("cc.assignee_id = ").push_bind(person);
        }
        InboxPart::ForMyRoles => {
            builder.push("(cc.assignee_id IS NULL AND ");
            push_for_roles(builder, actor, columns);
            builder.push(")");
        }
        InboxPart::All => {
            builder
                .push("(cc.assignee_id = ")
                .push_bind(person)
                .push(" OR (cc.assignee_id IS NULL AND ");
            push_for_roles(builder, actor, columns);
            builder.push("))");
        }
    }
}

/// `(cc.procedure = 'PR6' AND cc.procedure_version = 1 AND cc.activity IN
/// (2, 18)) OR …` for the activities of `actor`'s roles in every version;
/// `1 = 0` when none is.
fn push_for_roles(builder: &mut QueryBuilder<'_, DB>, actor: &Actor, columns: Columns) {
    let (procedure_column, version_column, activity_column) = match columns {
        Columns::Indexed => ("cc.procedure", "cc.procedure_version", "cc.activity"),
        Columns::InOrder => (
            "(cc.procedure || '')",
            "(cc.procedure_version + 0)",
            "(cc.activity + 0)",
        ),
    };
    builder.push("(");
    let mut any = false;
    for procedure in procedures::every_version() {
        let numbers = actor.activities_in(procedure);
        if numbers.is_empty() {
            continue;
        }
        if any {
            builder.push(" OR ");
        }
        any = true;
        builder
            .push(format!("({procedure_column} = "))
            .push_bind(procedure.code)
            .push(format!(" AND {version_column} = "))
            .push_bind(i64::from(procedure.version))
            .push(format!(" AND {activity_column} IN ("));
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

/// How a filter on the current activities is written: a page walks the
/// cases in the list's order and checks each one (`EXISTS`), a count reads
/// the qualifying current activities once (`IN`).
#[derive(Clone, Copy)]
enum Reading {
    Page,
    Count,
}

impl Reading {
    fn current_activity(self) -> &'static str {
        match self {
            Reading::Page => {
                " AND EXISTS (SELECT 1 FROM case_current cc WHERE cc.case_id = c.id AND ("
            }
            Reading::Count => " AND c.id IN (SELECT cc.case_id FROM case_current cc WHERE (",
        }
    }
}

/// ` AND …` for each filter of `query`, over `cases c`.
fn push_case_filters(builder: &mut QueryBuilder<'_, DB>, query: &CaseQuery<'_>, reading: Reading) {
    if let Some(procedure) = query.procedure {
        builder
            .push(" AND c.procedure = ")
            .push_bind(procedure.code);
    }
    if let Some(status) = query.status {
        builder.push(" AND c.status = ").push_bind(status.as_str());
    }
    if let Some(entity) = query.entity_id {
        builder
            .push(" AND c.id IN (SELECT case_id FROM case_entities WHERE entity_id = ")
            .push_bind(entity.to_owned())
            .push(")");
    }
    if let Some(reference) = &query.reference {
        builder
            .push(" AND UPPER(c.reference) LIKE ")
            .push_bind(format!("%{reference}%"));
    }
    if let Some(actor) = query.waiting_for {
        builder.push(reading.current_activity());
        push_waiting_for(builder, actor, Columns::Indexed);
        builder.push("))");
    }
    for (column, range) in [("c.opened_at", query.opened), ("c.closed_at", query.closed)] {
        if let Some((from, until)) = range {
            builder
                .push(format!(" AND {column} >= "))
                .push_bind(from)
                .push(format!(" AND {column} < "))
                .push_bind(until);
        }
    }
    if let Some(standing) = &query.standing_at {
        // One `(procedure, version, activity[, since before])` term per
        // activity that qualifies.
        builder.push(reading.current_activity()).push("1 = 0");
        for (procedure, activity, since_before) in standing {
            builder
                .push(" OR (cc.procedure = ")
                .push_bind(procedure.code)
                .push(" AND cc.procedure_version = ")
                .push_bind(i64::from(procedure.version))
                .push(" AND cc.activity = ")
                .push_bind(i64::from(*activity));
            if let Some(before) = since_before {
                builder.push(" AND cc.since < ").push_bind(*before);
            }
            builder.push(")");
        }
        builder.push("))");
    }
}

/// One page of the cases `query` asks for, newest opened first, read the
/// way `page` goes (one more than the page holds, if there are more).
pub async fn list_cases(
    pool: &Pool,
    query: &CaseQuery<'_>,
    page: &PageQuery<CaseKey>,
) -> Result<Vec<CaseSummary>, ApiError> {
    let mut builder = QueryBuilder::<DB>::new(concat!(
        "SELECT c.id, c.reference, c.procedure, ",
        entity_names!(),
        " AS entity_names, c.title, c.status, c.version, c.opened_at, c.updated_at FROM cases c WHERE 1 = 1"
    ));
    push_case_filters(&mut builder, query, Reading::Page);
    let (compare, order) = match page.direction() {
        Direction::After => ("<", "DESC"),
        Direction::Before => (">", "ASC"),
    };
    if let Some((_, key)) = &page.from {
        builder
            .push(format!(" AND (c.opened_at, c.id) {compare} ("))
            .push_bind(key.opened_at)
            .push(", ")
            .push_bind(key.id.clone())
            .push(")");
    }
    builder
        .push(format!(
            " ORDER BY c.opened_at {order}, c.id {order} LIMIT "
        ))
        .push_bind(page.rows_to_read());
    Ok(builder
        .build_query_as::<CaseSummary>()
        .fetch_all(pool)
        .await?)
}

/// How many cases `query` asks for.
pub async fn count_cases(pool: &Pool, query: &CaseQuery<'_>) -> Result<i64, ApiError> {
    // "Waiting for me" alone: the current activities say it without the
    // cases.
    if let (Some(actor), true) = (query.waiting_for, only_waiting_for(query)) {
        let mut builder = QueryBuilder::<DB>::new(
            "SELECT COUNT(DISTINCT cc.case_id) FROM case_current cc WHERE ",
        );
        push_waiting_for(&mut builder, actor, Columns::Indexed);
        return Ok(builder.build_query_scalar::<i64>().fetch_one(pool).await?);
    }
    let mut builder = QueryBuilder::<DB>::new("SELECT COUNT(*) FROM cases c WHERE 1 = 1");
    push_case_filters(&mut builder, query, Reading::Count);
    Ok(builder.build_query_scalar::<i64>().fetch_one(pool).await?)
}

fn only_waiting_for(query: &CaseQuery<'_>) -> bool {
    query.procedure.is_none()
        && query.status.is_none()
        && query.entity_id.is_none()
        && query.reference.is_none()
        && query.opened.is_none()
        && query.closed.is_none()
        && query.standing_at.is_none()
}

/// ` WHERE …` over `case_current cc JOIN cases c`: the current activities
/// that wait for `actor` (only open cases have any).
fn push_inbox_filter(
    builder: &mut QueryBuilder<'_, DB>,
    actor: &Actor,
    columns: Columns,
    part: InboxPart,
) {
    builder.push(" WHERE ");
    push_inbox_part(builder, actor, columns, part);
    if let Some(entity) = &actor.entity_id {
        builder
            .push(" AND c.id IN (SELECT case_id FROM case_entities WHERE entity_id = ")
            .push_bind(entity.clone())
            .push(")");
    }
}

/// One page of the current activities that wait for `actor`, longest
/// waiting first, read the way `page` goes. The page's activities are
/// chosen first and only their cases read.
pub async fn inbox(
    pool: &Pool,
    actor: &Actor,
    part: InboxPart,
    page: &PageQuery<InboxKey>,
) -> Result<Vec<InboxItem>, ApiError> {
    let mut builder = QueryBuilder::<DB>::new(concat!(
        "SELECT c.id AS case_id, c.reference, c.title, c.procedure, c.procedure_version, ",
        entity_names!(),
        " AS entity_names, cc.activity, cc.since, cc.assigned_to_me
         FROM (SELECT cc.case_id, cc.activity, cc.since, (cc.assignee_id IS NOT NULL) AS assigned_to_me FROM case_current cc"
    ));
    if actor.entity_id.is_some() {
        builder.push(" JOIN cases c ON c.id = cc.case_id");
    }
    push_inbox_filter(&mut builder, actor, Columns::InOrder, part);
    let (compare, order) = match page.direction() {
        Direction::After => (">", "ASC"),
        Direction::Before => ("<", "DESC"),
    };
    if let Some((_, key)) = &page.from {
        builder
            .push(format!(
                " AND (cc.since, cc.case_id, cc.activity) {compare} ("
            ))
            .push_bind(key.since)
            .push(", ")
            .push_bind(key.case_id.clone())
            .push(", ")
            .push_bind(key.activity)
            .push(")");
    }
    let order_by = format!(" ORDER BY cc.since {order}, cc.case_id {order}, cc.activity {order}");
    builder
        .push(&order_by)
        .push(" LIMIT ")
        .push_bind(page.rows_to_read())
        .push(") cc JOIN cases c ON c.id = cc.case_id")
        .push(&order_by);
    Ok(builder
        .build_query_as::<InboxItem>()
        .fetch_all(pool)
        .await?)
}

/// How many current activities wait for `actor`.
pub async fn count_inbox(pool: &Pool, actor: &Actor, part: InboxPart) -> Result<i64, ApiError> {
    let mut builder = QueryBuilder::<DB>::new("SELECT COUNT(*) FROM case_current cc");
    if actor.entity_id.is_some() {
        builder.push(" JOIN cases c ON c.id = cc.case_id");
    }
    push_inbox_filter(&mut builder, actor, Columns::Indexed, part);
    Ok(builder.build_query_scalar::<i64>().fetch_one(pool).await?)
}
