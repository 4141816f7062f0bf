use crate::domain::procedure::{activity, Choice, Procedure};
use crate::domain::role::Role::*;

pub static PR7: Procedure = Procedure {
    code: "PR7",
    name: "Transferencia de soluciones tecnológicas",
    objective: "Establecer el procedimiento para la transferencia de cualquier solución tecnológica.",
    activities: &[
        activity(
            1,
            &[AreaSustantiva, Entidad],
            "Se remite documentación de requerimiento de transferencia (esta documentación puede remitirla a la UGAT alguna Unidad o Área sustantiva de la AGETIC o una entidad externa), Informe de cierre de implementación (en caso que la solución tecnológica haya sido desarrollada en la AGETIC) y/o nota interna con propuesta de ajuste normativo por parte de la UGTD.",
            "Nota de requerimiento de transferencia y/o informe de cierre de implementación y/o nota interna de la UGTD",
            &[Choice::to(&[2])],
        )
        .note("El manual admite que el requerimiento lo remita una unidad o área sustantiva de la AGETIC o una entidad externa; ambas pueden completar esta actividad."),
        activity(
            2,
            &[JefeUgat],
            "Deriva documentación al Responsable de AIT.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[3])],
        ),
        activity(
            3,
            &[ResponsableAit],
            "Deriva documentación y solicita coordinar reunión de trabajo con la entidad solicitante.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[4])],
        ),
        activity(
            4,
            &[ProfesionalAit],
            "Realiza el desarrollo y aprobación del plan de transferencia en coordinación con la entidad solicitante. Asimismo se realiza de forma paralela las actividades 5, 16, 17 y 19.",
            "Plan de transferencia",
            &[Choice::to(&[5, 16, 17, 19])],
        ),
        activity(
            5,
            &[ProfesionalAit],
            "Remite especificaciones sobre recursos necesarios para la instalación de la solución tecnológica (capacidades de servidores, base de datos, interoperabilidad, redes, etc) en coordinación con la UIT. Adicionalmente, si la solución tecnológica integra HGE pasa a la actividad 7. Si la solución tecnológica no integra HGE pasa a la actividad 15.",
            "Correos electrónicos",
            &[
                Choice::branch("integra-hge", "La solución integra HGE", &[6, 7]),
                Choice::branch("sin-hge", "La solución no integra HGE", &[6, 15]),
            ],
        )
        .note("Con las especificaciones, la entidad prepara su infraestructura (6) en todos los casos. «Adicionalmente» se lee como una segunda línea: con HGE, el alta de la HGE (7 a 9); sin HGE, esa línea espera directamente en el informe de migración (15)."),
        activity(
            6,
            &[Entidad],
            "Preparan infraestructura para la instalación de la solución tecnológica. Pasa a la actividad 10.",
            "Correos electrónicos",
            &[Choice::to(&[10])],
        ),
        activity(
            7,
            &[ProfesionalAit],
            "Se realiza el procesamiento de documentación para el alta de la HGE. Nota: El profesional del AIT utilizara el manual de procedimiento de documentación para el alta de la Herramienta de Gobierno Electrónico.",
            "Informe técnico",
            &[Choice::to(&[8])],
        ),
        activity(
            8,
            &[ResponsableAit],
            "Revisa y aprueba informe técnico.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[9])],
        ),
        activity(
            9,
            &[JefeUgat],
            "Revisa, aprueba y remite informe técnico.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[10])],
        )
        .note("El manual no dice a dónde pasa; se lee que el alta de la HGE debe estar aprobada antes del despliegue (10)."),
        activity(
            10,
            &[Uit],
            "Realiza el despliegue de la solución tecnológica en ambientes tecnológicos de la entidad solicitante.",
            "Correo electrónico",
            &[Choice::to(&[11])],
        )
        .join()
        .note("El despliegue espera la infraestructura de la entidad (6), el alta de la HGE cuando la hay (9) y la capacitación funcional con la coordinación de la puesta en producción (16, que «vuelve a la actividad 10»). Si las pruebas fallan, se despliega de nuevo."),
        activity(
            11,
            &[ProfesionalAit],
            "Realiza pruebas funcionales a la solución tecnológica instalada en ambientes tecnológicos de la entidad solicitante y si estas son exitosas, pasa a la actividad 12. Si las pruebas no son exitosas vuelve a la actividad 10.",
            "Pruebas funcionales a la solución tecnológica",
            &[
                Choice::branch("pruebas-exitosas", "Las pruebas son exitosas", &[12]),
                Choice::branch("pruebas-fallidas", "Las pruebas no son exitosas", &[10]),
            ],
        ),
        activity(
            12,
            &[ProfesionalAit],
            "Elabora nota interna solicitando la migración de la base de datos de producción de la solución tecnológica a la infraestructura de la entidad solicitante.",
            "Nota interna",
            &[Choice::to(&[13])],
        ),
        activity(
            13,
            &[ResponsableAit],
            "Revisa y aprueba nota interna.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[14])],
        ),
        activity(
            14,
            &[JefeUgat],
            "Revisa y remite nota interna.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[15])],
        ),
        activity(
            15,
            &[Uit],
            "Elabora informe técnico de migración de base de datos y lo remite a la UGAT. Pasa a la actividad 20.",
            "Informe técnico",
            &[Choice::to(&[20])],
        )
        .join()
        .note("Es la línea A del cierre de la actividad 21. Espera la nota de migración (14); sin HGE, también recibe la línea que la actividad 5 envía aquí."),
        activity(
            16,
            &[ProfesionalAit],
            "Realiza capacitaciones funcionales sobre el uso de la solución tecnológica a la entidad solicitante y coordina puesta en producción, vuelve a la actividad 10.",
            "Acta de capacitación",
            &[Choice::to(&[10])],
        ),
        activity(
            17,
            &[Upat],
            "Realiza capacitación sobre la arquitectura y el código fuente de la solución tecnológica en coordinación con la entidad solicitante.",
            "Acta de capacitación",
            &[Choice::to(&[18])],
        ),
        activity(
            18,
            &[Upat],
            "Remite Informe técnico a la UGAT mediante nota interna, pasa a la actividad 20.",
            "Informe técnico",
            &[Choice::to(&[20])],
        )
        .note("Línea B del cierre de la actividad 21."),
        activity(
            19,
            &[Upat],
            "Remite informe técnico del diseño de la solución tecnológica a la AIT mediante nota interna, pasa a la actividad 20.",
            "Informe técnico",
            &[Choice::to(&[20])],
        )
        .note("Línea C del cierre de la actividad 21."),
        activity(
            20,
            &[JefeUgat],
            "Deriva documentación para el cierre de transferencia.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[21])],
        )
        .join()
        .note("Espera los tres informes: migración de base de datos (15), capacitación de arquitectura y código (18) y diseño (19); son las «tareas A, B y C» de la actividad 21."),
        activity(
            21,
            &[ResponsableAit],
            "Revisa, aprueba y remite los informes al profesional del AIT, instruyendo la elaboración de informe técnico de transferencia funcional de la solución tecnológica y la elaboración de la nota externa a la entidad adjuntando el documento que se generara en la tarea 22, mas los que fueron generados en las tareas A, B y C.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[22])],
        ),
        activity(
            22,
            &[ProfesionalAit],
            "Elabora informe técnico de transferencia funcional de la solución tecnológica, según conducto regular.",
            "Informe técnico",
            &[Choice::to(&[23])],
        ),
        activity(
            23,
            &[ProfesionalAit],
            "Elabora nota externa para la remisión de la documentación de la transferencia de la solución tecnológica y material de soporte técnico.",
            "Nota externa",
            &[Choice::to(&[24])],
        ),
        activity(
            24,
            &[ResponsableAit],
            "Revisa y aprueba el informe técnico y/o la nota externa.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[25])],
        ),
        activity(
            25,
            &[JefeUgat],
            "Revisa y aprueba el informe técnico y la nota externa.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[26])],
        ),
        activity(
            26,
            &[Dge],
            "Revisa, aprueba y firma la nota externa.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[27])],
        ),
        activity(
            27,
            &[Entidad],
            "Recibe la nota externa.",
            "Nota externa recibida",
            &[Choice::finish()],
        ),
    ],
};
