from django.urls import path

from . import views
from .twofactor import views as two_factor

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("", two_factor.AccountView.as_view(), name="account"),
    path("two-factor/", two_factor.VerifyView.as_view(), name="two_factor_verify"),
    path("two-factor/set-up/", two_factor.SetupView.as_view(), name="two_factor_setup"),
    path(
        "two-factor/recovery-codes/",
        two_factor.RecoveryCodesView.as_view(),
        name="two_factor_recovery_codes",
    ),
    path("two-factor/turn-off/", two_factor.DisableView.as_view(), name="two_factor_disable"),
]
