//! The request lists at the keyboard: a designer filters the unassigned queue, saves it
//! as a view, follows it from another list, ticks two rows with the shortcuts (j, x),
//! goes to the bulk change's "Assign to" (a), assigns both to themselves and sees them
//! leave the unassigned view for their own.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_view_is_followed_and_two_rows_are_ticked_and_assigned_by_keyboard() {
    let app = TestApp::new(Engine::Sqlite).await;
    let s = app.scene().await;
    let mut posters = Vec::new();
    for subject in ["Poster for the spring fair", "Poster for the open day"] {
        posters.push(app.file(&s.requester, s.service, subject).await);
        app.clock.advance(SignedDuration::from_mins(5));
    }
    let banner = app.file(&s.requester, s.service, "Web banner").await;
    app.signed_in(&s.designer).await;
    let (_driver, person) = open_browser(&app).await;
    person
        .sign_in(&email(&app, s.designer.person_id).await)
        .await;

    // The unassigned queue, searched for posters, saved as a view.
    person.open("/requests?view=unassigned").await;
    assert_eq!(
        person.text("#views a[aria-current=page]").await,
        "Unassigned"
    );
    assert_eq!(person.find_all_count("table.requests tbody tr").await, 3);
    person.type_into("#list-search", "poster").await;
    person.follow("#filters button[type=submit]").await;
    person.wait_for_path("/requests?view=unassigned").await;
    assert_eq!(person.find_all_count("table.requests tbody tr").await, 2);
    person.type_into("#view-name", "Posters to take").await;
    person.follow("#save-view-button").await;
    person
        .wait_for_path("/requests?view=unassigned&q=poster")
        .await;

    // From another list, the saved view is one click away and marked when open.
    person.open("/requests?view=queue").await;
    assert_eq!(person.find_all_count("table.requests tbody tr").await, 3);
    person.follow("#saved-views a").await;
    person
        .wait_for_path("/requests?view=unassigned&q=poster")
        .await;
    assert_eq!(
        person.text("#saved-views a[aria-current=page]").await,
        "Posters to take"
    );
    assert!(
        person
            .text("#shortcuts summary")
            .await
            .contains("Keyboard shortcuts")
    );

    // j moves to a row, x ticks it: the two posters, newest first.
    person.keys("j").await;
    person.keys("x").await;
    person.keys("j").await;
    person.keys("x").await;
    for id in &posters {
        let tick = person.find(&format!("#tick-{id}")).await;
        assert!(tick.is_selected().await.unwrap(), "request {id} not ticked");
    }
    // k goes back up; x unticks and ticks again.
    person.keys("k").await;
    person.keys("x").await;
    let newest = posters[1];
    assert!(
        !person
            .find(&format!("#tick-{newest}"))
            .await
            .is_selected()
            .await
            .unwrap()
    );
    person.keys("x").await;
    // a goes to "Assign to"; keys typed in a field are the field's own.
    person.keys("a").await;
    assert_eq!(person.focused().await, "select#bulk-assignee");
    person.select("#bulk-assignee", "me").await;
    person.follow("#bulk-apply").await;
    person
        .wait_for_path("/requests?view=unassigned&q=poster&changed=2")
        .await;
    assert_eq!(person.text("#bulk-done").await, "2 requests changed.");
    assert_eq!(person.find_all_count("table.requests tbody tr").await, 0);

    // Now the designer's own; / goes to the search box.
    person
        .follow("#views a[href=\"/requests?view=assigned\"]")
        .await;
    person.wait_for_path("/requests?view=assigned").await;
    let mut shown = Vec::new();
    for row in person
        .web
        .find_all(By::Css("table.requests tbody tr"))
        .await
        .unwrap()
    {
        shown.push(
            row.attr("data-request")
                .await
                .unwrap()
                .unwrap()
                .parse::<i64>()
                .unwrap(),
        );
    }
    shown.sort();
    assert_eq!(shown, posters);
    assert!(!shown.contains(&banner));
    person.keys("/").await;
    assert_eq!(person.focused().await, "input#list-search");
    person.web.clone().quit().await.unwrap();
    app.cleanup().await;
}
