//! The managers' dashboard's figures as words and CSV.

use crate::domain::stats::MonthCount;

// The tables are written as CSV on the server only.
#[cfg(feature = "ssr")]
use crate::domain::integrations::IntegrationStats;
#[cfg(feature = "ssr")]
use crate::domain::stats::Stats;

/// A count with its noun in agreement: "1 abierto", "2 abiertos",
/// "0 abiertos".
pub fn counted<N>(count: N, one: &str, many: &str) -> String
where
    N: std::fmt::Display + PartialEq + From<u8>,
{
    let noun = if count == N::from(1) { one } else { many };
    format!("{count} {noun}")
}

/// "2026-11" as the dashboard names it: "nov. 2026".
pub fn month_label(month: &str) -> String {
    const NAMES: [&str; 12] = [
        "ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sept.", "oct.", "nov.",
        "dic.",
    ];
    match month.split_once('-') {
        Some((year, number)) => match number.parse::<usize>() {
            Ok(n @ 1..=12) => format!("{} {year}", NAMES[n - 1]),
            _ => month.to_owned(),
        },
        None => month.to_owned(),
    }
}

/// Every month from the first to the last of `months` (oldest first), the
/// months without a case included with zeros: a chart's time runs evenly.
pub fn month_series(months: &[MonthCount]) -> Vec<MonthCount> {
    let parse = |m: &MonthCount| -> Option<(i32, u32)> {
        let (year, month) = m.month.split_once('-')?;
        Some((year.parse().ok()?, month.parse().ok()?))
    };
    let (Some(first), Some(last)) = (
        months.first().and_then(parse),
        months.last().and_then(parse),
    ) else {
        return months.to_vec();
    };
    let mut series = Vec::new();
    let (mut year, mut month) = first;
    while (year, month) <= last && series.len() < 1_200 {
        let key = format!("{year}-{month:02}");
        series.push(
            months
                .iter()
                .find(|m| m.month == key)
                .cloned()
                .unwrap_or(MonthCount {
                    month: key,
                    opened: 0,
                    closed: 0,
                }),
        );
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    series
}

/// The values an axis marks from 0 to at least `max`: round steps (1, 2
/// or 5 times a power of ten), at most six marks.
pub fn axis_ticks(max: usize) -> Vec<usize> {
    let max = max.max(1);
    let mut power = 1;
    let step = loop {
        if let Some(step) = [1, 2, 5]
            .into_iter()
            .map(|f| f * power)
            .find(|step| max.div_ceil(*step) <= 5)
        {
            break step;
        }
        power *= 10;
    };
    (0..=max.div_ceil(step)).map(|i| i * step).collect()
}

/// A duration as a manager reads it: hours under two days, else days.
pub fn duration_label(ms: i64) -> String {
    let hours = ms as f64 / 3_600_000.0;
    if hours < 48.0 {
        format!("{hours:.0} h")
    } else {
        format!("{:.1} días", hours / 24.0).replace('.', ",")
    }
}

/// CSV as RFC 4180 writes it (the `csv` crate), with every cell that a
/// spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, carriage
/// return first) turned into text by a leading `'`: a name typed by anyone
/// must not run in the reader's spreadsheet.
#[cfg(feature = "ssr")]
pub fn csv(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let header = header.iter().map(|h| (*h).to_owned()).collect();
    csv_records(std::iter::once(header).chain(rows))
}

/// Records as CSV lines, with no header: a part of a longer, streamed file.
#[cfg(feature = "ssr")]
pub fn csv_records<R: IntoIterator<Item = String>>(rows: impl IntoIterator<Item = R>) -> String {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows {
        // Writing to memory cannot fail.
        let _ = writer.write_record(row.into_iter().map(inert_cell));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// A cell no spreadsheet runs: numbers stay numbers.
#[cfg(feature = "ssr")]
fn inert_cell(cell: String) -> String {
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula && cell.trim().parse::<f64>().is_err() {
        format!("'{cell}")
    } else {
        cell
    }
}

/// The per-activity table of the dashboard as CSV rows.
#[cfg(feature = "ssr")]
pub fn activities_csv(stats: &Stats) -> String {
    use crate::domain::procedures;
    let rows = stats.procedures.iter().flat_map(|p| {
        let procedure = procedures::definition(&p.code, p.version);
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

#[cfg(feature = "ssr")]
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
#[cfg(feature = "ssr")]
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
#[cfg(feature = "ssr")]
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
    fn months_read_as_words_and_run_without_gaps() {
        assert_eq!(month_label("2026-11"), "nov. 2026");
        assert_eq!(month_label("2027-01"), "ene. 2027");
        let count = |month: &str, opened| MonthCount {
            month: month.into(),
            opened,
            closed: 0,
        };
        let series = month_series(&[count("2026-11", 2), count("2027-02", 1)]);
        let names: Vec<&str> = series.iter().map(|m| m.month.as_str()).collect();
        assert_eq!(names, ["2026-11", "2026-12", "2027-01", "2027-02"]);
        assert_eq!(series[1].opened, 0);
        assert_eq!(series[3].opened, 1);
        assert!(month_series(&[]).is_empty());
    }

    #[test]
    fn an_axis_marks_round_values_up_to_the_highest() {
        assert_eq!(axis_ticks(0), [0, 1]);
        assert_eq!(axis_ticks(1), [0, 1]);
        assert_eq!(axis_ticks(7), [0, 2, 4, 6, 8]);
        assert_eq!(axis_ticks(10), [0, 2, 4, 6, 8, 10]);
        assert_eq!(axis_ticks(230), [0, 50, 100, 150, 200, 250]);
    }

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(counted(1, "abierto", "abiertos"), "1 abierto");
        assert_eq!(counted(2, "abierto", "abiertos"), "2 abiertos");
        assert_eq!(counted(0, "caso", "casos"), "0 casos");
    }

    #[cfg(feature = "ssr")]
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

    #[cfg(feature = "ssr")]
    #[test]
    fn csv_cells_never_run_as_formulas() {
        let out = csv(
            &["nombre", "n"],
            [
                vec!["=HYPERLINK(\"http://x\",\"y\")".into(), "-3".into()],
                vec!["+1+1".into(), "12".into()],
                vec!["@SUM(A1)".into(), "\tx".into()],
                vec!["-x".into(), "a=b".into()],
            ],
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[1], "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-3");
        assert_eq!(lines[2], "'+1+1,12");
        assert_eq!(lines[3], "'@SUM(A1),'\tx");
        assert_eq!(lines[4], "'-x,a=b");
    }

    #[test]
    fn durations_read_in_hours_then_days() {
        assert_eq!(duration_label(3 * 3_600_000), "3 h");
        assert_eq!(duration_label(60 * 3_600_000), "2,5 días");
    }
}
