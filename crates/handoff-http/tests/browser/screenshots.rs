//! The README's screenshots: the home page, the queue, a request and relationship health
//! as a designer of a small organisation sees them, taken by this test so that they show
//! the pages as they are. `scripts/screenshots` runs it with `HANDOFF_README_SCREENSHOTS`
//! naming the folder to write them to (docs/screenshots); without it the test still opens
//! and checks each page.

use super::*;

/// Saves the window as `NAME.png` in `HANDOFF_README_SCREENSHOTS`, when set.
async fn shoot(person: &Person, name: &str) {
    let Some(dir) = std::env::var_os("HANDOFF_README_SCREENSHOTS") else {
        return;
    };
    let cdp = person.web.cdp();
    let emulation = cdp.emulation();
    emulation
        .set_device_metrics_override(1280, 800, 1.0, false)
        .await
        .unwrap();
    let path = PathBuf::from(dir).join(format!("{name}.png"));
    person.web.screenshot(&path).await.unwrap();
    emulation.clear_device_metrics_override().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_screenshots_show_the_main_pages() {
    let app = TestApp::new(Engine::Sqlite).await;
    let s = app.scene().await;
    support::with_policy(
        &app,
        &s,
        json!({"first_response_minutes": 60, "resolution_minutes": 480}),
    )
    .await;
    // Names a reader would expect.
    for (department, name) in [(s.design, "Design"), (s.marketing, "Marketing")] {
        app.admin()
            .patch(
                &format!("/api/v1/departments/{department}"),
                json!({"name": name}),
            )
            .await
            .assert(StatusCode::OK);
    }
    for (who, name) in [(&s.designer, "Dev Patel"), (&s.requester, "Maya Brooks")] {
        app.admin()
            .patch(
                &format!("/api/v1/people/{}", who.person_id),
                json!({"name": name}),
            )
            .await
            .assert(StatusCode::OK);
    }
    // A morning's work: five requests, some answered, one assigned to the designer,
    // one resolved and rated; by noon the unanswered ones are past their first response.
    let subjects = [
        "Poster for the spring fair",
        "Banner for the product launch",
        "Social images for the webinar",
        "Brochure refresh",
        "Trade show backdrop",
    ];
    let mut ids = Vec::new();
    for subject in subjects {
        ids.push(app.file(&s.requester, s.service, subject).await);
        app.clock.advance(SignedDuration::from_mins(10));
    }
    for id in &ids[..2] {
        s.designer
            .post(
                &format!("/api/v1/requests/{id}/comments"),
                json!({"body": "On it: a first draft this afternoon."}),
            )
            .await
            .assert(StatusCode::CREATED);
    }
    s.designer
        .patch(
            &format!("/api/v1/requests/{}", ids[1]),
            json!({"assignee_id": s.designer.person_id, "status": "in_progress"}),
        )
        .await
        .assert(StatusCode::OK);
    s.designer
        .patch(
            &format!("/api/v1/requests/{}", ids[0]),
            json!({"status": "resolved"}),
        )
        .await
        .assert(StatusCode::OK);
    s.requester
        .put(
            &format!("/api/v1/requests/{}/rating", ids[0]),
            json!({"score": 5, "comment": "Exactly what we needed"}),
        )
        .await;
    app.clock.advance(SignedDuration::from_hours(3));
    app.work().await;
    app.signed_in(&s.designer).await;

    let (_driver, person) = open_browser(&app).await;
    person
        .sign_in(&email(&app, s.designer.person_id).await)
        .await;
    person.open("/").await;
    shoot(&person, "home").await;
    person.open("/requests?view=queue").await;
    assert!(person.text("main").await.contains("Trade show backdrop"));
    shoot(&person, "queue").await;
    person.open(&format!("/requests/{}", ids[1])).await;
    shoot(&person, "request").await;
    person.open("/health").await;
    shoot(&person, "health").await;
}
