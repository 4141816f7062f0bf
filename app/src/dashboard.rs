//! The managers' dashboard's figures as words and CSV.

use crate::domain::integrations::IntegrationStats;
use crate::domain::stats::Stats;

/// A duration as a manager reads it: hours under two days, else days.
pub fn duration_label(ms: i64) -> String {
    let hours = ms as f64 / 3_600_000.0;
    if hours < 48.0 {
        format!("{hours:.0} h")
    } else {
        format!("{:.1} días", hours / 24.0).replace('.', ",")
    }
}

/// CSV, with the quoting RFC 4180 asks for.
pub fn csv(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let field = |value: &str| {
        if value.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", value.replace('"', "\"\""))
        } else {
            value.to_owned()
        }
    };
    let mut out = header.join(",");
    out.push_str("\r\n");
    for row in rows {
        out.push_str(&row.iter().map(|v| field(v)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// The per-activity table of the dashboard as CSV rows.
pub fn activities_csv(stats: &Stats) -> String {
    use crate::domain::procedures;
    let rows = stats.procedures.iter().flat_map(|p| {
        let procedure = procedures::find(&p.code);
        p.activities.iter().map(move |a| {
            let title = procedure
                .and_then(|pr| pr.activity(a.number))
                .map(|x| x.title)
                .unwrap_or_default();
            let ms = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
            vec![
                p.code.clone(),
                a.number.to_string(),
                title.to_owned(),
                a.waiting.to_string(),
                a.overdue.to_string(),
                ms(a.oldest_since),
                a.due_ms.to_string(),
                a.took.count.to_string(),
                ms(a.took.median_ms),
                ms(a.took.p90_ms),
            ]
        })
    });
    csv(
        &[
            "procedimiento",
            "actividad",
            "titulo",
            "en_espera",
            "vencidos",
            "espera_desde_ms",
            "plazo_ms",
            "completadas",
            "mediana_ms",
            "p90_ms",
        ],
        rows,
    )
}

pub fn months_csv(stats: &Stats) -> String {
    csv(
        &["mes", "abiertos", "cerrados"],
        stats
            .months
            .iter()
            .map(|m| vec![m.month.clone(), m.opened.to_string(), m.closed.to_string()]),
    )
}

/// PR09: every integration with its stage, as CSV rows.
pub fn integrations_csv(stats: &IntegrationStats) -> String {
    csv(
        &["entidad", "herramienta", "estado", "expediente"],
        stats.integrations.iter().map(|i| {
            vec![
                i.entity.clone(),
                i.tool.label().to_owned(),
                i.stage.label().to_owned(),
                i.reference.clone(),
            ]
        }),
    )
}

/// PR09: the inconsistencies found, as CSV rows.
pub fn inconsistencies_csv(stats: &IntegrationStats) -> String {
    csv(
        &["entidad", "expediente", "hallazgo"],
        stats
            .inconsistencies
            .iter()
            .map(|i| vec![i.entity.clone(), i.reference.clone(), i.finding.clone()]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let out = csv(
            &["a", "b"],
            [
                vec!["x,y".into(), "dijo \"sí\"".into()],
                vec!["1".into(), "2".into()],
            ],
        );
        assert_eq!(out, "a,b\r\n\"x,y\",\"dijo \"\"sí\"\"\"\r\n1,2\r\n");
    }

    #[test]
    fn durations_read_in_hours_then_days() {
        assert_eq!(duration_label(3 * 3_600_000), "3 h");
        assert_eq!(duration_label(60 * 3_600_000), "2,5 días");
    }
}
