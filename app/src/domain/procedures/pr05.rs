use crate::domain::procedure::{activity, Choice, Procedure};
use crate::domain::role::Role::*;

pub static PR05: Procedure = Procedure {
    code: "PR05",
    name: "Asistencia y apoyo técnico para la implementación de soluciones tecnológicas",
    objective: "Establecer el procedimiento para trabajar conjuntamente las entidades públicas en la implementación de soluciones tecnológicas.",
    activities: &[
        activity(
            1,
            &[Adit],
            "Remite el informe técnico de conclusión de desarrollo o actualización de solución tecnológica para su implementación.",
            "Informe técnico",
            &[Choice::to(&[2])],
        ),
        activity(
            2,
            &[JefeUgat],
            "Deriva informe técnico para la implementación de la solución tecnológica y paralelamente solicita la puesta en producción como se muestra en la actividad 5.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[3, 5])],
        ),
        activity(
            3,
            &[ResponsableAit],
            "Solicita coordinar reunión de trabajo con la entidad solicitante.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[4])],
        ),
        activity(
            4,
            &[ProfesionalAit],
            "Elabora plan de implementación en coordinación con la entidad solicitante. Paralelamente se realizan las actividades 6, 7 y 14.",
            "Plan de implementación",
            &[Choice::to(&[6, 7, 8, 14])],
        )
        .note("La actividad 8 dice «paralelamente»: la configuración de ambientes de la UPAT se lee como paralela a la habilitación de usuarios (7), por lo que el plan abre cuatro líneas: 6, 7, 8 y 14."),
        activity(
            5,
            &[JefeUgat],
            "Solicita la puesta en producción mediante nota interna a la UIT, pasa a la actividad 16.",
            "Nota interna",
            &[Choice::to(&[16])],
        ),
        activity(
            6,
            &[ProfesionalAit],
            "Realiza el procesamiento de documentación para el alta de la HGE, pasa a la actividad 18. Nota: El profesional del AIT utilizara el manual de procedimiento de documentación para el alta de la Herramienta de Gobierno Electrónico vigente.",
            "Informe técnico",
            &[Choice::to(&[18])],
        ),
        activity(
            7,
            &[ProfesionalAit],
            "Prepara y habilita a usuarios para pruebas al sistema.",
            "Correo electrónico institucional de habilitación de usuarios y/o archivos de hojas de cálculo",
            &[Choice::to(&[9])],
        ),
        activity(
            8,
            &[Upat],
            "Paralelamente, realiza la configuración y habilitación de ambientes del sistema para prueba piloto.",
            "Informe técnico y/o nota interna",
            &[Choice::to(&[9])],
        ),
        activity(
            9,
            &[ProfesionalAit],
            "Realiza la prueba piloto y/o capacitación al sistema, para comprobar la existencia de observaciones y/o sugerencias.",
            "Acta de capacitación",
            &[
                Choice::branch("con-observaciones", "Existen observaciones y/o sugerencias", &[10]),
                Choice::branch("sin-observaciones", "No existen observaciones ni sugerencias", &[13]),
            ],
        )
        .join()
        .note("La prueba piloto espera a que los usuarios estén habilitados (7) y los ambientes configurados (8). Cada ronda de observaciones (10 a 12) vuelve aquí."),
        activity(
            10,
            &[ProfesionalAit],
            "Si existen observaciones y/o sugerencias, consolida las mismas y remite a diseño para su evaluación y corrección al Responsable del ADIT.",
            "Nota interna",
            &[Choice::to(&[11])],
        ),
        activity(
            11,
            &[Adit],
            "Evalúa y realiza las correcciones del diseño funcional y según conducto regular se envía mediante nota interna a la UPAT.",
            "Nota interna",
            &[Choice::to(&[12])],
        ),
        activity(
            12,
            &[Upat],
            "Realiza la actualización del sistema correspondientes e informa nuevamente sobre lo realizado hasta que no exista más observaciones.",
            "Nota interna",
            &[Choice::to(&[9])],
        )
        .note("«Hasta que no exista más observaciones» se lee como una nueva prueba piloto (actividad 9) tras cada actualización."),
        activity(
            13,
            &[ProfesionalAit],
            "Si no existen observaciones y/o sugerencias, elabora el material de inducción del sistema, pasa a la actividad 15.",
            "Manuales de usuario",
            &[Choice::to(&[15])],
        ),
        activity(
            14,
            &[ProfesionalAit],
            "Verifica que todos los usuarios tengan los insumos necesarios para el uso del sistema.",
            "Listados y/o correos electrónicos",
            &[Choice::to(&[15])],
        ),
        activity(
            15,
            &[ProfesionalAit],
            "Realiza la capacitación de la solución tecnológica a la entidad solicitante.",
            "Acta de capacitación",
            &[Choice::to(&[18])],
        )
        .join()
        .note("La capacitación espera el material de inducción (13) y la verificación de insumos de los usuarios (14)."),
        activity(
            16,
            &[Uit],
            "Realiza la puesta en producción de la Solución Tecnológica. Nota: La UIT utilizara el Manual de Procedimientos de Puesta en Producción y Actualización de Sistemas y/o Servicios de Soluciones Tecnológicas, vigente.",
            "Informe técnico",
            &[Choice::to(&[17])],
        ),
        activity(
            17,
            &[Acgii],
            "Realiza la evaluación de seguridad de la solución tecnológica.",
            "Informe técnico",
            &[Choice::to(&[18])],
        ),
        activity(
            18,
            &[JefeUgat],
            "Revisa, aprueba y deriva el uso de la solución tecnológica.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[19])],
        )
        .join()
        .note("El manual no dice qué sigue a la capacitación (15) ni a la evaluación de seguridad (17); se lee que el Jefe de la UGAT aprueba el uso cuando terminan la capacitación, el alta de la HGE (6) y la evaluación de seguridad."),
        activity(
            19,
            &[ResponsableAit],
            "Solicita la elaboración de informe técnico de cierre de implementación.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[20])],
        ),
        activity(
            20,
            &[ProfesionalAit],
            "Realiza el informe técnico de cierre de implementación.",
            "Informe técnico",
            &[Choice::to(&[21])],
        ),
        activity(
            21,
            &[ResponsableAit],
            "Revisa y aprueba el informe técnico de cierre de implementación.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[22])],
        ),
        activity(
            22,
            &[JefeUgat],
            "Revisa y aprueba el informe técnico de cierre de implementación y solicita informar a la entidad solicitante.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[23])],
        ),
        activity(
            23,
            &[ResponsableAit],
            "Solicita elaborar la nota de respuesta.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[24])],
        ),
        activity(
            24,
            &[ProfesionalAit],
            "Elabora la nota de respuesta.",
            "Nota externa",
            &[Choice::to(&[25])],
        ),
        activity(
            25,
            &[ResponsableAit],
            "Revisa y aprueba la nota de respuesta.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[26])],
        ),
        activity(
            26,
            &[JefeUgat],
            "Revisa y aprueba la nota de respuesta.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[27])],
        ),
        activity(
            27,
            &[Dge],
            "Aprueba la nota de respuesta y la remite a la entidad.",
            "Progreso del documento (flujo)",
            &[Choice::to(&[28])],
        ),
        activity(
            28,
            &[Entidad],
            "Recibe la documentación.",
            "Nota externa recibida",
            &[Choice::finish()],
        ),
    ],
};
