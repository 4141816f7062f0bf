//! What every answer carries on the open internet (the security headers)
//! and the check that a browser's writes come from the app's own pages.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, HOST, LAST_MODIFIED, ORIGIN,
    REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::settings::Settings;

/// The policy of a page: scripts only from this site or inline with this
/// request's nonce (Leptos puts it on its own), wasm compiled, nothing
/// framed or fetched elsewhere, and forms sent only here (and to
/// Ciudadanía Digital, where signing out without the wasm is redirected).
pub fn page_policy(nonce: &str, settings: &Settings) -> String {
    let provider = settings
        .ciudadania
        .as_ref()
        .and_then(|provider| url::Url::parse(&provider.issuer).ok())
        .map(|issuer| format!(" {}", issuer.origin().ascii_serialization()))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; frame-ancestors 'none'; form-action 'self'{provider}"
    )
}

/// The policy of everything that is not a page (JSON, CSV, files, error
/// answers): nothing in it may run or be framed.
const RESOURCE_POLICY: &str =
    "default-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/// The nonce of the page a request may render, chosen by
/// [`security_headers`] before the page is rendered, so that the policy
/// it sends and the nonces in the page are the same whatever happens to
/// Leptos's own response options on the way.
#[derive(Clone, Debug)]
pub struct PageNonce(pub String);

/// Called from the page shell: the page's scripts carry the request's
/// nonce, and the policy goes with the page (the middleware adds it to any
/// HTML answer that lacks it).
pub fn send_page_policy() {
    use leptos::prelude::{provide_context, use_context};
    let chosen = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PageNonce>().cloned());
    let nonce = match chosen {
        Some(PageNonce(nonce)) => {
            provide_context(leptos::nonce::Nonce::from_value(nonce.clone()));
            nonce
        }
        None => match leptos::nonce::use_nonce() {
            Some(nonce) => nonce.to_string(),
            None => return,
        },
    };
    if let (Some(response), Ok(policy)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&page_policy(
            &nonce,
            &use_context::<Arc<Settings>>().unwrap_or_default(),
        )),
    ) {
        response.insert_header(CONTENT_SECURITY_POLICY, policy);
    }
}

/// Whether a path names a file of the site by its content
/// (`/pkg/manual.<22 characters of hash>.js`): it never changes, so
/// browsers may keep it for a year without asking again.
pub fn content_named(path: &str) -> bool {
    let Some(file) = path.strip_prefix("/pkg/") else {
        return false;
    };
    let mut parts = file.rsplit('.');
    let (Some(_extension), Some(hash), Some(_stem)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    hash.len() == 22
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Adds the security headers that an answer does not set itself.
pub async fn security_headers(
    State(settings): State<Arc<Settings>>,
    request: Request,
    next: Next,
) -> Response {
    let immutable = content_named(request.uri().path());
    let nonce = super::store::new_id();
    let mut request = request;
    request.extensions_mut().insert(PageNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let page = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if page && !headers.contains_key(CONTENT_SECURITY_POLICY) {
        if let Ok(policy) = HeaderValue::from_str(&page_policy(&nonce, &settings)) {
            headers.insert(CONTENT_SECURITY_POLICY, policy);
        }
    }
    let static_file = headers.contains_key(ETAG) || headers.contains_key(LAST_MODIFIED);
    if immutable && static_file {
        headers.insert(
            CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    let defaults: [(HeaderName, &'static str); 7] = [
        (CONTENT_SECURITY_POLICY, RESOURCE_POLICY),
        (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (X_FRAME_OPTIONS, "DENY"),
        (REFERRER_POLICY, "same-origin"),
        (
            HeaderName::from_static("permissions-policy"),
            "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), \
             microphone=(), payment=(), usb=()",
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in defaults {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    // Pages and data may be personal: no cache keeps them. Files served
    // as they are on disk may be kept if checked again first.
    headers
        .entry(CACHE_CONTROL)
        .or_insert(HeaderValue::from_static(if static_file {
            "no-cache"
        } else {
            "no-store"
        }));
    if settings.https() {
        headers.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// The largest body a server function reads: the pages' forms are small.
pub const SERVER_FUNCTION_BODY_LIMIT: usize = 1024 * 1024;

/// How long an answer may take: a file upload as long as its body keeps
/// arriving (the body's own idle timeout cuts a stalled one), up to
/// [`UPLOAD_DEADLINE`]; anything else [`REQUEST_DEADLINE`].
pub async fn deadline(request: Request, next: Next) -> Response {
    let uploading = request.method() == Method::POST
        && request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
    let limit = if uploading {
        UPLOAD_DEADLINE
    } else {
        REQUEST_DEADLINE
    };
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Unreadable(
            http::StatusCode::SERVICE_UNAVAILABLE,
            "El servidor tardó demasiado en responder. Intente de nuevo en unos minutos.".into(),
        )
        .into_response(),
    }
}

/// A request must be answered within this (live streams answer at once
/// and then stream).
pub const REQUEST_DEADLINE: std::time::Duration = std::time::Duration::from_secs(30);
/// The longest a file upload may take.
pub const UPLOAD_DEADLINE: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Leptos server functions (under `/api/`, beside the JSON API's
/// `/api/v1/`) answer arguments they cannot read with a 500; they are the
/// client's mistake: a 400, in Spanish. An oversized body is a 413 before
/// it is read. A plain form's answer is a redirect back to its page.
pub async fn server_function_errors(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !path.starts_with("/api/") || path.starts_with("/api/v1/") {
        return next.run(request).await;
    }
    let declared = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > SERVER_FUNCTION_BODY_LIMIT) {
        return too_large();
    }
    // A form posted as plain HTML (a browser navigating, not the wasm's
    // fetch) is sent back to its page, the refusal in the address.
    let plain_post = request
        .headers()
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    let (parts, body) = request.into_parts();
    let body = axum::body::Body::new(http_body_util::Limited::new(
        body,
        SERVER_FUNCTION_BODY_LIMIT,
    ));
    let mut response = next.run(Request::from_parts(parts, body)).await;
    // Leptos sets the `Location`, but a refusal's status (422, 409…) would
    // keep the browser from following it.
    let location = plain_post
        .then(|| response.headers().get(axum::http::header::LOCATION))
        .flatten();
    if let Some(location) = location {
        // Leptos takes a former refusal out of the address but leaves its
        // `?` behind.
        let tidy = location
            .to_str()
            .ok()
            .and_then(|location| location.strip_suffix('?'))
            .and_then(|location| axum::http::HeaderValue::from_str(location).ok());
        if let Some(tidy) = tidy {
            response
                .headers_mut()
                .insert(axum::http::header::LOCATION, tidy);
        }
        *response.status_mut() = axum::http::StatusCode::SEE_OTHER;
        return response;
    }
    if response.status() != axum::http::StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    // Internal errors carry a short message in the server functions' own
    // encoding (`Kind|message`): small enough to read whole.
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return ApiError::Internal("unreadable server function error".into()).into_response();
    };
    let text = String::from_utf8_lossy(&bytes);
    let unreadable = text.starts_with("Args|") || text.starts_with("Deserialization|");
    if !unreadable {
        return Response::from_parts(parts, axum::body::Body::from(bytes));
    }
    if text.contains("length limit exceeded") {
        return too_large();
    }
    let detail = text.split_once('|').map_or("", |(_, detail)| detail);
    parts.status = axum::http::StatusCode::BAD_REQUEST;
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    let body = format!("Args|La solicitud no trae los datos que esta acción espera ({detail}).");
    Response::from_parts(parts, axum::body::Body::from(body))
}

fn too_large() -> Response {
    ApiError::Unreadable(
        axum::http::StatusCode::PAYLOAD_TOO_LARGE,
        "El cuerpo de la solicitud es demasiado grande.".into(),
    )
    .into_response()
}

/// Leptos server functions and the JSON API have no CSRF token: a browser
/// request that changes state must come from the app's own origin.
/// Requests without browser headers (other systems' clients) pass.
pub async fn same_origin_only(
    State(settings): State<Arc<Settings>>,
    request: Request,
    next: Next,
) -> Response {
    if is_cross_site(&settings, request.method(), request.headers()) {
        return ApiError::Forbidden(
            "Solicitud rechazada: no proviene de las páginas de esta aplicación.".into(),
        )
        .into_response();
    }
    next.run(request).await
}

fn is_cross_site(settings: &Settings, method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    // A browser names the page's origin on every write; it must be ours,
    // scheme included.
    if let Some(origin) = headers.get(ORIGIN) {
        return origin.to_str().ok() != Some(own_origin(settings, headers).as_str());
    }
    // Without `Origin`, only browsers that say where the request comes from
    // are checked: other systems' clients send neither.
    headers
        .get("sec-fetch-site")
        .is_some_and(|site| !matches!(site.to_str(), Ok("same-origin" | "none")))
}

/// The configured public origin; without one, the app serves plain http
/// under whatever name the request used.
fn own_origin(settings: &Settings, headers: &HeaderMap) -> String {
    match &settings.origin {
        Some(origin) => origin.clone(),
        None => {
            let host = headers
                .get(HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            format!("http://{}", host.to_ascii_lowercase())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn public(origin: &str) -> Settings {
        Settings {
            origin: Some(origin.into()),
            ..Settings::default()
        }
    }

    #[test]
    fn reads_are_never_refused() {
        let h = headers(&[("origin", "https://evil.example"), ("host", "app.local")]);
        assert!(!is_cross_site(&Settings::default(), &Method::GET, &h));
    }

    #[test]
    fn writes_from_another_site_are_refused() {
        let local = Settings::default();
        let h = headers(&[("origin", "https://evil.example"), ("host", "app.local")]);
        assert!(is_cross_site(&local, &Method::POST, &h));
        let h = headers(&[("sec-fetch-site", "cross-site"), ("host", "app.local")]);
        assert!(is_cross_site(&local, &Method::POST, &h));
        let h = headers(&[("sec-fetch-site", "same-site"), ("host", "app.local")]);
        assert!(is_cross_site(&local, &Method::POST, &h));
        let h = headers(&[("origin", "null"), ("host", "app.local")]);
        assert!(is_cross_site(&local, &Method::POST, &h));
    }

    #[test]
    fn the_whole_origin_counts_scheme_included() {
        let settings = public("https://tramites.example.gob.bo");
        let h = headers(&[
            ("origin", "http://tramites.example.gob.bo"),
            ("host", "tramites.example.gob.bo"),
        ]);
        assert!(is_cross_site(&settings, &Method::POST, &h));
        let h = headers(&[("origin", "https://tramites.example.gob.bo")]);
        assert!(!is_cross_site(&settings, &Method::POST, &h));
        // `Sec-Fetch-Site: none` does not excuse a foreign origin.
        let h = headers(&[
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "none"),
        ]);
        assert!(is_cross_site(&settings, &Method::POST, &h));
    }

    #[test]
    fn writes_from_the_app_itself_or_from_non_browsers_pass() {
        let local = Settings::default();
        let h = headers(&[
            ("origin", "http://app.local:3000"),
            ("host", "app.local:3000"),
        ]);
        assert!(!is_cross_site(&local, &Method::POST, &h));
        let h = headers(&[("sec-fetch-site", "same-origin")]);
        assert!(!is_cross_site(&local, &Method::POST, &h));
        assert!(!is_cross_site(
            &local,
            &Method::POST,
            &headers(&[("host", "app.local")])
        ));
    }

    #[test]
    fn only_content_named_files_are_immutable() {
        assert!(content_named("/pkg/manual.AbCdEfGhIjKlMnOpQrSt_-.wasm"));
        assert!(content_named("/pkg/manual.AbCdEfGhIjKlMnOpQrSt_-.js"));
        assert!(!content_named("/pkg/manual.js"));
        assert!(!content_named("/favicon.svg"));
        assert!(!content_named("/pkg/snippets/x/inline0.js"));
        assert!(!content_named("/api/v1/manual.AbCdEfGhIjKlMnOpQrSt_-.js"));
    }

    #[test]
    fn the_page_policy_carries_the_nonce_and_allows_no_inline_script_without_it() {
        let policy = page_policy("abc123", &Settings::default());
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        assert!(!policy.contains("unsafe-inline") && !policy.contains("'unsafe-eval'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(policy.ends_with("form-action 'self'"));
    }

    #[test]
    fn pages_may_send_a_form_on_to_the_identity_provider_and_nowhere_else() {
        let settings = Settings {
            ciudadania: Some(crate::server::settings::ProviderSettings {
                issuer: "https://proveedor.ciudadania.demo.agetic.gob.bo/".into(),
                client_id: "app".into(),
                client_secret: "secreto".into(),
            }),
            ..Settings::default()
        };
        let policy = page_policy("n", &settings);
        assert!(
            policy.ends_with("form-action 'self' https://proveedor.ciudadania.demo.agetic.gob.bo")
        );
    }
}
