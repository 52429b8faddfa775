from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "modules.access"
    label = "access"
    verbose_name = "Controle de acesso"

    def ready(self) -> None:
        from modules.common.audit import register_labels

        from . import schema  # noqa: F401 - registers the OpenAPI auth extension

        register_labels(
            actions={
                "access.login": "Entrada no sistema",
                "access.logout": "Saída do sistema",
                "access.denied": "Acesso negado a uma função",
                "access.login_outside_hours": "Tentativa de acesso fora do horário",
                "access.user_locked": "Usuário bloqueado por tentativas inválidas",
                "access.token_issue": "Token de API emitido",
                "access.password_change": "Troca de senha",
                "access.password_reset": "Senha provisória gerada",
                "access.user_create": "Usuário criado",
                "access.user_update": "Usuário alterado",
                "access.user_copy": "Usuário copiado",
                "access.user_activate": "Usuário habilitado",
                "access.user_deactivate": "Usuário desabilitado",
                "access.user_unlock": "Usuário desbloqueado",
                "access.windows_set": "Horários de acesso alterados",
                "access.scopes_set": "Abrangência de função alterada",
                "access.field_rights_set": "Direitos de alteração de campos do perfil",
                "common.audit_purge": "Registros de auditoria expurgados (retenção)",
                "common.legacy_audit_import": "Log do sistema anterior importado",
                "access.totp_begin": "Segundo fator: cadastro iniciado",
                "access.totp_enable": "Segundo fator ativado",
                "access.totp_disable": "Segundo fator desativado",
                "access.profile_save": "Perfil salvo",
                "access.policy_update": "Política de senhas alterada",
                "tenant.request": "Implantação solicitada",
                "tenant.update": "Dados da concessionária alterados",
                "tenant.domain_add": "Domínio próprio adicionado",
                "tenant.domain_remove": "Domínio próprio removido",
            },
            objects={
                "access.user": "Usuário",
                "access.profile": "Perfil",
                "access.passwordpolicy": "Política de senhas",
                "common.auditchain": "Cadeia de auditoria",
                "common.legacyauditimport": "Importação de log legado",
                "tenants.tenant": "Concessionária",
            },
        )
