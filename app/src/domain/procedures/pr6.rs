use crate::domain::procedure::{activity, Choice, Concerns, Procedure};
use crate::domain::role::Role::*;

pub static PR6: Procedure = Procedure {
    code: "PR6",
    version: 1,
    printed_code: "UGAT/AIT-PR6",
    manual: &super::M06_V2,
    section: "8.2",
    sheet_starts: &[14],
    name: "Integración de herramientas de gobierno electrónico",
    objective: "Establecer el procedimiento para integrar cualquier herramienta de gobierno electrónico en cualquier solución tecnológica de las entidades públicas.",
    concerns: Concerns::OneEntity,
    activities: &[
        activity(
            1,
            &[Entidad],
            "Solicita información de HGE",
            "La entidad solicitante solicita información de las Herramientas de Gobierno Electrónico – HGE. Si la entidad no remite mediante nota externa si no mediante correo electrónico ese pasa a la actividad 5.",
            "-Documento externo/ Correo Electrónico",
            &[
                Choice::branch("nota-externa", "Remite nota externa", &[2]),
                Choice::branch("correo-electronico", "Remite correo electrónico", &[5]),
            ],
        ),
        activity(
            2,
            &[Dge],
            "Deriva la nota a la UGAT",
            "Si la entidad solicitante remite nota externa, se deriva la solicitud a la UGAT.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[3])],
        ),
        activity(
            3,
            &[JefeUgat],
            "Instruye atender la solicitud",
            "Deriva e instruye atender la solicitud al Responsable del AIT.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[4])],
        ),
        activity(
            4,
            &[ResponsableAit],
            "Deriva al profesional del AIT",
            "Revisa y deriva la solicitud al profesional del AIT.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[5])],
        ),
        activity(
            5,
            &[ProfesionalAit],
            "¿Requiere presentación de HGE?",
            "Revisa si en el requerimiento solicitan una presentación de la HGE. Si no requiere presentación de HGE pasa a la actividad 8.",
            "Progreso del documento (flujo)/ correo electrónico",
            &[
                Choice::branch("requiere-presentacion", "Requiere presentación de la HGE", &[6]),
                Choice::branch("sin-presentacion", "No requiere presentación", &[8]),
            ],
        ),
        activity(
            6,
            &[ProfesionalAit],
            "Realiza la presentación",
            "Si la entidad solicitante requiere presentación de las HGE, se realiza la misma.",
            "Acta de presentación",
            &[Choice::to(&[7])],
        ),
        activity(
            7,
            &[Entidad],
            "¿La HGE cumple sus requerimientos?",
            "La entidad solicitante analiza si la HGE cumple sus requerimientos. En caso de no cumplir se concluye la atención del servicio.",
            "Atención del servicio finalizada",
            &[
                Choice::branch("cumple", "La HGE cumple sus requerimientos", &[8]),
                Choice::ends("no-cumple", "La HGE no cumple sus requerimientos", "Atención del servicio concluida: la HGE no cumple los requerimientos de la entidad"),
            ],
        )
        .note("El manual dice que, si la HGE cumple, la entidad remite los formularios (actividad 9); como los formularios de solicitud se envían en la actividad 8, ambos caminos pasan por la 8 antes de la 9. La salida «Atención del servicio finalizada» corresponde al caso en que no cumple."),
        activity(
            8,
            &[ProfesionalAit],
            "Remite formularios de solicitud",
            "Si la entidad solicitante no requiere presentación de las HGE, remite formularios de solicitud de ambientes de prueba.",
            "Correo electrónico",
            &[Choice::to(&[9])],
        ),
        activity(
            9,
            &[ProfesionalAit],
            "Recibe formularios (Anexos 1 a 3)",
            "Si la(s) HGE cumplen los requerimientos de la entidad solicitante, esta remite los formularios de requerimiento llenados (Ver Anexos 1, 2 y 3). Ademas analiza si se integrara Ciudadania Digital (CD) o la Plataforma de Interoperabilidad (IOP).",
            "Formularios de Solicitud",
            &[
                Choice::branch("cd-iop", "Integrará Ciudadanía Digital o Interoperabilidad", &[10]),
                Choice::branch("pagos-facturacion", "Integrará Pasarela de Pagos o Facturación Electrónica", &[11]),
                Choice::branch("ambas", "Integrará ambos grupos de herramientas", &[10, 11]),
            ],
        )
        .receives_forms()
        .note("La actividad 11 dice «si no integrara la pasarela de pagos…»; se lee como el camino de la Pasarela de Pagos del Estado y la facturación electrónica, frente al de Ciudadanía Digital e Interoperabilidad (10). Si la entidad integra herramientas de ambos grupos, las dos habilitaciones se hacen en paralelo. El manual escribe «Ademas analiza si se integrara Ciudadania Digital»; se lee «Además analiza si se integrará Ciudadanía Digital»."),
        activity(
            10,
            &[Uit, Upat],
            "Habilita ambientes de CD o IOP",
            "Si la entidad solicitante integrara ciudadanía digital o la plataforma de interoperabilidad, realiza la habilitación de ambientes de prueba en coordinación con la entidad solicitante y pasa a la actividad 12.",
            "Correo electrónico",
            &[Choice::to(&[12])],
        )
        .note("El manual escribe «integrara»; se lee «integrará»."),
        activity(
            11,
            &[ProfesionalAit],
            "Habilita ambientes de pagos",
            "Si la entidad solicitante no integrara la pasarela de pagos del estado o el servicio de emisión de facturación electrónica, realiza la habilitación de ambientes de prueba en coordinación con la entidad solicitante.",
            "Correo electrónico",
            &[Choice::to(&[12])],
        )
        .note("El manual escribe «integrara»; se lee «integrará». Sobre el «no», véase la nota de la actividad 9."),
        activity(
            12,
            &[Entidad],
            "Integra las HGE en prueba",
            "Integra las HGE en ambiente de prueba.",
            "Integración de las HGE en ambiente de prueba",
            &[
                Choice::branch("requiere-certificacion", "Requiere certificación con entidades financieras", &[13]),
                Choice::branch("sin-certificacion", "No requiere certificación", &[14]),
            ],
        )
        .join()
        .note("Cuando se habilitan ambientes por ambos caminos (10 y 11), la integración espera a los dos."),
        activity(
            13,
            &[Entidad],
            "Se certifica con entidades financieras",
            "Si la entidad solicitante requiere certificación con entidades financieras, realiza las gestiones necesarias para certificarse.",
            "Acta de certificación",
            &[Choice::to(&[14])],
        )
        .note("Tras certificarse, la documentación para el alta de la HGE (14) sigue siendo necesaria, por lo que la 13 pasa a la 14."),
        activity(
            14,
            &[ProfesionalAit],
            "Documenta el alta de la HGE",
            "Si la entidad solicitante no requiere certificación con entidades financieras. Se realiza el procesamiento de documentación para el alta de la HGE. Nota: El profesional del AIT utilizara el manual de procedimiento de documentación para el alta de la Herramienta de Gobierno Electrónico.",
            "Informe Técnico",
            &[Choice::to(&[15])],
        )
        .note("El manual escribe «financieras. Se realiza»; se lee una sola oración: «financieras, se realiza»."),
        activity(
            15,
            &[ProfesionalAit],
            "Elabora nota externa",
            "Elabora nota externa de respuesta a la entidad solicitante.",
            "Nota Externa",
            &[Choice::to(&[16])],
        ),
        activity(
            16,
            &[ResponsableAit],
            "Revisa nota externa",
            "Revisa y aprueba la nota externa de respuesta a la entidad.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[17])],
        ),
        activity(
            17,
            &[JefeUgat],
            "Revisa nota externa",
            "Revisa y aprueba la nota externa de respuesta a la entidad.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[18])],
        ),
        activity(
            18,
            &[Dge],
            "Aprueba y remite la nota",
            "Aprueba la nota externa de respuesta a la entidad y la remite a la entidad solicitante.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[19])],
        ),
        activity(
            19,
            &[Entidad],
            "Recibe la nota de respuesta",
            "Recibe la nota de respuesta.",
            "Nota externa recibida",
            &[Choice::finish()],
        ),
    ],
};
