//! Notices: recorded in the transaction of the change that causes them
//! (with their mail queued in the outbox beside them), read and marked by
//! their addressees; deadline notices found from the database, once per
//! stay of an activity however many servers look; daily digests queued
//! once; and the outbox's mail claimed by one server, sent, tried again
//! later or given up on where administrators see it.

use sqlx::QueryBuilder;

use super::dialect::{self, Connection, Pool, DB};
use crate::domain::derivation::{
    retry_delay_ms, Addressees, DeadlinePolicy, MailPreference, Notice, NoticeKind, MAIL_ATTEMPTS,
};
use crate::domain::procedure::{ActivityNumber, Procedure};
use crate::domain::role::Role;
use crate::notifications::{Candidate, NotificationItem, NotificationList};
use crate::server::error::ApiError;
use crate::server::store::{
    new_id, DeadlineAddressees, FailedMail, MailFailure, MailJob, MailSender,
};

/// The case a change notifies about, and how.
pub struct Told<'a> {
    pub case_id: &'a str,
    /// Whoever made the change: not told of it.
    pub except: Option<&'a str>,
    pub at: i64,
    /// Whether mail is sent at all (an SMTP server is configured).
    pub mail: bool,
}

#[derive(sqlx::FromRow)]
struct Addressee {
    id: String,
    name: String,
    mail_preference: String,
    email: Option<String>,
    entity_id: Option<String>,
}

const ADDRESSEE_COLUMNS: &str = concat!(
    "SELECT DISTINCT u.id, ",
    person_label!(),
    " AS name, u.mail_preference, u.email, u.entity_id FROM users u"
);

/// Records `notices` for their addressees and queues their mail as each
/// prefers; returns who was notified, for the caller to announce (after
/// the change itself).
pub async fn record_in(
    conn: &mut Connection,
    told: &Told<'_>,
    notices: &[Notice],
) -> Result<Vec<String>, ApiError> {
    let mut notified: Vec<String> = Vec::new();
    for notice in notices {
        let mut told_of_this: Vec<String> = Vec::new();
        for person in addressees(conn, told.case_id, &notice.to).await? {
            if told.except == Some(person.id.as_str()) || told_of_this.contains(&person.id) {
                continue;
            }
            let preference = MailPreference::from_slug(&person.mail_preference).unwrap_or_default();
            let mailed = told.mail && person.email.is_some();
            let id = new_id();
            sqlx::query(
                "INSERT INTO notifications (id, user_id, case_id, activity, kind, at, for_digest)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&id)
            .bind(&person.id)
            .bind(told.case_id)
            .bind(i64::from(notice.activity))
            .bind(notice.kind.slug())
            .bind(told.at)
            .bind(mailed && preference == MailPreference::Daily)
            .execute(&mut *conn)
            .await?;
            if mailed && preference == MailPreference::Each {
                sqlx::query(
                    "INSERT INTO mail_outbox (id, user_id, notification_id, created_at, next_attempt_at)
                     VALUES ($1, $2, $3, $4, $4)",
                )
                .bind(new_id())
                .bind(&person.id)
                .bind(&id)
                .bind(told.at)
                .execute(&mut *conn)
                .await?;
            }
            if !notified.contains(&person.id) {
                notified.push(person.id.clone());
            }
            told_of_this.push(person.id);
        }
    }
    Ok(notified)
}

/// The people a notice is for, who may sign in.
async fn addressees(
    conn: &mut Connection,
    case_id: &str,
    to: &Addressees,
) -> Result<Vec<Addressee>, ApiError> {
    match to {
        Addressees::Person(id) => Ok(sqlx::query_as::<_, Addressee>(&format!(
            "{ADDRESSEE_COLUMNS} WHERE u.id = $1 AND NOT u.disabled"
        ))
        .bind(id)
        .fetch_all(&mut *conn)
        .await?),
        Addressees::Entity(id) => Ok(sqlx::query_as::<_, Addressee>(&format!(
            "{ADDRESSEE_COLUMNS} WHERE u.entity_id = $1 AND NOT u.disabled ORDER BY u.id"
        ))
        .bind(id)
        .fetch_all(&mut *conn)
        .await?),
        Addressees::Holders(roles) => {
            let mut people = Vec::new();
            let staff: Vec<&str> = roles
                .iter()
                .filter(|role| **role != Role::Entidad)
                .map(|role| role.slug())
                .collect();
            if !staff.is_empty() {
                let mut builder = QueryBuilder::<DB>::new(ADDRESSEE_COLUMNS);
                builder.push(
                    " JOIN user_roles r ON r.user_id = u.id
                     WHERE NOT u.disabled AND u.entity_id IS NULL AND r.role IN (",
                );
                let mut list = builder.separated(", ");
                for role in staff {
                    list.push_bind(role);
                }
                builder.push(") ORDER BY u.id");
                people.extend(
                    builder
                        .build_query_as::<Addressee>()
                        .fetch_all(&mut *conn)
                        .await?,
                );
            }
            if roles.contains(&Role::Entidad) {
                people.extend(
                    sqlx::query_as::<_, Addressee>(&format!(
                        "{ADDRESSEE_COLUMNS} WHERE u.entity_id IN (SELECT entity_id FROM case_entities WHERE case_id = $1)
                         AND NOT u.disabled ORDER BY u.id"
                    ))
                    .bind(case_id)
                    .fetch_all(&mut *conn)
                    .await?,
                );
            }
            Ok(people)
        }
    }
}

/// Everyone who may sign in and holds one of `roles` (for the entity's
/// role, the accounts of the entities case `case_id` concerns, or only of
/// `of_entity` when given), by name.
pub async fn holders(
    pool: &Pool,
    case_id: &str,
    roles: &'static [Role],
    of_entity: Option<&str>,
) -> Result<Vec<Candidate>, ApiError> {
    let mut conn = pool.acquire().await?;
    let mut people: Vec<Candidate> = Vec::new();
    for person in addressees(&mut conn, case_id, &Addressees::Holders(roles)).await? {
        let foreign =
            matches!((&person.entity_id, of_entity), (Some(theirs), Some(mine)) if theirs != mine);
        if !foreign && !people.iter().any(|p| p.id == person.id) {
            people.push(Candidate {
                id: person.id,
                name: person.name,
            });
        }
    }
    people.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(people)
}

const ITEM_COLUMNS: &str =
    "SELECT n.id, n.at, n.case_id, c.reference, c.procedure, c.procedure_version, n.activity, n.kind, (n.read_at IS NOT NULL) AS read
     FROM notifications n JOIN cases c ON c.id = n.case_id";

/// The person's latest notices, newest first, and how many are unread.
pub async fn list(pool: &Pool, user_id: &str, limit: i64) -> Result<NotificationList, ApiError> {
    let items = sqlx::query_as::<_, NotificationItem>(&format!(
        "{ITEM_COLUMNS} WHERE n.user_id = $1 ORDER BY n.at DESC, n.id DESC LIMIT $2"
    ))
    .bind(user_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(NotificationList {
        unread: unread(pool, user_id).await?,
        items,
    })
}

pub async fn unread(pool: &Pool, user_id: &str) -> Result<i64, ApiError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?)
}

/// Marks one of the person's notices read (`None`: all of them); whether
/// there was such a notice.
pub async fn mark_read(
    pool: &Pool,
    user_id: &str,
    id: Option<&str>,
    now: i64,
) -> Result<bool, ApiError> {
    let done = sqlx::query(
        "UPDATE notifications SET read_at = COALESCE(read_at, $1)
         WHERE user_id = $2 AND ($3 IS NULL OR id = $3) AND (read_at IS NULL OR $3 IS NOT NULL)",
    )
    .bind(now)
    .bind(user_id)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(id.is_none() || done.rows_affected() > 0)
}

pub async fn mail_preference(pool: &Pool, user_id: &str) -> Result<MailPreference, ApiError> {
    let slug: Option<String> =
        sqlx::query_scalar("SELECT mail_preference FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await?;
    Ok(slug
        .as_deref()
        .and_then(MailPreference::from_slug)
        .unwrap_or_default())
}

pub async fn set_mail_preference(
    pool: &Pool,
    user_id: &str,
    preference: MailPreference,
) -> Result<(), ApiError> {
    sqlx::query("UPDATE users SET mail_preference = $1 WHERE id = $2")
        .bind(preference.slug())
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Records the deadline notices current activities reached by `now`, each
/// once per stay (marked on the activity in the same transaction, so that
/// servers looking at once, or again after a restart, find it done).
/// `dues` is every activity's due time `(procedure version, activity,
/// due_ms)`.
pub async fn deadline_notices(
    pool: &Pool,
    now: i64,
    dues: &[(&'static Procedure, ActivityNumber, i64)],
    policy: &DeadlinePolicy,
    notices_for: DeadlineAddressees<'_>,
    mail: bool,
) -> Result<Vec<String>, ApiError> {
    if dues.is_empty() {
        return Ok(Vec::new());
    }
    let mut tx = dialect::begin_write(pool).await?;
    let mut notified: Vec<String> = Vec::new();
    // Overdue before escalated (whoever holds the activity hears it is
    // overdue before the Jefe hears it is escalated, even when both fall
    // due at once), and the reminder last: an activity found overdue gets
    // none.
    let passes = [
        (
            NoticeKind::Overdue,
            "overdue_at = $now, reminded_at = COALESCE(reminded_at, $now)",
            "overdue_at IS NULL",
            0,
        ),
        (
            NoticeKind::Escalated,
            "escalated_at = $now",
            "escalated_at IS NULL AND case_current.overdue_at IS NOT NULL",
            policy.escalate_after_ms,
        ),
        (
            NoticeKind::Reminder,
            "reminded_at = $now",
            "reminded_at IS NULL",
            -policy.remind_before_ms,
        ),
    ];
    for (kind, set, pending, after_due) in passes {
        let mut builder =
            QueryBuilder::<DB>::new("WITH due (procedure, version, activity, due_ms) AS (VALUES ");
        let mut rows = builder.separated(", ");
        for (procedure, activity, due_ms) in dues {
            rows.push("(")
                .push_bind_unseparated(procedure.code)
                .push_unseparated(", ")
                .push_bind_unseparated(i64::from(procedure.version))
                .push_unseparated(", ")
                .push_bind_unseparated(i64::from(*activity))
                .push_unseparated(", ")
                .push_bind_unseparated(*due_ms)
                .push_unseparated(")");
        }
        builder.push(") UPDATE case_current SET ");
        // `$now` stands for the one instant, bound where it is used.
        let mut parts = set.split("$now");
        builder.push(parts.next().unwrap_or_default());
        for part in parts {
            builder.push_bind(now).push(part);
        }
        builder
            .push(format!(
                " FROM due WHERE due.procedure = case_current.procedure AND due.version = case_current.procedure_version
                  AND due.activity = case_current.activity
                  AND case_current.{pending} AND case_current.since + due.due_ms + "
            ))
            .push_bind(after_due)
            .push(" <= ")
            .push_bind(now)
            .push(" RETURNING case_current.case_id, case_current.procedure, case_current.procedure_version, case_current.activity, case_current.assignee_id");
        let reached = builder
            .build_query_as::<(String, String, i64, i64, Option<String>)>()
            .fetch_all(&mut *tx)
            .await?;
        for (case_id, procedure, version, activity, assignee) in reached {
            let (Ok(activity), Ok(version)) =
                (ActivityNumber::try_from(activity), u16::try_from(version))
            else {
                continue;
            };
            let notices = notices_for(&procedure, version, activity, kind, assignee.as_deref());
            let told = Told {
                case_id: &case_id,
                except: None,
                at: now,
                mail,
            };
            for person in record_in(&mut tx, &told, &notices).await? {
                if !notified.contains(&person) {
                    notified.push(person);
                }
            }
        }
    }
    if !notified.is_empty() {
        dialect::announce_notified(&mut tx, &notified).await?;
    }
    tx.commit().await?;
    Ok(notified)
}

/// Queues one digest mail per person for their notices before `cutoff`
/// that wait for one; returns how many were queued.
pub async fn queue_digests(pool: &Pool, cutoff: i64, now: i64) -> Result<u64, ApiError> {
    let people: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT user_id FROM notifications WHERE for_digest AND digest_id IS NULL AND at < $1",
    )
    .bind(cutoff)
    .fetch_all(pool)
    .await?;
    let mut queued = 0;
    for person in people {
        let mut tx = dialect::begin_write(pool).await?;
        let id = new_id();
        sqlx::query(
            "INSERT INTO mail_outbox (id, user_id, notification_id, created_at, next_attempt_at)
             VALUES ($1, $2, NULL, $3, $3)",
        )
        .bind(&id)
        .bind(&person)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        // Another server may have collected them meanwhile: then this
        // digest lists nothing and is not kept.
        let collected = sqlx::query(
            "UPDATE notifications SET digest_id = $1
             WHERE user_id = $2 AND for_digest AND digest_id IS NULL AND at < $3",
        )
        .bind(&id)
        .bind(&person)
        .bind(cutoff)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if collected > 0 {
            tx.commit().await?;
            queued += 1;
        }
    }
    Ok(queued)
}

#[derive(sqlx::FromRow)]
struct OutboxRow {
    id: String,
    notification_id: Option<String>,
    attempts: i64,
    email: Option<String>,
    disabled: bool,
}

/// Sends the next mail that is due, if any: claimed so that no other
/// server sends it meanwhile, and marked sent, to be tried again, or given
/// up on, by the outcome. `None` when nothing is due.
pub async fn deliver_next(
    pool: &Pool,
    now: i64,
    send: MailSender<'_>,
) -> Result<Option<bool>, ApiError> {
    let Some(mut claim) = dialect::MailClaim::begin(pool).await? else {
        return Ok(None);
    };
    let due = sqlx::query_as::<_, OutboxRow>(&format!(
        "SELECT o.id, o.notification_id, o.attempts, u.email, u.disabled
         FROM mail_outbox o JOIN users u ON u.id = o.user_id
         WHERE o.sent_at IS NULL AND o.failed_at IS NULL AND (o.attempts = 0 OR o.next_attempt_at <= $1)
         ORDER BY o.next_attempt_at, o.id LIMIT 1{}",
        dialect::CLAIM_ROW
    ))
    .bind(now)
    .fetch_optional(claim.reader())
    .await?;
    let Some(due) = due else {
        claim.finish().await?;
        return Ok(None);
    };
    let notices = match &due.notification_id {
        Some(id) => {
            sqlx::query_as::<_, NotificationItem>(&format!("{ITEM_COLUMNS} WHERE n.id = $1"))
                .bind(id)
                .fetch_all(claim.reader())
                .await?
        }
        None => {
            sqlx::query_as::<_, NotificationItem>(&format!(
                "{ITEM_COLUMNS} WHERE n.digest_id = $1 ORDER BY n.at, n.id"
            ))
            .bind(&due.id)
            .fetch_all(claim.reader())
            .await?
        }
    };
    let outcome = match due.email {
        Some(_) if due.disabled => Err(MailFailure::Permanent(
            "La cuenta está deshabilitada.".into(),
        )),
        Some(_) if notices.is_empty() => {
            Err(MailFailure::Permanent("No hay avisos que enviar.".into()))
        }
        Some(to) => {
            send(MailJob {
                id: due.id.clone(),
                to,
                digest: due.notification_id.is_none(),
                notices,
            })
            .await
        }
        None => Err(MailFailure::Permanent(
            "La cuenta no tiene correo electrónico.".into(),
        )),
    };
    let attempts = due.attempts + 1;
    let writer = claim.writer().await?;
    let sent = outcome.is_ok();
    match outcome {
        Ok(()) => {
            sqlx::query("UPDATE mail_outbox SET sent_at = $1, attempts = $2 WHERE id = $3")
                .bind(now)
                .bind(attempts)
                .bind(&due.id)
                .execute(&mut *writer)
                .await?;
        }
        Err(MailFailure::Transient(error)) if attempts < MAIL_ATTEMPTS => {
            sqlx::query(
                "UPDATE mail_outbox SET attempts = $1, next_attempt_at = $2, last_error = $3 WHERE id = $4",
            )
            .bind(attempts)
            .bind(now + retry_delay_ms(attempts))
            .bind(error)
            .bind(&due.id)
            .execute(&mut *writer)
            .await?;
        }
        Err(MailFailure::Transient(error) | MailFailure::Permanent(error)) => {
            sqlx::query(
                "UPDATE mail_outbox SET attempts = $1, failed_at = $2, last_error = $3 WHERE id = $4",
            )
            .bind(attempts)
            .bind(now)
            .bind(error)
            .bind(&due.id)
            .execute(&mut *writer)
            .await?;
        }
    }
    claim.finish().await?;
    Ok(Some(sent))
}

/// When the next mail is due, if any waits (a mail never tried is due at
/// once, whatever the clock said when it was queued).
pub async fn next_mail_at(pool: &Pool) -> Result<Option<i64>, ApiError> {
    Ok(sqlx::query_scalar(
        "SELECT MIN(CASE WHEN attempts = 0 THEN 0 ELSE next_attempt_at END) FROM mail_outbox
         WHERE sent_at IS NULL AND failed_at IS NULL",
    )
    .fetch_one(pool)
    .await?)
}

/// The mail given up on, newest first.
pub async fn failed_mail(pool: &Pool, limit: i64) -> Result<Vec<FailedMail>, ApiError> {
    Ok(sqlx::query_as::<_, FailedMail>(concat!(
        "SELECT o.id, ",
        person_label!(),
        " AS person, u.email, (o.notification_id IS NULL) AS digest, o.created_at, o.failed_at, o.attempts,
         COALESCE(o.last_error, '') AS last_error
         FROM mail_outbox o JOIN users u ON u.id = o.user_id
         WHERE o.failed_at IS NOT NULL ORDER BY o.failed_at DESC, o.id LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// Queues a mail given up on again, from its first try; whether it was one.
pub async fn retry_mail(pool: &Pool, id: &str, now: i64) -> Result<bool, ApiError> {
    Ok(sqlx::query(
        "UPDATE mail_outbox SET failed_at = NULL, attempts = 0, next_attempt_at = $1
         WHERE id = $2 AND failed_at IS NOT NULL",
    )
    .bind(now)
    .bind(id)
    .execute(pool)
    .await?
    .rows_affected()
        > 0)
}
