//! The HTML shell, the root component and the route table.
use crate::components::islands::render_without_hydration_markers;
use crate::components::layout::Layout;
use crate::i18n::*;
use crate::pages::{
    accounts::{ForgotPasswordPage, InvitePage, ResetPasswordPage},
    dispute_thread::{CustomerDisputePage, PayLinkDisputePage},
    disputes::DisputesPage,
    home::HomePage,
    invoice_detail::InvoiceDetailPage,
    invoices::InvoicesPage,
    login::LoginPage,
    not_found::NotFoundPage,
    pay::PayPage,
    payment::{CheckoutReturnPage, ReceiptPage},
    simulated_checkout::SimulatedCheckoutPage,
    staff::StaffPage,
    staff_customers::{StaffCustomerFormPage, StaffCustomersPage},
    staff_dispute::StaffDisputePage,
    staff_disputes::StaffDisputesPage,
    staff_exports::StaffExportsPage,
    staff_invoice::StaffInvoicePage,
    staff_invoice_new::{StaffInvoiceEditPage, StaffInvoiceNewPage},
    staff_invoices::StaffInvoicesPage,
    staff_reminders::StaffRemindersPage,
    staff_settings::StaffSettingsPage,
    staff_users::StaffUsersPage,
    statement::{PayLinkStatementPage, StatementLinkPage, StatementPage},
    statement_return::{PayLinkStatementReturnPage, StatementLinkReturnPage, StatementReturnPage},
};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

/// The document around the app, rendered on the server. No script in the
/// head: pages with an island add theirs (`IslandScripts`).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    render_without_hydration_markers();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HashedStylesheet options=options.clone() id="leptos" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        // The language cookie lives at `/`, the same cookie `/lang/{code}` sets.
        <I18nContextProvider cookie_options=leptos_i18n::context::CookieOptions::default()
            .path("/")
            .max_age(31_536_000_000_i64)>
            <Title text="Quittance" />
            <Router>
                <Layout>
                    <Routes fallback=NotFoundPage>
                        <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                        <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                        <Route path=path!("/forgot-password") view=ForgotPasswordPage ssr=SsrMode::Async />
                        <Route path=path!("/reset-password/:token") view=ResetPasswordPage ssr=SsrMode::Async />
                        <Route path=path!("/invite/:token") view=InvitePage ssr=SsrMode::Async />
                        <Route path=path!("/invoices") view=InvoicesPage ssr=SsrMode::Async />
                        <Route path=path!("/invoices/:number") view=InvoiceDetailPage ssr=SsrMode::Async />
                        <Route path=path!("/pay/:token") view=PayPage ssr=SsrMode::Async />
                        <Route path=path!("/pay/:token/return") view=CheckoutReturnPage ssr=SsrMode::Async />
                        <Route path=path!("/statement") view=StatementPage ssr=SsrMode::Async />
                        <Route path=path!("/statements/:token") view=StatementLinkPage ssr=SsrMode::Async />
                        <Route path=path!("/pay/:token/statement") view=PayLinkStatementPage ssr=SsrMode::Async />
                        <Route path=path!("/statement/return") view=StatementReturnPage ssr=SsrMode::Async />
                        <Route path=path!("/statements/:token/return") view=StatementLinkReturnPage ssr=SsrMode::Async />
                        <Route path=path!("/pay/:token/statement/return") view=PayLinkStatementReturnPage ssr=SsrMode::Async />
                        <Route path=path!("/pay/:token/receipts/:id") view=ReceiptPage ssr=SsrMode::Async />
                        <Route path=path!("/invoices/:number/return") view=CheckoutReturnPage ssr=SsrMode::Async />
                        <Route path=path!("/invoices/:number/receipts/:id") view=ReceiptPage ssr=SsrMode::Async />
                        <Route path=path!("/checkout/simulated/:id") view=SimulatedCheckoutPage ssr=SsrMode::Async />
                        <Route path=path!("/disputes") view=DisputesPage ssr=SsrMode::Async />
                        <Route path=path!("/disputes/:id") view=CustomerDisputePage ssr=SsrMode::Async />
                        <Route path=path!("/pay/:token/disputes/:id") view=PayLinkDisputePage ssr=SsrMode::Async />
                        <Route path=path!("/staff") view=StaffPage ssr=SsrMode::Async />
                        <Route path=path!("/staff/invoices") view=StaffInvoicesPage ssr=SsrMode::Async />
                        <Route path=path!("/staff/customers") view=StaffCustomersPage ssr=SsrMode::Async />
                        <Route path=path!("/staff/settings") view=StaffSettingsPage ssr=SsrMode::Async />
                        <Route path=path!("/staff/reminders") view=StaffRemindersPage ssr=SsrMode::Async />
                        <Route path=path!("/staff/exports") view=StaffExportsPage ssr=SsrMode::Async />
                        <Route path=path!("/staff/users") view=StaffUsersPage ssr=SsrMode::Async />
                        <Route path=path!("/staff/customers/new") view=StaffCustomerFormPage ssr=SsrMode::Async />
                        <Route path=path!("/staff/customers/:id") view=StaffCustomerFormPage ssr=SsrMode::Async />
                        <Route path=path!("/staff/invoices/new") view=StaffInvoiceNewPage ssr=SsrMode::Async />
                        <Route path=path!("/staff/invoices/:id") view=StaffInvoicePage ssr=SsrMode::Async />
                        <Route path=path!("/staff/invoices/:id/edit") view=StaffInvoiceEditPage ssr=SsrMode::Async />
                        <Route path=path!("/staff/disputes") view=StaffDisputesPage ssr=SsrMode::Async />
                        <Route path=path!("/staff/disputes/:id") view=StaffDisputePage ssr=SsrMode::Async />
                    </Routes>
                </Layout>
            </Router>
        </I18nContextProvider>
    }
}
