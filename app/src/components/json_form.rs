//! Forms that talk to the JSON API. Their markup is rendered on the server
//! and passed in as children, so it stays out of the browser's bundle; the
//! island only sends the fields as JSON and shows the answer.
//!
//! Field names map to JSON as follows: `name[]` check boxes make an array of
//! the checked values (empty when none is), a single check box a boolean,
//! radios the checked value, everything else its text.

use leptos::prelude::*;

/// What the island needs from the page around it.
#[island]
pub fn JsonForm(
    /// The API path the form is sent to.
    action: String,
    /// `POST` or `PUT`.
    method: String,
    /// Where the browser goes once the API accepts the form.
    done: String,
    children: Children,
) -> impl IntoView {
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
            let body = browser::form_json(&form);
            let (action, method, done) = (action.clone(), method.clone(), done.clone());
            busy.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                match browser::send(&action, &method, body).await {
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
        <form class="form" on:submit=on_submit aria-busy=move || busy.get().to_string()>
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

#[cfg(feature = "hydrate")]
mod browser {
    use js_sys::Reflect;
    use serde_json::{Map, Value};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    fn property(element: &JsValue, name: &str) -> JsValue {
        Reflect::get(element, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
    }

    /// The named, enabled fields of `form` as a JSON object.
    pub fn form_json(form: &web_sys::Element) -> String {
        let mut object = Map::new();
        let Ok(fields) = form.query_selector_all("[name]") else {
            return "{}".into();
        };
        for index in 0..fields.length() {
            let Some(node) = fields.item(index) else {
                continue;
            };
            let field: JsValue = node.into();
            let element: &web_sys::Element = field.unchecked_ref();
            let name = element.get_attribute("name").unwrap_or_default();
            if property(&field, "disabled").is_truthy() {
                continue;
            }
            let kind = element.get_attribute("type").unwrap_or_default();
            let checked = property(&field, "checked").is_truthy();
            let text = property(&field, "value").as_string().unwrap_or_default();
            if let Some(list) = name.strip_suffix("[]") {
                let entry = object
                    .entry(list.to_owned())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let (Value::Array(items), true) = (entry, kind != "checkbox" || checked) {
                    items.push(Value::String(text));
                }
            } else if kind == "checkbox" {
                object.insert(name, Value::Bool(checked));
            } else if kind == "radio" {
                if checked {
                    object.insert(name, Value::String(text));
                }
            } else {
                object.insert(name, Value::String(text));
            }
        }
        Value::Object(object).to_string()
    }

    /// Sends `body` and reads the API's refusal, if any: its sentence and
    /// the message of each field.
    pub async fn send(url: &str, method: &str, body: String) -> Result<(), (String, Vec<String>)> {
        let offline = || {
            (
                "No se pudo conectar con el servidor. Revise su conexión e intente de nuevo."
                    .to_owned(),
                Vec::new(),
            )
        };
        let init = web_sys::RequestInit::new();
        init.set_method(method);
        init.set_body(&JsValue::from_str(&body));
        let headers = web_sys::Headers::new().map_err(|_| offline())?;
        headers
            .set("Content-Type", "application/json")
            .map_err(|_| offline())?;
        init.set_headers(&headers);
        let response: web_sys::Response =
            JsFuture::from(leptos::prelude::window().fetch_with_str_and_init(url, &init))
                .await
                .map_err(|_| offline())?
                .unchecked_into();
        if response.ok() {
            return Ok(());
        }
        let text = match response.text() {
            Ok(promise) => JsFuture::from(promise)
                .await
                .ok()
                .and_then(|t| t.as_string()),
            Err(_) => None,
        };
        let body = text
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .unwrap_or_default();
        let message = body
            .get("error")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| {
                format!("El servidor rechazó la solicitud ({}).", response.status())
            });
        let details = body
            .get("fields")
            .and_then(Value::as_array)
            .map(|fields| {
                fields
                    .iter()
                    .filter_map(|f| f.get("message").and_then(Value::as_str).map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        Err((message, details))
    }
}
