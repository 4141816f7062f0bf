//! The responsible units and people the manual names, as a closed set.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Adit,
    JefeUgat,
    ResponsableAit,
    ProfesionalAit,
    Upat,
    Uit,
    Acgii,
    Dge,
    Entidad,
    AreaSustantiva,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::Adit,
        Role::JefeUgat,
        Role::ResponsableAit,
        Role::ProfesionalAit,
        Role::Upat,
        Role::Uit,
        Role::Acgii,
        Role::Dge,
        Role::Entidad,
        Role::AreaSustantiva,
    ];

    /// The stable identifier used in URLs, the API and account names.
    pub const fn slug(self) -> &'static str {
        match self {
            Role::Adit => "adit",
            Role::JefeUgat => "jefe-ugat",
            Role::ResponsableAit => "responsable-ait",
            Role::ProfesionalAit => "profesional-ait",
            Role::Upat => "upat",
            Role::Uit => "uit",
            Role::Acgii => "acgii",
            Role::Dge => "dge",
            Role::Entidad => "entidad",
            Role::AreaSustantiva => "area-sustantiva",
        }
    }

    /// The name the manual uses in its "Responsable" column.
    pub const fn label(self) -> &'static str {
        match self {
            Role::Adit => "ADIT",
            Role::JefeUgat => "Jefe de la UGAT",
            Role::ResponsableAit => "Responsable del AIT",
            Role::ProfesionalAit => "Profesional del AIT",
            Role::Upat => "UPAT",
            Role::Uit => "UIT",
            Role::Acgii => "ACGII",
            Role::Dge => "DGE",
            Role::Entidad => "Entidad solicitante",
            Role::AreaSustantiva => "Unidad/Área sustantiva",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.slug() == slug)
    }
}

/// How a set of roles reads in the manual, e.g. "UIT/UPAT".
pub fn roles_label(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|role| role.label())
        .collect::<Vec<_>>()
        .join(" / ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip_and_match_serde() {
        for role in Role::ALL {
            assert_eq!(Role::from_slug(role.slug()), Some(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.slug()));
        }
        assert_eq!(Role::from_slug("director"), None);
    }
}
