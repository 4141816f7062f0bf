//! The manual as versioned law: a case follows the version of its
//! procedure it was opened under to its end, while new cases take a newer
//! version once it is in force. The newer version is a trial one (PR09
//! version 2, edition 3 of the manual: activity 2 reworded, a new activity
//! 3 and the rest renumbered), put in force by restarting on the same
//! database.

use serde_json::{json, Value};

use crate::common::{login_at, TestDatabase};
use crate::servers::{demo_entity, ServerProcess};

async fn complete(base: &str, client: &reqwest::Client, case_id: &str, number: u16) -> Value {
    let case: Value = client
        .get(format!("{base}/api/v1/cases/{case_id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let response = client
        .post(format!(
            "{base}/api/v1/cases/{case_id}/activities/{number}/complete"
        ))
        .json(&json!({ "output_reference": format!("IT-{number}"), "version": case["version"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

async fn open_pr09(base: &str, client: &reqwest::Client, entity: &str, title: &str) -> Value {
    let response = client
        .post(format!("{base}/api/v1/cases"))
        .json(&json!({ "procedure": "PR09", "entity_id": entity, "title": title }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

fn current(case: &Value) -> Vec<u64> {
    case["active"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["number"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_running_case_keeps_its_version_when_a_new_one_comes_into_force() {
    let database = TestDatabase::new().await;

    // Under edition 2: a PR09 case, version 1, gets past activity 1.
    let mut before = ServerProcess::start(&database);
    let admin = login_at(&before.base, "admin@demo.local").await;
    let entity = demo_entity(&before.base, &admin).await;
    let profesional = login_at(&before.base, "profesional-ait@demo.local").await;
    let old = open_pr09(&before.base, &profesional, &entity, "Seguimiento de 2026").await;
    let old_id = old["id"].as_str().unwrap().to_owned();
    assert_eq!(old["procedure_version"], 1);
    assert_eq!(
        old["manual"],
        json!({ "code": "UGAT/AIT-M06", "version": 2, "resolution": "R.A. AGETIC/RA/0153/2023", "approved_on": "20/11/2023" })
    );
    complete(&before.base, &profesional, &old_id, 1).await;
    // A due time set on version 1's activity 3 (the Jefe's decision).
    let response = admin
        .put(format!("{}/api/v1/due-times/PR09", before.base))
        .json(&json!({ "3": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    before.kill();

    // Edition 3 comes into force.
    let after = ServerProcess::start_with(&database, &[("APP_TRIAL_EDITION", "1")]);
    let base = after.base.clone();
    let profesional = login_at(&base, "profesional-ait@demo.local").await;
    let responsable = login_at(&base, "responsable-ait@demo.local").await;
    let jefe = login_at(&base, "jefe-ugat@demo.local").await;

    // The running case still follows version 1: after 2 comes its 3, the
    // Jefe's decision, not version 2's new activity.
    let old = complete(&base, &responsable, &old_id, 2).await;
    assert_eq!(old["procedure_version"], 1);
    assert_eq!(old["manual"]["version"], 2);
    assert_eq!(current(&old), [3]);
    let jefe_inbox: Value = jefe
        .get(format!("{base}/api/v1/inbox"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        jefe_inbox.to_string().contains(&old_id),
        "version 1's activity 3 is the Jefe's: {jefe_inbox}"
    );
    // And to its end, by version 1's numbers: no inconsistencies closes it.
    let response = jefe
        .post(format!("{base}/api/v1/cases/{old_id}/activities/3/complete"))
        .json(&json!({ "output_reference": "HR-3", "version": old["version"], "choice": "sin-inconsistencias" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let old: Value = response.json().await.unwrap();
    assert_eq!(old["status"], "closed");

    // A new case takes version 2, whose activity 3 is the new one.
    let new = open_pr09(&base, &profesional, &entity, "Seguimiento de 2027").await;
    let new_id = new["id"].as_str().unwrap().to_owned();
    assert_eq!(new["procedure_version"], 2);
    assert_eq!(new["manual"]["version"], 3);
    complete(&base, &profesional, &new_id, 1).await;
    let new = complete(&base, &responsable, &new_id, 2).await;
    assert_eq!(current(&new), [3]);
    let three = complete(&base, &profesional, &new_id, 3).await;
    assert_eq!(
        current(&three),
        [4],
        "version 2's decision is now activity 4"
    );

    // The dashboard keeps the versions apart: each has its own row, with
    // its own activities.
    let stats: Value = jefe
        .get(format!("{base}/api/v1/stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pr09: Vec<&Value> = stats["procedures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["code"] == "PR09")
        .collect();
    let rows: Vec<(u64, u64, u64, usize)> = pr09
        .iter()
        .map(|p| {
            (
                p["version"].as_u64().unwrap(),
                p["open"].as_u64().unwrap(),
                p["closed"].as_u64().unwrap(),
                p["activities"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(rows, [(1, 0, 1, 14), (2, 1, 0, 15)]);
    let waiting_at = |row: &Value, number: u64| {
        row["activities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["number"] == number)
            .map(|a| a["waiting"].as_u64().unwrap())
    };
    assert_eq!(waiting_at(pr09[1], 4), Some(1));
    assert_eq!(waiting_at(pr09[0], 4), Some(0));
    // The due time set on version 1's activity 3 stays with it; version
    // 2's activity 3 (another activity) keeps the default.
    let due_at = |row: &Value, number: u64| {
        row["activities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["number"] == number)
            .map(|a| a["due_ms"].as_i64().unwrap())
    };
    assert_eq!(due_at(pr09[0], 3), Some(3_600_000));
    assert_eq!(due_at(pr09[1], 3), due_at(pr09[1], 2));
    assert_ne!(due_at(pr09[1], 3), Some(3_600_000));

    // The procedure itself is published in its newest version.
    let procedure: Value = reqwest::get(format!("{base}/api/v1/procedures/PR09"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(procedure["activities"].as_array().unwrap().len(), 15);
}
