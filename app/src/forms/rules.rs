//! The rule families of the request forms: addresses, e-mails, scopes, the
//! identity card, telephones, dates and secrets. Each returns the message a
//! person reads, saying how to put the value right.

use crate::domain::validation::is_valid_email;

/// Domains the State's institutions write from.
const INSTITUTIONAL_SUFFIXES: [&str; 3] = [".gob.bo", ".edu.bo", ".mil.bo"];

/// Schemes that run code or read local data where a redirect lands.
const DANGEROUS_SCHEMES: [&str; 6] = ["javascript", "data", "file", "vbscript", "blob", "about"];

pub fn email(value: &str) -> Result<(), String> {
    if is_valid_email(value) {
        Ok(())
    } else {
        Err(format!(
            "«{value}» no es un correo válido. Escríbalo como nombre@entidad.gob.bo, sin espacios."
        ))
    }
}

/// A warning, not an error: an institutional address outside the State's
/// domains is allowed but worth a second look.
pub fn institutional_warning(value: &str) -> Option<String> {
    let domain = value.rsplit_once('@')?.1.to_ascii_lowercase();
    let inside = INSTITUTIONAL_SUFFIXES
        .iter()
        .any(|suffix| domain.ends_with(suffix));
    (!inside).then(|| {
        format!("«{value}» no es de un dominio institucional (.gob.bo, .edu.bo o .mil.bo). Verifique que sea el correo de la institución.")
    })
}

/// Where an absolute URI's parts begin: `(scheme, rest after ':')`.
fn split_scheme(uri: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = uri.split_once(':')?;
    let mut chars = scheme.chars();
    let first_is_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let valid = first_is_letter && chars.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c));
    valid.then_some((scheme, rest))
}

/// A host of dot-separated labels, optionally with a port.
fn valid_authority(authority: &str) -> bool {
    if authority.contains('@') {
        return false;
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()));
    let host_ok = !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    port_ok && host_ok
}

/// `https://host[:port][/path]`, without user information.
fn https_uri(uri: &str) -> Result<(), String> {
    let rest = match uri.get(..8) {
        Some(prefix) if prefix.eq_ignore_ascii_case("https://") => &uri[8..],
        _ => return Err("Debe empezar con https:// (una dirección segura).".into()),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if !valid_authority(authority) {
        return Err("Después de https:// escriba el dominio del sistema, como https://tramites.entidad.gob.bo/callback.".into());
    }
    Ok(())
}

fn common_uri_checks(uri: &str) -> Result<&str, String> {
    if uri.is_empty() {
        return Err("Es obligatorio.".into());
    }
    if uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("No puede contener espacios.".into());
    }
    if uri.len() > 2_000 {
        return Err("Use como máximo 2000 caracteres.".into());
    }
    let Some((scheme, _)) = split_scheme(uri) else {
        return Err("Escriba la dirección completa, con su esquema, como https://tramites.entidad.gob.bo/callback.".into());
    };
    if DANGEROUS_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()) {
        return Err(format!(
            "Las direcciones «{scheme}:» no se admiten; use https://."
        ));
    }
    Ok(scheme)
}

fn no_query_or_fragment(uri: &str) -> Result<(), String> {
    if uri.contains('?') {
        return Err("No puede llevar parámetros de consulta (lo que sigue a «?»).".into());
    }
    if uri.contains('#') {
        return Err("No puede llevar fragmento (lo que sigue a «#»).".into());
    }
    Ok(())
}

/// A private-use scheme in reverse-domain form, as RFC 8252 asks of native
/// apps: `bo.gob.entidad.app:/callback`.
fn private_use_uri(scheme: &str, rest: &str) -> Result<(), String> {
    let labels_ok = scheme.split('.').count() >= 2
        && scheme.split('.').all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        });
    if !labels_ok {
        return Err("Para una aplicación móvil use https:// o el esquema propio de la app en forma de dominio invertido, como bo.gob.entidad.app:/callback.".into());
    }
    if !rest.starts_with('/') {
        return Err(format!(
            "Después de «{scheme}:» escriba la ruta, como {scheme}:/callback."
        ));
    }
    Ok(())
}

/// How the client that receives the redirect is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientKind {
    Web,
    Mobile,
}

/// A redirect or post-logout address: absolute, without query or fragment;
/// `https` for the web, `https` or a reverse-domain scheme for mobile apps.
pub fn redirect_uri(uri: &str, kind: ClientKind) -> Result<(), String> {
    let scheme = common_uri_checks(uri)?;
    no_query_or_fragment(uri)?;
    if scheme.eq_ignore_ascii_case("https") {
        return https_uri(uri);
    }
    match kind {
        ClientKind::Web => Err("Para una aplicación web debe empezar con https://.".into()),
        ClientKind::Mobile => {
            let rest = &uri[scheme.len() + 1..];
            private_use_uri(scheme, rest)
        }
    }
}

/// Where Ciudadanía Digital posts its notifications: an absolute `https`
/// address; a fragment never reaches a server.
pub fn notification_uri(uri: &str) -> Result<(), String> {
    let scheme = common_uri_checks(uri)?;
    if !scheme.eq_ignore_ascii_case("https") {
        return Err("Debe empezar con https:// (una dirección segura).".into());
    }
    if uri.contains('#') {
        return Err("No puede llevar fragmento (lo que sigue a «#»).".into());
    }
    https_uri(uri)
}

pub const MIN_TOKEN_CHARS: usize = 32;
pub const MAX_TOKEN_CHARS: usize = 256;

/// A shared secret: long, printable, and not made of a few repeated or
/// consecutive characters.
pub fn secret_token(token: &str) -> Result<(), String> {
    let length = token.chars().count();
    if length < MIN_TOKEN_CHARS {
        return Err(format!(
            "Debe tener al menos {MIN_TOKEN_CHARS} caracteres (tiene {length}). Use «Generar» para obtener uno seguro."
        ));
    }
    if length > MAX_TOKEN_CHARS {
        return Err(format!("Use como máximo {MAX_TOKEN_CHARS} caracteres."));
    }
    if !token.chars().all(|c| c.is_ascii_graphic()) {
        return Err("Use solo letras, números y símbolos, sin espacios ni tildes.".into());
    }
    let mut distinct: Vec<char> = token.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    let bytes = token.as_bytes();
    let longest_run = bytes
        .windows(2)
        .fold((1, 1), |(longest, run), pair| {
            let step = i16::from(pair[1]) - i16::from(pair[0]);
            let run = if step.abs() <= 1 { run + 1 } else { 1 };
            (longest.max(run), run)
        })
        .0;
    if distinct.len() < 12 || longest_run >= 8 {
        return Err("Es fácil de adivinar: repite o encadena caracteres. Use «Generar» para obtener uno seguro.".into());
    }
    Ok(())
}

/// The scopes Ciudadanía Digital offers, and the two every client asks for.
pub const SCOPES: [&str; 6] = [
    "openid",
    "profile",
    "fecha_nacimiento",
    "email",
    "celular",
    "offline_access",
];
pub const REQUIRED_SCOPES: [&str; 2] = ["openid", "profile"];

/// The scopes asked for, and whether the refresh token answer agrees with
/// them (`offline_access` is what grants a refresh token).
pub fn scopes(scopes: &[String], refresh_token: bool) -> Result<(), String> {
    if let Some(unknown) = scopes.iter().find(|s| !SCOPES.contains(&s.as_str())) {
        return Err(format!(
            "«{unknown}» no es un permiso de Ciudadanía Digital; elija entre {}.",
            SCOPES.join(", ")
        ));
    }
    let missing: Vec<&str> = REQUIRED_SCOPES
        .into_iter()
        .filter(|required| !scopes.iter().any(|s| s == required))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "Los permisos {} son obligatorios.",
            missing.join(" y ")
        ));
    }
    let offline = scopes.iter().any(|s| s == "offline_access");
    match (refresh_token, offline) {
        (true, false) => Err("Si va a usar refresh token, marque también offline_access.".into()),
        (false, true) => Err("offline_access da un refresh token: márquelo solo si respondió «Sí» a usar refresh token.".into()),
        _ => Ok(()),
    }
}

/// The departments that issue identity cards, as written after the number.
pub const CI_EXTENSIONS: [&str; 9] = ["LP", "CB", "SC", "OR", "PT", "CH", "TJ", "BE", "PD"];

/// An identity card number as written on the card: `4789123`, `4789123-1A`,
/// `4789123 LP`, `4789123-1A LP`. Returns it in that canonical spelling.
pub fn identity_card(value: &str) -> Result<String, String> {
    let upper = value.trim().to_uppercase();
    let mut words = upper.split_whitespace();
    let number_part = words.next().unwrap_or_default();
    let extension = words.next();
    let fail = || {
        Err("Escriba el número del carnet como figura en él: 4789123, 4789123-1A, 4789123 LP o 4789123-1A LP.".to_owned())
    };
    if words.next().is_some() || number_part.is_empty() {
        return fail();
    }
    let (number, complement) = match number_part.split_once('-') {
        Some((number, complement)) => (number, Some(complement)),
        None => (number_part, None),
    };
    if !(4..=10).contains(&number.len()) || !number.chars().all(|c| c.is_ascii_digit()) {
        return fail();
    }
    if let Some(complement) = complement {
        let valid = complement.len() == 2
            && complement.chars().all(|c| c.is_ascii_alphanumeric())
            && complement.chars().any(|c| c.is_ascii_digit());
        if !valid {
            return Err("El complemento tiene dos caracteres, como 1A; escríbalo después de un guion: 4789123-1A.".into());
        }
    }
    if let Some(extension) = extension {
        if !CI_EXTENSIONS.contains(&extension) {
            return Err(format!(
                "La extensión «{extension}» no existe; use una de {}.",
                CI_EXTENSIONS.join(", ")
            ));
        }
    }
    let mut canonical = number.to_owned();
    if let Some(complement) = complement {
        canonical.push('-');
        canonical.push_str(complement);
    }
    if let Some(extension) = extension {
        canonical.push(' ');
        canonical.push_str(extension);
    }
    Ok(canonical)
}

/// A Bolivian telephone, mobile (8 digits from 6 or 7) or landline (8 digits
/// from 2, 3 or 4), with or without +591, spaces or dashes; in E.164.
pub fn phone(value: &str) -> Result<String, String> {
    let compact: String = value
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let national = compact
        .strip_prefix("+591")
        .or_else(|| compact.strip_prefix("00591"))
        .unwrap_or(&compact);
    let valid = national.len() == 8
        && national.chars().all(|c| c.is_ascii_digit())
        && matches!(national.as_bytes()[0], b'2' | b'3' | b'4' | b'6' | b'7');
    if valid {
        Ok(format!("+591{national}"))
    } else {
        Err("Escriba un teléfono de Bolivia de 8 dígitos: celular como 71234567 o fijo como 22123456; puede anteponer +591.".into())
    }
}

/// A civil date, year-month-day.
pub type Date = (i64, i64, i64);

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// An ISO date `YYYY-MM-DD` that exists in the calendar.
pub fn iso_date(value: &str) -> Option<Date> {
    let bytes = value.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = value.get(range)?;
        part.chars()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    (year >= 1 && (1..=days_in_month(year, month)).contains(&day)).then_some((year, month, day))
}

/// Whole years from `born` to `today`.
fn age(born: Date, today: Date) -> i64 {
    let before_birthday = (today.1, today.2) < (born.1, born.2);
    today.0 - born.0 - i64::from(before_birthday)
}

/// A birth date: real, in the past, of a person 18 to 100 years old.
pub fn birth_date(value: &str, today: Date) -> Result<(), String> {
    let Some(born) = iso_date(value) else {
        return Err("Escriba una fecha real en la forma AAAA-MM-DD, como 1985-04-23.".into());
    };
    if born >= today {
        return Err("La fecha de nacimiento debe ser anterior a hoy.".into());
    }
    let years = age(born, today);
    if years < 18 {
        return Err("El usuario administrador debe ser mayor de edad (18 años o más).".into());
    }
    if years > 100 {
        return Err("Revise el año: la fecha indica más de 100 años.".into());
    }
    Ok(())
}

/// How the State's payment gateway can be tried.
pub const PAYMENT_METHODS: [(&str, &str); 3] = [
    ("cpt", "CPT"),
    ("qr", "QR"),
    ("card", "Tarjetas de crédito y/o débito"),
];

pub fn payment_methods(methods: &[String]) -> Result<(), String> {
    match methods
        .iter()
        .find(|m| !PAYMENT_METHODS.iter().any(|(id, _)| id == m))
    {
        Some(unknown) => Err(format!(
            "«{unknown}» no es un medio de pago de la pasarela; use cpt, qr o card."
        )),
        None => Ok(()),
    }
}
