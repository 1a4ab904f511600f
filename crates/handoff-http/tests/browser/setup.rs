//! An administrator sets the organisation up in the browser — a department, a person
//! with a password, people imported from CSV after a preview — and a manager sets up a
//! service and its request form, seeing the preview; every page at both widths, axe-clean.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organisation_is_set_up_from_the_pages() {
    let app = TestApp::new(Engine::Sqlite).await;
    app.signed_in(app.admin()).await;
    let admin_email = email(&app, app.admin().person_id).await;
    let (_driver, person) = open_browser(&app).await;
    person.sign_in(&admin_email).await;

    // Departments: Finance, then Payroll under it.
    person.open("/organisation").await;
    person
        .follow("nav.subnav a[href='/organisation/departments']")
        .await;
    person.type_into("#department-name", "Finance").await;
    person.type_into("#department-handle", "finance").await;
    person.follow("#create-department").await;
    person.type_into("#department-name", "Payroll").await;
    person.type_into("#department-handle", "payroll").await;
    let finance = handoff_store::departments::find_by_handle(&app.db, "finance")
        .await
        .unwrap();
    person
        .select("#department-parent", &finance.id.to_string())
        .await;
    person.follow("#create-department").await;
    assert!(person.text("#department-list").await.contains("Payroll"));

    // A person, given a password shown once.
    person
        .follow("nav.subnav a[href='/organisation/people']")
        .await;
    person.type_into("#person-name", "Rosa Park").await;
    person.type_into("#person-email", "rosa@example.org").await;
    person
        .select("#person-department", &finance.id.to_string())
        .await;
    person.select("#person-role", "manager").await;
    person.follow("#create-person").await;
    assert!(person.text("#person-created").await.contains("Rosa Park"));
    person.follow("#reset-password").await;
    let password = person.text("#new-password-value").await;
    assert_eq!(password.len(), 16);

    // People from CSV: previewed, then confirmed.
    person
        .follow("nav.subnav a[href='/organisation/import']")
        .await;
    person
        .type_into(
            "#import-text",
            "email,name,department,role\nsam@example.org,Sam Ode,payroll,member\nrosa@example.org,Rosa Parks,finance,manager\n",
        )
        .await;
    person.follow("#preview-import").await;
    assert!(
        person
            .text("#preview-title")
            .await
            .contains("1 created, 1 changed")
    );
    person.follow("#confirm-import").await;
    assert!(person.text("#import-done").await.contains("1 created"));
    let rosa = handoff_store::people::find_by_email(&app.db, "rosa@example.org")
        .await
        .unwrap();
    assert_eq!(rosa.name, "Rosa Parks");
    person.sign_out().await;

    // Rosa, manager of Finance, sets up a service and its form.
    // With the password the administrator gave her.
    person.open("/requests").await;
    person
        .type_into("input[name=email]", "rosa@example.org")
        .await;
    person.type_into("input[name=password]", &password).await;
    person.follow("main button[type=submit]").await;
    person.wait_for_path("/requests").await;
    person.open(&format!("/departments/{}", finance.id)).await;
    person.follow("#services-settings").await;
    person.type_into("#service-name", "Purchase approval").await;
    person.follow("#create-service").await;
    person.type_into("#field-label", "Amount").await;
    person.type_into("#field-key", "amount").await;
    person.select("#field-type", "number").await;
    person.click("#field-required").await;
    person.follow("#save-field").await;
    person.type_into("#field-label", "Cost centre").await;
    person.type_into("#field-key", "cost_centre").await;
    person.select("#field-type", "choice").await;
    person.follow("#save-field").await;
    // A choice without options is explained; then given some.
    assert!(
        person
            .text("#field-error")
            .await
            .contains("needs at least one option")
    );
    person.type_into("#field-options", "North\nSouth").await;
    person.follow("#save-field").await;
    person.follow("#up-cost_centre").await;
    let preview = person.text("#form-preview").await;
    let (cost, amount) = (
        preview.find("Cost centre").unwrap(),
        preview.find("Amount").unwrap(),
    );
    assert!(cost < amount, "{preview}");
    person.snap("service-settings").await;
}
