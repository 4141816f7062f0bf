//! Every activity's description and output are the manual's words as printed,
//! slips included: a reading of the manual goes in the activity's note, never
//! into its text. The reference is the fixture `manual_rows.tsv`, extracted
//! once from the manual's text.

use std::collections::BTreeMap;

use app::domain::procedures::APPROVED;

const FIXTURE: &str = include_str!("fixtures/manual_rows.tsv");

/// (procedure code, activity number) → (description, output).
type Rows = BTreeMap<(String, u16), (String, String)>;

/// The fixture's wrapped lines were joined with single spaces; compare the
/// data the same way, so that only the words and their marks count.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn fixture_rows() -> Rows {
    let mut lines = FIXTURE.lines().filter(|line| !line.starts_with('#'));
    assert_eq!(
        lines.next(),
        Some("procedure\tnumber\tdescription\toutput"),
        "the fixture starts with its header"
    );
    let mut rows = Rows::new();
    for line in lines.filter(|line| !line.trim().is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [code, number, description, output] = fields[..] else {
            panic!("a fixture row has four tab-separated fields: {line:?}");
        };
        let number: u16 = number
            .parse()
            .unwrap_or_else(|_| panic!("activity number in {line:?}"));
        let previous = rows.insert(
            (code.to_owned(), number),
            (collapse(description), collapse(output)),
        );
        assert!(
            previous.is_none(),
            "{code} {number} appears twice in the fixture"
        );
    }
    rows
}

#[test]
fn descriptions_and_outputs_are_the_manuals_words() {
    let expected = fixture_rows();
    let mut actual = Rows::new();
    // The fixture is edition 2 of the manual, the one approved.
    for procedure in APPROVED.every_version() {
        for activity in procedure.activities {
            actual.insert(
                (procedure.code.to_owned(), activity.number),
                (collapse(activity.description), collapse(activity.output)),
            );
        }
    }

    let mut mismatches = Vec::new();
    for (code, number) in expected.keys().filter(|key| !actual.contains_key(*key)) {
        mismatches.push(format!("{code} {number}: in the manual, not in the data"));
    }
    for (code, number) in actual.keys().filter(|key| !expected.contains_key(*key)) {
        mismatches.push(format!("{code} {number}: in the data, not in the manual"));
    }
    for (key, (manual_description, manual_output)) in &expected {
        let Some((description, output)) = actual.get(key) else {
            continue;
        };
        let (code, number) = key;
        for (field, manual, data) in [
            ("description", manual_description, description),
            ("output", manual_output, output),
        ] {
            if manual != data {
                mismatches.push(format!(
                    "{code} {number} {field}:\n  manual: {manual}\n  data:   {data}"
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} difference(s) from the manual's text:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
