use crate::domain::procedure::{activity, Choice, Procedure};
use crate::domain::role::Role::*;

pub static PR09: Procedure = Procedure {
    code: "PR09",
    name: "Seguimiento a la integración de herramientas de gobierno electrónico",
    objective: "Establecer el procedimiento para hacer seguimiento a la integración de herramientas de gobierno electrónico.",
    activities: &[
        activity(
            1,
            &[ProfesionalAit],
            "Gestiona información estadística de herramientas de gobierno electrónico y elabora informe del análisis de esta información.",
            "Informe técnico",
            &[Choice::to(&[2])],
        ),
        activity(
            2,
            &[ResponsableAit],
            "Revisa y aprueba informe técnico.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[3])],
        ),
        activity(
            3,
            &[JefeUgat],
            "Revisa y aprueba informe técnico. Si no existen inconsistencias de los datos se cierra el flujo.",
            "Progreso del documento (flujo)",
            &[
                Choice::branch("con-inconsistencias", "Existen inconsistencias en los datos", &[4]),
                Choice::ends("sin-inconsistencias", "No existen inconsistencias", "Flujo cerrado: no existen inconsistencias en los datos"),
            ],
        ),
        activity(
            4,
            &[JefeUgat],
            "Si existen inconsistencia en los datos analizados, se solicita elaborar informe técnico de análisis para la(s) entidad(es) correspondiente(s).",
            "Progreso del documento (flujo)",
            &[Choice::to(&[5])],
        ),
        activity(
            5,
            &[ResponsableAit],
            "Deriva e instruye atender la solicitud.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[6])],
        ),
        activity(
            6,
            &[ProfesionalAit],
            "Elabora informe técnico de análisis de datos.",
            "Informe técnico",
            &[Choice::to(&[7])],
        ),
        activity(
            7,
            &[ResponsableAit],
            "Revisa y aprueba informe técnico.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[8])],
        ),
        activity(
            8,
            &[JefeUgat],
            "Revisa, aprueba informe técnico y solicita remitirlo a la entidad solicitante.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[9])],
        ),
        activity(
            9,
            &[ResponsableAit],
            "Deriva e instruye atender la solicitud.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[10])],
        ),
        activity(
            10,
            &[ProfesionalAit],
            "Elabora nota externa de respuesta.",
            "Nota externa",
            &[Choice::to(&[11])],
        ),
        activity(
            11,
            &[ResponsableAit],
            "Deriva y aprueba nota externa.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[12])],
        ),
        activity(
            12,
            &[JefeUgat],
            "Deriva y aprueba nota externa.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[13])],
        ),
        activity(
            13,
            &[Dge],
            "Aprueba la nota externa y la remite a la entidad solicitante.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[14])],
        ),
        activity(
            14,
            &[Entidad],
            "Recibe nota externa.",
            "Nota externa recibida",
            &[Choice::finish()],
        )
        .note("El manual la llama «Entidad cliente»: es la entidad a la que se remite el análisis."),
    ],
};
