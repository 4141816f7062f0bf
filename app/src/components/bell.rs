//! The bell in the header: how many notices the person has not read,
//! kept current as they come (the person's event stream carries the
//! count), and a link to them. Without the wasm it is a plain link with
//! the count the page was rendered with.

use leptos::prelude::*;

/// In every browser build: signed-in people have it on every page.
#[island]
pub fn NoticeBell(unread: i64) -> impl IntoView {
    let unread = RwSignal::new(unread);
    let any_unread = Memo::new(move |_| unread.get() > 0);
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
            {move || any_unread.get().then(|| view! { <span class="bell-count">{move || unread.get()}</span> })}
        </a>
    }
}

/// Shows the count the person's event stream carries: at `ready` (also
/// after a reconnection, when news may have been missed), and with each
/// `notified` and `resync`.
#[cfg(feature = "hydrate")]
fn follow_notices(unread: RwSignal<i64>) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let Ok(source) = web_sys::EventSource::new("/api/v1/events") else {
        return;
    };
    let counted =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if let Some(count) = super::browser::number_in_event(&event, "unread") {
                unread.set(count);
            }
        });
    for name in ["ready", "notified", "resync"] {
        let _ = source.add_event_listener_with_callback(name, counted.as_ref().unchecked_ref());
    }
    let kept = send_wrapper::SendWrapper::new((source, counted));
    on_cleanup(move || kept.0.close());
}
