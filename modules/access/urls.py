from django.urls import path

from . import views

app_name = "access"

urlpatterns = [
    path("entrar/", views.login_view, name="login"),
    path("sair/", views.logout_view, name="logout"),
    path("senha/", views.password_change_view, name="password_change"),
    path("segundo-fator/", views.totp_setup_view, name="totp"),
    path("usuarios/", views.users_view, name="users"),
    path("usuarios/novo/", views.user_create_view, name="user_create"),
    path("usuarios/<int:pk>/", views.user_edit_view, name="user_edit"),
    path("usuarios/<int:pk>/copiar/", views.user_copy_view, name="user_copy"),
    path("perfis/", views.profiles_view, name="profiles"),
    path("perfis/novo/", views.profile_edit_view, name="profile_create"),
    path("perfis/<int:pk>/", views.profile_edit_view, name="profile_edit"),
    path("politica/", views.policy_view, name="policy"),
    path("auditoria/", views.audit_view, name="audit"),
    path("auditoria/verificar/", views.audit_verify_view, name="audit_verify"),
]
