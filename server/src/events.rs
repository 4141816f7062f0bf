//! Server-sent events: a stream per case page, one for the signed-in
//! person's inbox and case list, one for the dashboard. Each says only
//! which case changed and its new version; the page fetches again what it
//! shows. Every stream opens with `ready` (so a page that reconnects knows
//! to catch up) and is kept alive with comments, which proxies must pass
//! unbuffered (`X-Accel-Buffering: no`). The person's own stream also
//! carries how many notices they have not read, so the bell needs no
//! request of its own.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::header::{HeaderName, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::stream::{self, Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

use app::cases::CaseChanged;
use app::domain::access::Actor;
use app::server::auth::CurrentUser;
use app::server::cases;
use app::server::error::ApiError;
use app::server::live::LiveEvent;
use app::server::stats::{managers_only, StatsCache};
use app::server::store::Db;

/// How often an idle stream says it is still there.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// What a stream sends: `changed` with `{ "case_id", "version" }`, or
/// `resync` when changes may have been missed.
fn event_for(event: &LiveEvent) -> Event {
    let data = match event {
        LiveEvent::Changed(changed) => {
            serde_json::json!({ "case_id": changed.case_id, "version": changed.version })
        }
        LiveEvent::Notified(_) | LiveEvent::Resync => serde_json::json!({}),
    };
    named(event).data(data.to_string())
}

/// An event with the name the stream gives `event`, and no data yet.
fn named(event: &LiveEvent) -> Event {
    Event::default().event(match event {
        LiveEvent::Changed(_) => "changed",
        LiveEvent::Notified(_) => "notified",
        LiveEvent::Resync => "resync",
    })
}

/// The live changes of cases `keep` lets through, from now on, and news of
/// notices for `person`.
fn changes(
    db: &Db,
    person: Option<String>,
    keep: impl Fn(&CaseChanged) -> bool + Send + 'static,
) -> impl Stream<Item = LiveEvent> + Send + 'static {
    let wanted = move |event: &LiveEvent| match event {
        LiveEvent::Changed(changed) => keep(changed),
        LiveEvent::Notified(people) => person.as_ref().is_some_and(|p| people.contains(p)),
        LiveEvent::Resync => true,
    };
    stream::unfold(
        (db.live().subscribe(), wanted),
        |(mut receiver, keep)| async move {
            loop {
                match receiver.recv().await {
                    Ok(event) if !keep(&event) => continue,
                    Ok(event) => return Some((event, (receiver, keep))),
                    // Fell behind: whatever was missed, the page fetches again.
                    Err(RecvError::Lagged(_)) => {
                        return Some((LiveEvent::Resync, (receiver, keep)))
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        },
    )
}

/// A stream that opens with `ready` and ends when the server stops (the
/// browser reconnects to another server or after the restart).
fn sse(
    stopping: &CancellationToken,
    ready: serde_json::Value,
    events: impl Stream<Item = Event> + Send + 'static,
) -> Response {
    let first = Event::default().event("ready").data(ready.to_string());
    let body = stream::once(async move { first })
        .chain(events)
        .take_until(stopping.clone().cancelled_owned())
        .map(Ok::<_, Infallible>);
    let mut response = Sse::new(body)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response();
    let headers = response.headers_mut();
    headers.insert(
        HeaderName::from_static("x-accel-buffering"),
        HeaderValue::from_static("no"),
    );
    headers.insert(
        axum::http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    response
}

/// `GET /api/v1/cases/{id}/events`: the changes of one case, for whoever
/// may see it (another entity's case is a 404, as its data is).
pub async fn case_events(
    State(db): State<Db>,
    State(stopping): State<CancellationToken>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    // Subscribe before reading, so that no change falls in between.
    let live = {
        let id = id.clone();
        changes(&db, None, move |changed| changed.case_id == id)
    };
    let case = cases::view(&db, &user.actor(), &id)
        .await?
        .ok_or_else(cases::case_not_found)?;
    let ready = serde_json::json!({ "case_id": case.id, "version": case.version });
    Ok(sse(&stopping, ready, live.map(|event| event_for(&event))))
}

/// `GET /api/v1/events`: the changes of every case the person may see,
/// for their inbox and case list, and `notified` when they have new
/// notices. `ready`, `notified` and `resync` say `{ "unread": n }`: the
/// bell shows it as it comes.
pub async fn my_events(
    State(db): State<Db>,
    State(stopping): State<CancellationToken>,
    user: CurrentUser,
) -> Response {
    let actor: Actor = user.actor();
    // Subscribe before counting, so that no notice falls in between.
    let live = changes(&db, Some(user.id.clone()), move |changed| {
        actor.may_see(&changed.entities)
    });
    // Without the count (the database busy, say) the stream still serves
    // the inbox; the bell keeps what the page showed.
    let ready = match db.unread_notifications(&user.id).await {
        Ok(unread) => unread_data(unread),
        Err(_) => serde_json::json!({}),
    };
    let events = live.then(move |event| {
        let db = db.clone();
        let person = user.id.clone();
        async move {
            match &event {
                LiveEvent::Notified(_) | LiveEvent::Resync => {
                    match db.unread_notifications(&person).await {
                        Ok(unread) => named(&event).data(unread_data(unread).to_string()),
                        // Counted again at the next news or reconnection.
                        Err(_) => event_for(&event),
                    }
                }
                LiveEvent::Changed(_) => event_for(&event),
            }
        }
    });
    sse(&stopping, ready, events)
}

fn unread_data(unread: i64) -> serde_json::Value {
    serde_json::json!({ "unread": unread })
}

/// `GET /api/v1/stats/events`: a `changed` each time the dashboard's
/// figures were computed again after a change, for managers.
pub async fn stats_events(
    State(cache): State<Arc<StatsCache>>,
    State(stopping): State<CancellationToken>,
    user: CurrentUser,
) -> Result<Response, ApiError> {
    managers_only(&user)?;
    let refreshed = cache.watch();
    let events = stream::unfold(refreshed, |mut refreshed| async move {
        refreshed.changed().await.ok()?;
        let generated_at = *refreshed.borrow_and_update();
        let event = Event::default()
            .event("changed")
            .data(serde_json::json!({ "generated_at": generated_at }).to_string());
        Some((event, refreshed))
    });
    Ok(sse(&stopping, serde_json::json!({}), events))
}
