//! How each form's fields read: label, hint, kind of input. The form pages,
//! the check-answers page and the printed document all read this one table.

use super::rules::{PAYMENT_METHODS, SCOPES};
use super::Anexo;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Email,
    Url,
    Phone,
    Date,
    /// A shared secret: masked, with a button that generates one.
    Secret,
    /// One entry per line, sent as a list.
    Lines,
    /// One of the options, `(value, label)`.
    Choice(&'static [(&'static str, &'static str)]),
    /// Yes or no.
    YesNo,
    /// Any of the options; `fixed` are always ticked.
    Several {
        options: &'static [(&'static str, &'static str)],
        fixed: &'static [&'static str],
    },
    /// A statement the person ticks.
    Statement,
}

#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// The JSON name, also the input's name and id.
    pub name: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub kind: Kind,
    /// The manual marks it with an asterisk.
    pub required: bool,
    pub autocomplete: &'static str,
}

const fn field(
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    kind: Kind,
    required: bool,
) -> Field {
    Field {
        name,
        label,
        hint,
        kind,
        required,
        autocomplete: "off",
    }
}

const fn with_autocomplete(mut field: Field, autocomplete: &'static str) -> Field {
    field.autocomplete = autocomplete;
    field
}

/// A titled group of fields, as the manual groups Anexo 3.
#[derive(Clone, Copy, Debug)]
pub struct Section {
    pub title: Option<&'static str>,
    pub fields: &'static [Field],
}

const EMAIL: Field = with_autocomplete(
    field(
        "email",
        "Correo",
        "El correo de la entidad al que AGETIC responderá sobre esta solicitud.",
        Kind::Email,
        true,
    ),
    "email",
);

const SCOPE_LABELS: [(&str, &str); 6] = [
    (
        SCOPES[0],
        "openid: información de la autenticación del usuario (obligatorio)",
    ),
    (
        SCOPES[1],
        "profile: nombre completo y número de documento de identidad (obligatorio)",
    ),
    (
        SCOPES[2],
        "fecha_nacimiento: fecha de nacimiento; pídala solo si el sistema la usa",
    ),
    (
        SCOPES[3],
        "email: correo electrónico; pídalo solo si el sistema lo usa",
    ),
    (
        SCOPES[4],
        "celular: número de celular; pídalo solo si el sistema lo usa",
    ),
    (SCOPES[5], "offline_access: permite el refresh token"),
];

const ANEXO1: &[Section] = &[Section {
    title: None,
    fields: &[
        EMAIL,
        field(
            "authentication_integrated",
            "Nuestro sistema ya tiene integrada la autenticación de Ciudadanía Digital",
            "La aprobación de documentos requiere la autenticación: márquelo si ya la tiene integrada; si no, envíe antes el Anexo 2.",
            Kind::Statement,
            false,
        ),
        field(
            "client_id",
            "Client_id",
            "El identificador que Ciudadanía Digital asignó a su sistema, copiado tal cual.",
            Kind::Text,
            true,
        ),
        field(
            "redirect_uri",
            "URI de redirección después de aprobar",
            "Adonde vuelve el usuario al terminar la aprobación. Con https://, sin «?» ni «#»; para una app móvil, su esquema propio como bo.gob.entidad.app:/aprobado.",
            Kind::Url,
            true,
        ),
        field(
            "notification_uri",
            "URI de notificaciones de aprobación",
            "Adonde Ciudadanía Digital enviará por POST el aviso de cada aprobación concluida. Con https://.",
            Kind::Url,
            true,
        ),
        field(
            "notification_token",
            "Token de la URI de notificaciones",
            "Protege esa ruta: solo quien lo conozca podrá notificar. Al menos 32 caracteres difíciles de adivinar; use «Generar».",
            Kind::Secret,
            true,
        ),
    ],
}];

const ANEXO2: &[Section] = &[Section {
    title: None,
    fields: &[
        EMAIL,
        field(
            "application_type",
            "Perfil del cliente",
            "Cómo está hecho el sistema que usará Ciudadanía Digital.",
            Kind::Choice(&[("web", "Aplicación web"), ("mobile", "Aplicación móvil")]),
            true,
        ),
        field(
            "redirect_uri",
            "URI de redirección",
            "Adonde vuelve el usuario tras autenticarse. Con https://, sin «?» ni «#»; para una app móvil, su esquema propio como bo.gob.entidad.app:/callback.",
            Kind::Url,
            true,
        ),
        field(
            "post_logout_redirect_uri",
            "URI de redirección tras logout",
            "Adonde vuelve el usuario al cerrar sesión en el proveedor de identidad. Mismas reglas que la anterior.",
            Kind::Url,
            true,
        ),
        field("client_name", "Nombre del sistema cliente", "Como lo verán los ciudadanos al autorizarlo.", Kind::Text, true),
        field(
            "refresh_token",
            "¿Va a utilizar refresh token?",
            "Elija «Sí» si implementará la aprobación de documentos de Ciudadanía Digital a futuro; entonces marque también offline_access.",
            Kind::YesNo,
            true,
        ),
        field(
            "contacts",
            "Contactos",
            "Correo institucional de cada persona del área técnica que coordinará; uno por línea.",
            Kind::Lines,
            true,
        ),
        field(
            "scopes",
            "Scopes",
            "Los permisos que se pedirán al usuario. openid y profile son obligatorios.",
            Kind::Several {
                options: &SCOPE_LABELS,
                fixed: &["openid", "profile"],
            },
            true,
        ),
    ],
}];

const ANEXO3: &[Section] = &[
    Section {
        title: None,
        fields: &[EMAIL],
    },
    Section {
        title: Some("Datos de la entidad"),
        fields: &[
            with_autocomplete(field("entity_name", "Nombre de la entidad", "", Kind::Text, false), "organization"),
            field("entity_code", "Código de la entidad", "El código institucional de la entidad.", Kind::Text, false),
            with_autocomplete(field("entity_address", "Dirección de la entidad", "", Kind::Text, false), "street-address"),
            with_autocomplete(
                field(
                    "entity_phone",
                    "Teléfono de la entidad",
                    "Fijo (22123456) o celular (71234567) de Bolivia; puede anteponer +591.",
                    Kind::Phone,
                    false,
                ),
                "tel",
            ),
        ],
    },
    Section {
        title: Some("Nombre de sistema"),
        fields: &[field(
            "systems",
            "Sistemas",
            "El nombre de cada sistema que cobrará o facturará; uno por línea.",
            Kind::Lines,
            false,
        )],
    },
    Section {
        title: Some("Usuario administrador"),
        fields: &[
            with_autocomplete(field("admin_full_name", "Nombre completo", "", Kind::Text, false), "name"),
            field(
                "admin_ci",
                "Número de CI",
                "Como figura en el carnet: 4789123, con complemento 4789123-1A, con extensión 4789123 LP.",
                Kind::Text,
                false,
            ),
            with_autocomplete(
                field(
                    "admin_birth_date",
                    "Fecha de nacimiento",
                    "Debe ser mayor de edad.",
                    Kind::Date,
                    false,
                ),
                "bday",
            ),
            field(
                "admin_institutional_email",
                "Correo institucional",
                "De preferencia en .gob.bo, .edu.bo o .mil.bo.",
                Kind::Email,
                false,
            ),
            with_autocomplete(field("admin_position", "Cargo", "", Kind::Text, false), "organization-title"),
            field("admin_personal_email", "Correo personal", "", Kind::Email, false),
        ],
    },
    Section {
        title: Some("Medios de pago"),
        fields: &[field(
            "payment_methods",
            "Medios de pago",
            "Si desea probar la Pasarela de Pagos del Estado, marque los medios de pago a probar.",
            Kind::Several {
                options: &PAYMENT_METHODS,
                fixed: &[],
            },
            false,
        )],
    },
];

impl Anexo {
    pub fn sections(self) -> &'static [Section] {
        match self {
            Anexo::Uno => ANEXO1,
            Anexo::Dos => ANEXO2,
            Anexo::Tres => ANEXO3,
        }
    }

    pub fn fields(self) -> impl Iterator<Item = &'static Field> {
        self.sections().iter().flat_map(|s| s.fields.iter())
    }

    /// What the manual says before the form.
    pub const fn introduction(self) -> &'static str {
        match self {
            Anexo::Uno => "Para integrar el mecanismo de aprobación de documentos de Ciudadanía Digital en ambientes de prueba. Antes, solicite el uso de este mecanismo en la Plataforma de Interoperabilidad del Estado (https://interoperabilidad.agetic.gob.bo/); requiere haber implementado la autenticación de Ciudadanía Digital.",
            Anexo::Dos => "Para integrar el mecanismo de autenticación de Ciudadanía Digital en ambientes de prueba.",
            Anexo::Tres => "Para integrar la Pasarela de Pagos del Estado y el servicio de emisión de facturación electrónica en ambientes de prueba.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_every_form_is_described_once() {
        for anexo in Anexo::ALL {
            let blank = serde_json::to_value(super::super::AnyForm::blank(anexo)).unwrap();
            let mut names: Vec<&str> = anexo.fields().map(|f| f.name).collect();
            let mut keys: Vec<&str> = blank["form"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            names.sort_unstable();
            keys.sort_unstable();
            assert_eq!(names, keys, "{}", anexo.slug());
        }
    }
}
