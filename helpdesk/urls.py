"""Root URLs: the platform's own pages, then each app's URLs (included by name, so the platform
imports no app above it)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from helpdesk.forms import AdminSignInForm
from helpdesk.views import auth as limited_auth_views
from helpdesk.views import branding, home, settings_pages, stores

admin.site.site_header = "Helpdesk administration"
admin.site.site_title = "Helpdesk admin"
admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("", home.home, name="home"),
    path("brand.css", home.brand_css, name="brand-css"),
    path("account/", home.account, name="account"),
    path("settings/", home.tenant_settings, name="tenant-settings"),
    path("settings/api-keys/", settings_pages.api_keys, name="settings-api-keys"),
    path("settings/webhooks/", settings_pages.webhooks, name="settings-webhooks"),
    path("settings/branding/", branding.branding, name="settings-branding"),
    path("brand/logo/", branding.brand_logo, name="brand-logo"),
    path("settings/history/", settings_pages.settings_history, name="settings-history"),
    path("stores/<int:store_id>/", stores.store_detail, name="store-detail"),
    path("", include("tickets.urls")),
    path("", include("sla.urls")),
    path("", include("surveys.urls")),
    path("", include("reports.urls")),
    path("login/", limited_auth_views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", limited_auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("helpdesk.api.urls")),
    # django-anymail: /anymail/<provider>/tracking/ and /anymail/<provider>/inbound/ (basic auth).
    path("anymail/", include("anymail.urls")),
]

handler400 = "helpdesk.http.bad_request"
handler403 = "helpdesk.http.permission_denied"
handler404 = "helpdesk.http.page_not_found"
handler500 = "helpdesk.http.server_error"
