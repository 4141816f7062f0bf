//! Forms that talk to the JSON API. Their markup is rendered on the server
//! and passed in as children, so it stays out of the browser's bundle; the
//! island only sends the fields as JSON and shows the answer.
//!
//! Fields become JSON as [`super::browser::form_json`] says. Before the
//! wasm arrives (or without it) the form posts as plain HTML to the same
//! address, and the server reads it by the same rules
//! (`server::plain_forms`), told by [`Declared`] fields what the wasm
//! learns from the page.

use leptos::prelude::*;

/// What the island needs from the page around it.
#[cfg_attr(feature = "islands-json-form", island)]
#[cfg_attr(not(feature = "islands-json-form"), component)]
pub fn JsonForm(
    /// The API path the form is sent to.
    action: String,
    /// `POST` or `PUT`.
    method: String,
    /// Where the browser goes once the API accepts the form.
    done: String,
    children: Children,
) -> impl IntoView {
    // What the form says when posted as plain HTML, without the wasm.
    let (plain_action, plain_done) = (action.clone(), done.clone());
    let plain_method = (method != "POST").then(|| method.clone());
    let error = RwSignal::new(None::<(String, Vec<String>)>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            let body = super::browser::form_json(&form).to_string();
            let (action, method, done) = (action.clone(), method.clone(), done.clone());
            busy.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                match super::browser::send(&action, &method, body).await {
                    Ok(()) => {
                        let _ = window().location().set_href(&done);
                    }
                    Err(message) => {
                        error.set(Some(message));
                        busy.set(false);
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&action, &method, &done);
    };
    view! {
        <form class="form" method="post" action=plain_action on:submit=on_submit aria-busy=move || busy.get().to_string()>
            <input type="hidden" name="_done" value=plain_done />
            {plain_method.map(|method| view! { <input type="hidden" name="_method" value=method /> })}
            {move || {
                error
                    .get()
                    .map(|(message, details)| {
                        view! {
                            <div class="notice notice-error" role="alert">
                                <p>{message}</p>
                                <ul>{details.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
                            </div>
                        }
                    })
            }}
            {children()}
        </form>
    }
}

/// What a field is, for a plain post: the wasm sees it on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Declared {
    /// A check box, or radios valued `true` and `false`: a yes/no.
    Bool,
    /// The `name[]` fields: a list, empty when none is checked.
    List,
    /// A text of one item per line (a textarea marked `data-list`).
    Lines,
}

/// A hidden field that tells a plain post what `name` is; put it inside
/// the form, beside the field.
#[component]
pub fn Declare(name: String, kind: Declared) -> impl IntoView {
    let marker = match kind {
        Declared::Bool => "_bool",
        Declared::List => "_list",
        Declared::Lines => "_lines",
    };
    view! { <input type="hidden" name=marker value=name /> }
}
