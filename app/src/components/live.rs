//! Pages that follow changes as they happen: a server-sent event stream
//! tells which case changed, and the page fetches again what it shows. A
//! stream that drops reconnects by itself and the page then catches up; a
//! stream that cannot be opened at all falls back to asking every few
//! seconds.

use leptos::prelude::*;

/// What the stream says: a case is now at `Some(version)`, or (`None`) the
/// page may have missed changes and should fetch again.
pub type OnChange = std::rc::Rc<dyn Fn(Option<i64>)>;

/// How often a page without a stream asks whether something changed.
#[cfg(feature = "hydrate")]
const POLL_EVERY_MS: u64 = 3_000;

/// A list fetches itself again at most this often, however busy the
/// service: a burst of changes is one fetch, and a thousand open inboxes do
/// not each fetch a page for every change in the country.
#[cfg(feature = "hydrate")]
const REGION_GAP_MS: i32 = 2_000;

/// Follows the event stream at `url` until the component is dropped.
#[cfg(feature = "hydrate")]
pub fn follow(url: &str, on_change: OnChange) {
    use std::cell::Cell;
    use std::rc::Rc;

    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let Ok(source) = web_sys::EventSource::new(url) else {
        poll(on_change);
        return;
    };
    let opened_before = Rc::new(Cell::new(false));
    let ready = {
        let on_change = on_change.clone();
        let opened_before = opened_before.clone();
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if opened_before.replace(true) {
                // A reconnection: catch up on what happened meanwhile.
                on_change(None);
            } else if let Some(version) = super::browser::number_in_event(&event, "version") {
                // What changed between rendering and listening.
                on_change(Some(version));
            }
        })
    };
    let changed = {
        let on_change = on_change.clone();
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            on_change(super::browser::number_in_event(&event, "version"))
        })
    };
    let resync = {
        let on_change = on_change.clone();
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| {
            on_change(None)
        })
    };
    let failed = {
        let source = source.clone();
        let on_change = on_change.clone();
        let polling = Rc::new(Cell::new(false));
        Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| {
            // CLOSED: refused (signed out, say) rather than dropped, which
            // the browser retries by itself.
            if source.ready_state() == web_sys::EventSource::CLOSED && !polling.replace(true) {
                poll(on_change.clone());
            }
        })
    };
    let listen = |name: &str, callback: &Closure<dyn Fn(web_sys::MessageEvent)>| {
        let _ = source.add_event_listener_with_callback(name, callback.as_ref().unchecked_ref());
    };
    listen("ready", &ready);
    listen("changed", &changed);
    listen("resync", &resync);
    // New notices for the person: what derivation put in their inbox.
    listen("notified", &resync);
    source.set_onerror(Some(failed.as_ref().unchecked_ref()));
    let kept = send_wrapper::SendWrapper::new((source, ready, changed, resync, failed));
    on_cleanup(move || {
        let (source, ..) = &*kept;
        source.close();
    });
}

#[cfg(feature = "hydrate")]
fn poll(on_change: OnChange) {
    let on_change = send_wrapper::SendWrapper::new(on_change);
    let handle = set_interval_with_handle(
        move || on_change(None),
        std::time::Duration::from_millis(POLL_EVERY_MS),
    )
    .ok();
    on_cleanup(move || {
        if let Some(handle) = handle {
            handle.clear();
        }
    });
}

/// Runs `work` when asked, one run at a time: asked while it runs, it runs
/// once more afterwards, however often it was asked (changes come in
/// bursts), and no sooner than `gap_ms` after the run before (none when 0).
#[cfg(feature = "hydrate")]
pub fn one_at_a_time<Work, Run>(gap_ms: i32, work: Work) -> std::rc::Rc<dyn Fn()>
where
    Work: Fn() -> Run + 'static,
    Run: std::future::Future<Output = ()> + 'static,
{
    use std::cell::Cell;
    use std::rc::Rc;
    let busy = Rc::new(Cell::new(false));
    let again = Rc::new(Cell::new(false));
    let work = Rc::new(work);
    Rc::new(move || {
        if busy.replace(true) {
            again.set(true);
            return;
        }
        let (busy, again, work) = (busy.clone(), again.clone(), work.clone());
        leptos::task::spawn_local(async move {
            loop {
                again.set(false);
                work().await;
                if gap_ms > 0 {
                    super::browser::sleep(gap_ms).await;
                }
                if !again.get() {
                    break;
                }
            }
            busy.set(false);
        });
    })
}

/// A part of a server-rendered page that renders itself again, in place,
/// when a change the stream at `stream` tells of may concern it: the page
/// is fetched again and this region's new markup replaces the old. Its
/// content stays server-rendered (no markup in the wasm); it must hold no
/// island of its own.
#[cfg_attr(feature = "islands-other", island)]
#[cfg_attr(not(feature = "islands-other"), component)]
pub fn LiveRegion(stream: String, children: Children) -> impl IntoView {
    let region = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move || {
        let refresh = one_at_a_time(REGION_GAP_MS, move || replace_region(region));
        follow(&stream, std::rc::Rc::new(move |_| refresh()));
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = &stream;
    view! { <div data-live-region="" aria-live="polite" node_ref=region>{children()}</div> }
}

#[cfg(feature = "hydrate")]
async fn replace_region(region: NodeRef<leptos::html::Div>) {
    let Some(here) = region.get_untracked() else {
        return;
    };
    let url = window().location().href().unwrap_or_default();
    let Some(document) = super::browser::fetch_document(&url).await else {
        return;
    };
    if let Ok(Some(fresh)) = document.query_selector("[data-live-region]") {
        here.set_inner_html(&fresh.inner_html());
    }
}
