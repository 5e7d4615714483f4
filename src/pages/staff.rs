//! `/staff`: the staff home and dashboard, for agents and admins. A customer
//! gets a 403 page. The dashboard's range is a plain GET form (`?from=&to=`).
use crate::api::staff::{get_staff_dashboard, get_staff_home};
use crate::components::dashboard::Dashboard;
use crate::components::errors::error_text;
use crate::components::staff_payments::UnmatchedPayments;
use crate::error::AppError;
use crate::i18n::*;
use crate::model::format::format_money;
use crate::model::lang::Lang;
use crate::model::role::Role;
use crate::model::staff::StaffHome;
use crate::pages::forbidden::ForbiddenPage;
use crate::pages::staff_disputes::{DisputesNavLink, WaitingResource, waiting_resource};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffPage() -> impl IntoView {
    // Every resource starts here, never under the Suspense (leptos-rs/leptos#4866).
    let loading = ArcResource::new(|| (), |_| get_staff_home());
    let home = Resource::from(loading.clone());
    let waiting = waiting_resource(loading);
    let query = use_query_map();
    let range = move || query.with(|q| (q.get("from"), q.get("to")));
    let dashboard = Resource::new(range, |(from, to)| get_staff_dashboard(from, to));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move { match home.await {
                Ok(h) => {
                    let dash = match dashboard.await {
                        Ok(d) => view! { <Dashboard view=d /> }.into_any(),
                        Err(e) => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
                    };
                    view! { <StaffHomeView home=h waiting /> {dash} }.into_any()
                }
                Err(AppError::Unauthenticated) => {
                    view! { <Redirect path="/login?next=/staff" /> }.into_any()
                }
                Err(AppError::Forbidden) => view! { <ForbiddenPage /> }.into_any(),
                Err(e) => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
            }})}
        </Suspense>
    }
}

#[component]
fn StaffHomeView(home: StaffHome, waiting: WaitingResource) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let role = match home.user.role {
        Role::Admin => t_string!(i18n, role_admin),
        Role::Agent => t_string!(i18n, role_agent),
        Role::Customer => t_string!(i18n, role_customer),
    };
    view! {
        <Title text=t_string!(i18n, staff_title).to_string() />
        <section class="panel" data-testid="staff-home">
            <h1>{t!(i18n, staff_title)}</h1>
            <p>
                {t!(i18n, staff_welcome)} ", " <strong>{home.user.display_name.clone()}</strong>
                " · " {t!(i18n, staff_role)} ": " <span data-testid="staff-role">{role}</span>
            </p>
            <nav class="staff-nav" aria-label=move || t_string!(i18n, staff_title)>
                <a class="chip" href="/staff/invoices" data-testid="nav-staff-invoices">{t!(i18n, nav_staff_invoices)}</a>
                <a class="chip" href="/staff/invoices/new">{t!(i18n, staff_new_invoice)}</a>
                <a class="chip" href="/staff/customers" data-testid="nav-staff-customers">{t!(i18n, nav_staff_customers)}</a>
                <DisputesNavLink waiting />
                <a class="chip" href="/staff/exports" data-testid="nav-exports">{t!(i18n, nav_exports)}</a>
                {home.user.role.can_administer().then(|| view! {
                    <a class="chip" href="/staff/settings" data-testid="nav-settings">{t!(i18n, nav_settings)}</a>
                    <a class="chip" href="/staff/reminders" data-testid="nav-reminders">{t!(i18n, rem_nav)}</a>
                    <a class="chip" href="/staff/users" data-testid="nav-users">{t!(i18n, nav_users)}</a>
                })}
            </nav>
            <dl class="figures">
                <div>
                    <dt>{t!(i18n, staff_open_invoices)}</dt>
                    <dd data-testid="open-count">{home.open_count}</dd>
                </div>
                <div>
                    <dt>{t!(i18n, staff_overdue_invoices)}</dt>
                    <dd>{home.overdue_count}</dd>
                </div>
                <div>
                    <dt>{t!(i18n, staff_outstanding)}</dt>
                    <dd>{format_money(home.outstanding, "EUR", lang)}</dd>
                </div>
                <div>
                    <dt>{t!(i18n, staff_customers)}</dt>
                    <dd>{home.customers}</dd>
                </div>
            </dl>
            {(!home.unmatched_payments.is_empty()).then(|| view! {
                <UnmatchedPayments payments=home.unmatched_payments.clone() top=true />
            })}
        </section>
    }
}
