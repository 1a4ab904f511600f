//! The search box in every page's header: typed into on the home page, Enter shows what
//! matches in groups, a hit leads to its page.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_header_box_finds_requests_services_people_and_departments() {
    let app = TestApp::new(Engine::Sqlite).await;
    let s = app.scene().await;
    let id = app
        .file(&s.requester, s.service, "Graphics for the spring fair")
        .await;
    let gwen = app
        .named(s.design, "Gwen Graphics", "gwen@example.org")
        .await;
    let studio = app.department("graphics").await;
    app.signed_in(&s.requester).await;
    let (_driver, person) = open_browser(&app).await;
    person
        .sign_in(&email(&app, s.requester.person_id).await)
        .await;

    // From the home page: type in the header's box, press Enter.
    person.open("/").await;
    person.click("header form[role=search] input").await;
    person.keys("graphics").await;
    person.submit_with(Key::Enter).await;
    person.wait_for_path("/search?q=graphics").await;
    let value = person.find("#header-search").await.value().await.unwrap();
    assert_eq!(value.as_deref(), Some("graphics"));
    for (group, text) in [
        ("#search-requests", "Graphics for the spring fair"),
        ("#search-services", "Graphics for a campaign"),
        ("#search-people", "Gwen Graphics"),
        ("#search-departments", "GRAPHICS"),
    ] {
        let shown = person.text(group).await;
        assert!(shown.contains(text), "{group}: {shown}");
        assert!(shown.contains("(1)"), "{group}: {shown}");
    }
    person.snap("search-groups").await;
    for (group, path) in [
        ("#search-people", format!("/people/{}", gwen.person_id)),
        ("#search-departments", format!("/departments/{studio}")),
        ("#search-services", format!("/catalog/{}", s.service)),
    ] {
        person.open("/search?q=graphics").await;
        person.follow(&format!("{group} a")).await;
        person.wait_for_path(&path).await;
    }
    person.open("/search?q=graphics").await;
    person.follow("#search-requests a").await;
    person.wait_for_path(&format!("/requests/{id}")).await;
    assert!(
        person
            .text("h1")
            .await
            .contains("Graphics for the spring fair")
    );

    // Nothing found, and nothing typed: said so.
    person.click("#header-search").await;
    person.keys("zzyzx").await;
    person.submit_with(Key::Enter).await;
    person.wait_for_path("/search?q=zzyzx").await;
    assert!(
        person
            .text("#search-empty")
            .await
            .contains("Nothing you may see")
    );
    person.open("/search").await;
    assert!(
        person
            .text("#search-empty")
            .await
            .contains("Type a few words")
    );
    person.web.clone().quit().await.unwrap();
    app.cleanup().await;
}
