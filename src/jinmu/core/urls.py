"""Core URLs: home, sign-in, sign-out, the user's account, API tokens, audit log, task progress."""

from __future__ import annotations

from django.urls import path

from jinmu.core import views, views_account, views_audit, views_background

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views_account.LoginView.as_view(), name="login"),
    path("logout/", views_account.LogoutView.as_view(), name="logout"),
    path("account/", views_account.account_home, name="account"),
    path("account/password/", views_account.password_change, name="account_password"),
    path("account/otp/setup/", views_account.otp_setup, name="account_otp_setup"),
    path("account/otp/verify/", views_account.otp_verify, name="account_otp_verify"),
    path("account/otp/remove/", views_account.otp_remove, name="account_otp_remove"),
    path("account/tokens/", views_account.my_tokens, name="account_tokens"),
    path(
        "account/tokens/<int:pk>/revoke/",
        views_account.my_token_revoke,
        name="account_token_revoke",
    ),
    path("tokens/", views_account.token_admin, name="token_admin"),
    path("tokens/<int:pk>/revoke/", views_account.token_admin_revoke, name="token_admin_revoke"),
    path("lockouts/", views_account.lockout_admin, name="lockout_admin"),
    path(
        "lockouts/<int:pk>/unlock/", views_account.lockout_admin_unlock, name="lockout_admin_unlock"
    ),
    path("audit/", views_audit.audit_log, name="audit_log"),
    path("audit/export/", views_audit.audit_export, name="audit_export"),
    path("tasks/<uuid:pk>/", views_background.background_task, name="background_task"),
]
