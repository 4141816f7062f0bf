//! What the operator configures from the environment, read once at start
//! and handed to whatever needs it (tests build their own).

use url::Url;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// The public origin, `scheme://host[:port]`, when configured
    /// (`APP_ORIGIN`): the only origin a browser's write may come from.
    pub origin: Option<String>,
    /// Demo accounts may sign in (`APP_DEMO=1`).
    pub demo: bool,
    /// The app runs behind a reverse proxy that appends the client's
    /// address to `X-Forwarded-For` (`APP_BEHIND_PROXY=1`); otherwise the
    /// header is ignored, since any client can write it.
    pub behind_proxy: bool,
}

/// The session cookie's name where cookies are `Secure`: the `__Host-`
/// prefix makes browsers refuse it unless it is `Secure`, host-only and
/// for the whole site, so no subdomain or plain-http page can plant one.
pub const SECURE_SESSION_COOKIE: &str = "__Host-sesion";
/// Its name on a plain-http origin, where browsers refuse `__Host-`.
pub const PLAIN_SESSION_COOKIE: &str = "sesion";

impl Settings {
    pub fn from_env() -> Result<Settings, String> {
        let origin = match std::env::var("APP_ORIGIN") {
            Ok(raw) if !raw.trim().is_empty() => Some(parse_origin(&raw)?),
            _ => None,
        };
        let settings = Settings {
            origin,
            demo: std::env::var("APP_DEMO").is_ok_and(|v| v == "1"),
            behind_proxy: std::env::var("APP_BEHIND_PROXY").is_ok_and(|v| v == "1"),
        };
        if settings.demo && settings.https() {
            return Err(
                "APP_DEMO=1 no se admite con un APP_ORIGIN https: las cuentas de demostración \
                 tienen contraseñas conocidas y no deben llegar a un servicio público."
                    .into(),
            );
        }
        Ok(settings)
    }

    /// The same settings in demo mode (for tests and the seed command).
    pub fn demo() -> Settings {
        Settings {
            demo: true,
            ..Settings::default()
        }
    }

    /// Whether the public origin is https (then browsers are told to stay on it).
    pub fn https(&self) -> bool {
        self.origin
            .as_deref()
            .is_some_and(|o| o.starts_with("https://"))
    }

    /// Cookies are `Secure` unless the operator declared a plain-http
    /// origin: browsers treat `http://localhost` and `http://127.0.0.1` as
    /// secure, so a local run works either way.
    pub fn secure_cookies(&self) -> bool {
        !self
            .origin
            .as_deref()
            .is_some_and(|o| o.starts_with("http://"))
    }

    pub fn session_cookie_name(&self) -> &'static str {
        if self.secure_cookies() {
            SECURE_SESSION_COOKIE
        } else {
            PLAIN_SESSION_COOKIE
        }
    }
}

/// `APP_ORIGIN` as browsers write it in `Origin`: scheme, host and a
/// port other than the scheme's own, nothing else.
pub fn parse_origin(raw: &str) -> Result<String, String> {
    let refuse = |why: &str| Err(format!("APP_ORIGIN «{}»: {why}", raw.trim()));
    let Ok(url) = Url::parse(raw.trim()) else {
        return refuse("no es una dirección válida (ejemplo: https://tramites.example.gob.bo)");
    };
    if !matches!(url.scheme(), "http" | "https") {
        return refuse("debe empezar por https:// (o http:// en desarrollo)");
    }
    if url.host_str().is_none()
        || !url.username().is_empty()
        || url.password().is_some()
        || url.path() != "/"
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return refuse("debe ser solo el esquema y el nombre del servidor, sin ruta");
    }
    Ok(url.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_read_as_browsers_send_them() {
        assert_eq!(
            parse_origin("https://Tramites.Example.gob.bo/").unwrap(),
            "https://tramites.example.gob.bo"
        );
        assert_eq!(
            parse_origin("https://a.example:443").unwrap(),
            "https://a.example"
        );
        assert_eq!(
            parse_origin("http://127.0.0.1:3000").unwrap(),
            "http://127.0.0.1:3000"
        );
        for wrong in [
            "tramites.example.gob.bo",
            "ftp://a.example",
            "https://a.example/ruta",
            "https://user@a.example",
            "https://a.example/?q=1",
        ] {
            assert!(parse_origin(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn cookies_are_secure_unless_the_origin_is_plain_http() {
        let unset = Settings::default();
        assert!(unset.secure_cookies());
        assert_eq!(unset.session_cookie_name(), "__Host-sesion");
        let https = Settings {
            origin: Some("https://a.example".into()),
            ..Settings::default()
        };
        assert!(https.secure_cookies() && https.https());
        let http = Settings {
            origin: Some("http://a.example".into()),
            ..Settings::default()
        };
        assert!(!http.secure_cookies() && !http.https());
        assert_eq!(http.session_cookie_name(), "sesion");
    }
}
