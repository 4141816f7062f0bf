//! PR09's raw material: which e-government tools each entity asked for and
//! how far each got, read from its PR6 cases and the forms it sent, and the
//! inconsistencies in them that the AIT's technical report must name.
//!
//! How the manual's facts are read (PR6):
//! - asked for ("solicitada"): the form of the tool was sent: Anexo 2 for
//!   Ciudadanía Digital's authentication, Anexo 1 for its document approval,
//!   Anexo 3 for electronic invoicing, and for the payment gateway when it
//!   names payment methods to try; interoperability when activity 9 chose the
//!   CD/IOP way and no Ciudadanía Digital form was sent;
//! - test environment ("en pruebas"): the environments of its way were
//!   enabled (activity 10 for CD/IOP, 11 for payments and invoicing);
//! - production ("en producción"): the tool was registered (activity 14).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::procedure::ActivityNumber;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tool {
    CdAuthentication,
    CdApproval,
    Payments,
    Invoicing,
    Interoperability,
}

impl Tool {
    pub const ALL: [Tool; 5] = [
        Tool::CdAuthentication,
        Tool::CdApproval,
        Tool::Payments,
        Tool::Invoicing,
        Tool::Interoperability,
    ];

    pub const fn label(self) -> &'static str {
        match self {
            Tool::CdAuthentication => "Ciudadanía Digital: autenticación",
            Tool::CdApproval => "Ciudadanía Digital: aprobación de documentos",
            Tool::Payments => "Pasarela de Pagos del Estado",
            Tool::Invoicing => "Facturación electrónica",
            Tool::Interoperability => "Plataforma de Interoperabilidad",
        }
    }

    /// The activity of PR6 that enables its test environment.
    const fn enabled_by(self) -> ActivityNumber {
        match self {
            Tool::CdAuthentication | Tool::CdApproval | Tool::Interoperability => 10,
            Tool::Payments | Tool::Invoicing => 11,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    Requested,
    Testing,
    Production,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Requested, Stage::Testing, Stage::Production];

    pub const fn label(self) -> &'static str {
        match self {
            Stage::Requested => "Solicitada",
            Stage::Testing => "En ambiente de pruebas",
            Stage::Production => "En producción",
        }
    }
}

/// The latest sent version of one form in a PR6 case.
#[derive(Clone, Debug, PartialEq)]
pub struct SentForm {
    /// 1, 2 or 3.
    pub anexo: u8,
    pub returned: bool,
    pub names_payment_methods: bool,
    pub declares_authentication: bool,
}

/// One PR6 case as the statistics see it.
#[derive(Clone, Debug, PartialEq)]
pub struct Pr6Case {
    pub case_id: String,
    pub reference: String,
    pub entity: String,
    pub closed: bool,
    pub done: BTreeSet<ActivityNumber>,
    /// The way activity 9 took: `cd-iop`, `pagos-facturacion` or `ambas`.
    pub way_at_9: Option<String>,
    pub forms: Vec<SentForm>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Integration {
    pub entity: String,
    pub tool: Tool,
    pub stage: Stage,
    pub case_id: String,
    pub reference: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inconsistency {
    pub entity: String,
    pub case_id: String,
    pub reference: String,
    pub finding: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolCount {
    pub tool: Option<Tool>,
    pub requested: usize,
    pub testing: usize,
    pub production: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationStats {
    /// One row per tool, by the stage each integration reached.
    pub per_tool: Vec<ToolCount>,
    pub integrations_total: usize,
    pub inconsistencies_total: usize,
    pub integrations: Vec<Integration>,
    pub inconsistencies: Vec<Inconsistency>,
}

/// How many rows of each list the dashboard carries; the CSV has them all.
pub const SHOWN: usize = 50;

impl IntegrationStats {
    /// The same figures with the lists cut to their first [`SHOWN`] rows.
    pub fn summary(&self) -> IntegrationStats {
        IntegrationStats {
            per_tool: self.per_tool.clone(),
            integrations_total: self.integrations_total,
            inconsistencies_total: self.inconsistencies_total,
            integrations: self.integrations.iter().take(SHOWN).cloned().collect(),
            inconsistencies: self.inconsistencies.iter().take(SHOWN).cloned().collect(),
        }
    }
}

fn sent(case: &Pr6Case, anexo: u8) -> Option<&SentForm> {
    case.forms.iter().find(|f| f.anexo == anexo)
}

fn tools_asked(case: &Pr6Case) -> Vec<Tool> {
    let mut tools = Vec::new();
    if sent(case, 2).is_some() {
        tools.push(Tool::CdAuthentication);
    }
    if sent(case, 1).is_some() {
        tools.push(Tool::CdApproval);
    }
    if let Some(anexo3) = sent(case, 3) {
        if anexo3.names_payment_methods {
            tools.push(Tool::Payments);
        }
        tools.push(Tool::Invoicing);
    }
    let cd_way = matches!(case.way_at_9.as_deref(), Some("cd-iop" | "ambas"));
    if cd_way && sent(case, 1).is_none() && sent(case, 2).is_none() {
        tools.push(Tool::Interoperability);
    }
    tools
}

/// Every integration with its stage, the counts per tool, and what does not
/// add up.
pub fn integrations(cases: &[Pr6Case]) -> IntegrationStats {
    let mut integrations = Vec::new();
    let mut inconsistencies = Vec::new();
    let mut finding = |case: &Pr6Case, text: &str| {
        inconsistencies.push(Inconsistency {
            entity: case.entity.clone(),
            case_id: case.case_id.clone(),
            reference: case.reference.clone(),
            finding: text.to_owned(),
        });
    };
    for case in cases {
        for tool in tools_asked(case) {
            let stage = if case.done.contains(&14) {
                Stage::Production
            } else if case.done.contains(&tool.enabled_by()) {
                Stage::Testing
            } else {
                Stage::Requested
            };
            integrations.push(Integration {
                entity: case.entity.clone(),
                tool,
                stage,
                case_id: case.case_id.clone(),
                reference: case.reference.clone(),
            });
        }
        let authentication =
            sent(case, 2).is_some() || sent(case, 1).is_some_and(|f| f.declares_authentication);
        if sent(case, 1).is_some() && !authentication {
            finding(
                case,
                "Aprobación de documentos solicitada sin la autenticación de Ciudadanía Digital.",
            );
        }
        if case.done.contains(&9) && case.forms.is_empty() {
            finding(
                case,
                "La actividad 9 se completó sin formularios de solicitud en el expediente.",
            );
        }
        if case.closed && case.done.contains(&9) && case.forms.iter().any(|f| f.returned) {
            finding(
                case,
                "El expediente se cerró con un formulario devuelto sin corregir.",
            );
        }
        let payments_way = matches!(
            case.way_at_9.as_deref(),
            Some("pagos-facturacion" | "ambas")
        );
        if payments_way && case.done.contains(&11) && sent(case, 3).is_none() {
            finding(
                case,
                "Se habilitó el ambiente de pagos o facturación sin el Anexo 3.",
            );
        }
    }
    let per_tool = Tool::ALL
        .into_iter()
        .map(|tool| {
            let at = |stage: Stage| {
                integrations
                    .iter()
                    .filter(|i| i.tool == tool && i.stage == stage)
                    .count()
            };
            ToolCount {
                tool: Some(tool),
                requested: at(Stage::Requested),
                testing: at(Stage::Testing),
                production: at(Stage::Production),
            }
        })
        .collect();
    IntegrationStats {
        per_tool,
        integrations_total: integrations.len(),
        inconsistencies_total: inconsistencies.len(),
        integrations,
        inconsistencies,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(
        reference: &str,
        done: &[ActivityNumber],
        way: Option<&str>,
        forms: Vec<SentForm>,
        closed: bool,
    ) -> Pr6Case {
        Pr6Case {
            case_id: reference.to_lowercase(),
            reference: reference.into(),
            entity: format!("Entidad de {reference}"),
            closed,
            done: done.iter().copied().collect(),
            way_at_9: way.map(str::to_owned),
            forms,
        }
    }

    fn form(anexo: u8) -> SentForm {
        SentForm {
            anexo,
            returned: false,
            names_payment_methods: false,
            declares_authentication: false,
        }
    }

    #[test]
    fn stages_and_counts_match_the_hand_count() {
        let cases = vec![
            // A: authentication, in tests (10 done).
            case("A", &[1, 9, 10], Some("cd-iop"), vec![form(2)], false),
            // B: authentication and approval, registered (14 done).
            case(
                "B",
                &[1, 9, 10, 12, 14],
                Some("cd-iop"),
                vec![form(2), form(1)],
                true,
            ),
            // C: payments and invoicing asked, nothing enabled yet.
            case(
                "C",
                &[1],
                None,
                vec![SentForm {
                    names_payment_methods: true,
                    ..form(3)
                }],
                false,
            ),
            // D: the CD/IOP way without CD forms: interoperability, in tests.
            case("D", &[1, 9, 10], Some("cd-iop"), vec![form(3)], false),
        ];
        let stats = integrations(&cases);
        let row = |tool: Tool| {
            stats
                .per_tool
                .iter()
                .find(|r| r.tool == Some(tool))
                .unwrap()
                .clone()
        };
        assert_eq!(
            (
                row(Tool::CdAuthentication).testing,
                row(Tool::CdAuthentication).production
            ),
            (1, 1)
        );
        assert_eq!(row(Tool::CdApproval).production, 1);
        assert_eq!(
            (row(Tool::Payments).requested, row(Tool::Payments).testing),
            (1, 0)
        );
        // Invoicing: C asked (requested); D sent Anexo 3 but 11 is not done.
        assert_eq!(row(Tool::Invoicing).requested, 2);
        // D took the CD/IOP way without a Ciudadanía Digital form.
        assert_eq!(row(Tool::Interoperability).testing, 1);
        assert_eq!(stats.integrations.len(), 7);
        assert!(
            stats.inconsistencies.is_empty(),
            "{:?}",
            stats.inconsistencies
        );
    }

    #[test]
    fn interoperability_is_the_cd_way_without_cd_forms() {
        let stats = integrations(&[case("E", &[1, 9, 10], Some("ambas"), vec![], false)]);
        assert_eq!(stats.integrations.len(), 1);
        assert_eq!(
            (stats.integrations[0].tool, stats.integrations[0].stage),
            (Tool::Interoperability, Stage::Testing)
        );
    }

    #[test]
    fn inconsistencies_name_the_case_and_the_problem() {
        let stats = integrations(&[
            // Approval without authentication.
            case("F", &[1], None, vec![form(1)], false),
            // Declared authentication: no finding.
            case(
                "G",
                &[1],
                None,
                vec![SentForm {
                    declares_authentication: true,
                    ..form(1)
                }],
                false,
            ),
            // 9 done without forms, and payments enabled without Anexo 3.
            case("H", &[1, 9, 11], Some("pagos-facturacion"), vec![], false),
            // Closed with a returned form.
            case(
                "I",
                &[1, 9, 10, 14, 19],
                Some("cd-iop"),
                vec![SentForm {
                    returned: true,
                    ..form(2)
                }],
                true,
            ),
        ]);
        let found: Vec<(&str, &str)> = stats
            .inconsistencies
            .iter()
            .map(|i| (i.reference.as_str(), i.finding.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                ("F", "Aprobación de documentos solicitada sin la autenticación de Ciudadanía Digital."),
                ("H", "La actividad 9 se completó sin formularios de solicitud en el expediente."),
                ("H", "Se habilitó el ambiente de pagos o facturación sin el Anexo 3."),
                ("I", "El expediente se cerró con un formulario devuelto sin corregir."),
            ]
        );
    }
}
