//! The bell in the header: how many notices the person has not read,
//! kept current as they come (the person's event stream says `notified`),
//! and a link to them. Without the wasm it is a plain link with the count
//! the page was rendered with.

use leptos::prelude::*;

/// In every browser build: signed-in people have it on every page.
#[island]
pub fn NoticeBell(unread: i64) -> impl IntoView {
    let unread = RwSignal::new(unread);
    #[cfg(feature = "hydrate")]
    Effect::new(move || follow_notices(unread));
    let label = move || match unread.get() {
        0 => "Avisos: ninguno sin leer".to_owned(),
        1 => "Avisos: 1 sin leer".to_owned(),
        n => format!("Avisos: {n} sin leer"),
    };
    view! {
        <a class="bell" href="/avisos" aria-label=label title=label data-unread=move || unread.get()>
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z" fill="currentColor"></path>
            </svg>
            <Show when=move || { unread.get() > 0 }>
                <span class="bell-count">{move || unread.get()}</span>
            </Show>
        </a>
    }
}

/// Counts again whenever the stream says there are new notices, and after
/// a reconnection (news may have been missed meanwhile).
#[cfg(feature = "hydrate")]
fn follow_notices(unread: RwSignal<i64>) {
    use std::cell::Cell;
    use std::rc::Rc;

    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let Ok(source) = web_sys::EventSource::new("/api/v1/events") else {
        return;
    };
    let count = move || {
        leptos::task::spawn_local(async move {
            if let Ok(n) = crate::actions::unread_notices().await {
                unread.set(n);
            }
        })
    };
    let opened_before = Rc::new(Cell::new(false));
    let ready = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| {
        if opened_before.replace(true) {
            count();
        }
    });
    let notified =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| count());
    let _ = source.add_event_listener_with_callback("ready", ready.as_ref().unchecked_ref());
    let _ = source.add_event_listener_with_callback("notified", notified.as_ref().unchecked_ref());
    let _ = source.add_event_listener_with_callback("resync", notified.as_ref().unchecked_ref());
    let kept = send_wrapper::SendWrapper::new((source, ready, notified));
    on_cleanup(move || kept.0.close());
}
