//! A version the manual has not had: PR09 version 2 in an edition 3 of
//! the manual, with activity 2 reworded and a new activity 3 (the rest
//! renumbered). Tests put it in force to show that a case keeps the version
//! it was opened under while new cases take the newest.

use super::{Catalogue, PR05, PR09, PR6, PR7};
use crate::domain::procedure::{activity, Choice, Concerns, Manual, Procedure};
use crate::domain::role::Role::*;

pub static M06_V3: Manual = Manual {
    code: "UGAT/AIT-M06",
    version: 3,
    resolution: "R.A. de prueba",
    approved_on: "01/01/2027",
};

pub static PR09_V2: Procedure = Procedure {
    code: "PR09",
    version: 2,
    printed_code: "UGAT/AIT-PR09",
    manual: &M06_V3,
    section: "8.4",
    sheet_starts: &[],
    name: "Seguimiento a la integración de herramientas de gobierno electrónico",
    objective: "Establecer el procedimiento para hacer seguimiento a la integración de herramientas de gobierno electrónico.",
    concerns: Concerns::AnyEntities,
    activities: &[
        activity(
            1,
            &[ProfesionalAit],
            "Analiza estadísticas de HGE",
            "Gestiona información estadística de herramientas de gobierno electrónico y elabora informe del análisis de esta información",
            "Informe técnico",
            &[Choice::to(&[2])],
        ),
        activity(
            2,
            &[ResponsableAit],
            "Aprueba informe técnico",
            "Revisa, observa si corresponde y aprueba el informe técnico.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[3])],
        ),
        activity(
            3,
            &[ProfesionalAit],
            "Registra el informe",
            "Registra el informe técnico aprobado en el sistema de seguimiento.",
            "Registro de seguimiento",
            &[Choice::to(&[4])],
        ),
        activity(
            4,
            &[JefeUgat],
            "¿Existen inconsistencias?",
            "Revisa y aprueba informe técnico. Si no existen inconsistencias de los datos se cierra el flujo.",
            "Progreso del documento (flujo)",
            &[
                Choice::branch("con-inconsistencias", "Existen inconsistencias en los datos", &[5]),
                Choice::ends("sin-inconsistencias", "No existen inconsistencias", "Flujo cerrado: no existen inconsistencias en los datos"),
            ],
        ),
        activity(
            5,
            &[JefeUgat],
            "Solicita informe de análisis",
            "Si existen inconsistencia en los datos analizados, se solicita elaborar informe técnico de análisis para la(s) entidad(es) correspondiente(s).",
            "Progreso del documento (flujo)",
            &[Choice::to(&[6])],
        ),
        activity(
            6,
            &[ResponsableAit],
            "Instruye atender la solicitud",
            "Deriva e instruye atender la solicitud.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[7])],
        ),
        activity(
            7,
            &[ProfesionalAit],
            "Elabora informe de análisis",
            "Elabora informe técnico de análisis de datos.",
            "Informe técnico",
            &[Choice::to(&[8])],
        ),
        activity(
            8,
            &[ResponsableAit],
            "Aprueba informe técnico",
            "Revisa y aprueba informe técnico.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[9])],
        ),
        activity(
            9,
            &[JefeUgat],
            "Aprueba y pide remitirlo",
            "Revisa, aprueba informe técnico y solicita remitirlo a la entidad solicitante.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[10])],
        ),
        activity(
            10,
            &[ResponsableAit],
            "Instruye atender la solicitud",
            "Deriva e instruye atender la solicitud",
            "Progreso del documento (flujo)",
            &[Choice::to(&[11])],
        ),
        activity(
            11,
            &[ProfesionalAit],
            "Elabora nota externa",
            "Elabora nota externa de respuesta",
            "Nota externa",
            &[Choice::to(&[12])],
        ),
        activity(
            12,
            &[ResponsableAit],
            "Aprueba nota externa",
            "Deriva y aprueba nota externa",
            "Progreso del documento (flujo)",
            &[Choice::to(&[13])],
        ),
        activity(
            13,
            &[JefeUgat],
            "Aprueba nota externa",
            "Deriva y aprueba nota externa",
            "Progreso del documento (flujo)",
            &[Choice::to(&[14])],
        ),
        activity(
            14,
            &[Dge],
            "Aprueba y remite la nota",
            "Aprueba la nota externa y la remite a la entidad solicitante",
            "Progreso del documento (flujo)",
            &[Choice::to(&[15])],
        ),
        activity(
            15,
            &[Entidad],
            "Recibe nota externa",
            "Recibe nota externa",
            "Nota externa recibida",
            &[Choice::finish()],
        )
        .note("El manual la llama «Entidad cliente»: es la entidad a la que se remite el análisis."),
    ],
};

/// The approved definitions and the trial version beside them.
pub static WITH_TRIAL: Catalogue = Catalogue::new(&[&PR05, &PR6, &PR7, &PR09, &PR09_V2]);
