//! The JSON API's forms sent as plain HTML, before the wasm arrives or when
//! it fails: the browser posts `application/x-www-form-urlencoded` to the
//! API's own address, which answers as it answers the wasm, and this layer
//! turns the answer into what a browser can show: a redirect to where the
//! form goes next, or a page that says what is wrong.
//!
//! A form tells the layer what the wasm knows from the page itself
//! (`components::browser::form_json`), in fields that start with `_`:
//! - `_done`: where to go once the API accepts the form (a path here);
//! - `_method`: `PUT` or `DELETE` (a form can only post);
//! - `_bool`, `_list`, `_lines`: the name of a field that is a yes/no
//!   (a check box, or radios valued `true`/`false`), a list of the
//!   `name[]` fields (empty when none is sent), or a text of one item per
//!   line.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use serde_json::{Map, Value};

use super::assets::site_files;

/// A plain form's body is small: its fields and nothing else.
const BODY_LIMIT: usize = 64 * 1024;

/// What a plain form asks besides its fields.
#[derive(Debug, Default, PartialEq)]
pub struct PlainPost {
    pub fields: Value,
    pub done: Option<String>,
    pub method: Option<Method>,
}

/// Reads a form's fields as the JSON the API expects, by the same rules
/// the wasm follows (see the module's documentation).
pub fn read(body: &[u8]) -> PlainPost {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    let declared = |marker: &str| -> Vec<&str> {
        pairs
            .iter()
            .filter(|(name, _)| name == marker)
            .map(|(_, value)| value.as_str())
            .collect()
    };
    let (bools, lists, lines) = (declared("_bool"), declared("_list"), declared("_lines"));
    let mut object = Map::new();
    for list in &lists {
        object.insert((*list).to_owned(), Value::Array(Vec::new()));
    }
    for name in &bools {
        object.insert((*name).to_owned(), Value::Bool(false));
    }
    let mut post = PlainPost::default();
    for (name, value) in &pairs {
        if name.starts_with('_') {
            match name.as_str() {
                "_done" => post.done = Some(value.clone()),
                "_method" => {
                    post.method = match value.to_ascii_uppercase().as_str() {
                        "PUT" => Some(Method::PUT),
                        "DELETE" => Some(Method::DELETE),
                        _ => None,
                    }
                }
                _ => {}
            }
        } else if let Some(list) = name.strip_suffix("[]") {
            if let Value::Array(items) = object
                .entry(list.to_owned())
                .or_insert_with(|| Value::Array(Vec::new()))
            {
                items.push(Value::String(value.clone()));
            }
        } else if bools.contains(&name.as_str()) {
            object.insert(name.clone(), Value::Bool(value != "false"));
        } else if lines.contains(&name.as_str()) {
            object.insert(name.clone(), crate::api::lines_list(value));
        } else {
            object.insert(name.clone(), Value::String(value.clone()));
        }
    }
    post.fields = Value::Object(object);
    post
}

/// The API's answer to a plain form, for a browser: `303` to the form's
/// `_done` when accepted, else a page with the API's message and status.
pub async fn answer_plain_posts(
    State(options): State<LeptosOptions>,
    request: Request,
    next: Next,
) -> Response {
    let is_plain_form = request.method() == Method::POST
        && request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_plain_form {
        return next.run(request).await;
    }
    let back = request
        .headers()
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|referer| url::Url::parse(referer).ok())
        .map(|url| match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        });
    let (mut parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return problem_page(
            &options,
            StatusCode::PAYLOAD_TOO_LARGE,
            "El formulario es demasiado grande.",
            &[],
            back.as_deref(),
        );
    };
    let post = read(&bytes);
    if let Some(method) = post.method {
        parts.method = method;
    }
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    let json = post.fields.to_string();
    let response = next
        .run(Request::from_parts(parts, axum::body::Body::from(json)))
        .await;
    if response.status().is_success() {
        let done = crate::actions::safe_next(post.done.as_deref());
        return (StatusCode::SEE_OTHER, [(header::LOCATION, done.to_owned())]).into_response();
    }
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), BODY_LIMIT)
        .await
        .unwrap_or_default();
    let refusal = serde_json::from_slice(&bytes).unwrap_or_default();
    let (message, details) = crate::api::refusal(&refusal, status.as_u16());
    let back = back.or(post.done);
    problem_page(&options, status, &message, &details, back.as_deref())
}

/// A page of its own for a refused form: what is wrong, and the way back
/// to the form (the browser keeps what was typed in it).
fn problem_page(
    options: &LeptosOptions,
    status: StatusCode,
    message: &str,
    details: &[String],
    back: Option<&str>,
) -> Response {
    let back = crate::actions::safe_next(back).to_owned();
    let signed_out = status == StatusCode::UNAUTHORIZED;
    let (message, details) = (message.to_owned(), details.to_vec());
    let page = view! {
        <main id="contenido" class="narrow">
            <h1>"No se pudo guardar"</h1>
            <div class="notice notice-error" role="alert">
                <p>{message}</p>
                <ul>{details.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
            </div>
            {if signed_out {
                view! { <p><a class="button button-primary" href="/ingresar">"Ingresar de nuevo"</a></p> }.into_any()
            } else {
                view! { <p><a class="button button-primary" href=back>"Volver al formulario"</a></p> }.into_any()
            }}
        </main>
    }
    .to_html();
    let html = format!(
        "<!DOCTYPE html><html lang=\"es\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>No se pudo guardar · Manual de procedimientos AGETIC</title>\
         <link rel=\"stylesheet\" href=\"{}\"></head><body>{page}</body></html>",
        site_files(options).css
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_read_as_the_wasm_reads_them() {
        let body = "name=Ana+P%C3%A9rez&roles%5B%5D=adit&roles%5B%5D=upat&_list=roles\
                    &_list=areas&_bool=is_admin&_bool=notify&notify=on\
                    &disabled=false&_bool=disabled&_lines=contacts\
                    &contacts=a%40b.bo%0D%0A%0D%0A++c%40d.bo++&_done=%2Fadministracion&_method=put";
        let post = read(body.as_bytes());
        assert_eq!(
            post.fields,
            json!({
                "name": "Ana Pérez",
                "roles": ["adit", "upat"],
                "areas": [],
                "is_admin": false,
                "notify": true,
                "disabled": false,
                "contacts": ["a@b.bo", "c@d.bo"],
            })
        );
        assert_eq!(post.done.as_deref(), Some("/administracion"));
        assert_eq!(post.method, Some(Method::PUT));
    }

    #[test]
    fn only_put_and_delete_replace_the_post() {
        assert_eq!(read(b"_method=GET").method, None);
        assert_eq!(read(b"_method=delete").method, Some(Method::DELETE));
        assert_eq!(read(b"").fields, json!({}));
    }
}
