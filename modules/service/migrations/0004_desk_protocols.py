# The protocols move from the agency (portal) into service with every row and id: the tables keep
# their names (db_table), so the database does nothing here; only Django's state changes hands.
# portal 0006 then drops the models from portal's state (ADR 0181).

import django.db.models.deletion
import modules.service.models_desk
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("service", "0003_desk"),
        ("portal", "0005_agency_disabled_services"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ProtocolCounter",
                    fields=[
                        ("year", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                        ("last", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "portal_protocolcounter",
                    },
                ),
                migrations.CreateModel(
                    name="ServiceRequest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("protocol", models.CharField(max_length=12, unique=True, verbose_name="protocolo")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("service", "Solicitação de serviço"),
                                    ("ombudsman", "Ouvidoria"),
                                    ("agency_problem", "Problema na agência virtual"),
                                ],
                                max_length=16,
                                verbose_name="natureza",
                            ),
                        ),
                        ("type_code", models.CharField(max_length=40, verbose_name="tipo")),
                        (
                            "requester_name",
                            models.CharField(max_length=200, verbose_name="nome do solicitante"),
                        ),
                        (
                            "requester_document",
                            models.CharField(
                                blank=True, max_length=14, verbose_name="CPF/CNPJ do solicitante"
                            ),
                        ),
                        (
                            "requester_email",
                            models.EmailField(
                                blank=True, max_length=254, verbose_name="e-mail do solicitante"
                            ),
                        ),
                        (
                            "requester_phone",
                            models.CharField(
                                blank=True, max_length=11, verbose_name="telefone do solicitante"
                            ),
                        ),
                        ("description", models.TextField(blank=True, verbose_name="descrição")),
                        (
                            "reference_point",
                            models.CharField(blank=True, max_length=200, verbose_name="ponto de referência"),
                        ),
                        (
                            "channel",
                            models.CharField(
                                choices=[
                                    ("web", "Agência virtual"),
                                    ("totem", "Totem de autoatendimento"),
                                    ("api", "Aplicativo (API)"),
                                    ("counter", "Balcão (atendimento presencial)"),
                                    ("phone", "Telefone / 0800"),
                                    ("chat", "Chat"),
                                    ("email", "E-mail"),
                                ],
                                max_length=8,
                                verbose_name="canal",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("received", "Pendente de recebimento"),
                                    ("pending", "Pendente"),
                                    ("in_progress", "Em andamento"),
                                    ("answered", "Cliente respondido"),
                                    ("closed", "Encerrado"),
                                ],
                                db_index=True,
                                default="received",
                                max_length=12,
                                verbose_name="situação",
                            ),
                        ),
                        (
                            "expected_on",
                            models.DateField(blank=True, null=True, verbose_name="data prevista"),
                        ),
                        (
                            "unit",
                            models.CharField(
                                blank=True, db_index=True, max_length=120, verbose_name="setor atual"
                            ),
                        ),
                        (
                            "received_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="recebido em"),
                        ),
                        (
                            "received_by",
                            models.CharField(blank=True, max_length=150, verbose_name="recebido por"),
                        ),
                        (
                            "new_document",
                            models.CharField(blank=True, max_length=14, verbose_name="novo CPF/CNPJ pedido"),
                        ),
                        (
                            "closed_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="encerrado em"),
                        ),
                        (
                            "closing_reason",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="motivo do encerramento"
                            ),
                        ),
                        (
                            "context",
                            models.JSONField(
                                blank=True, default=dict, help_text="URL, navegador", verbose_name="contexto"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="aberto em")),
                        (
                            "customer",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.customer",
                            ),
                        ),
                        (
                            "property",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.property",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "protocolo",
                        "db_table": "portal_servicerequest",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="ServiceRequestAttachment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "file",
                            models.FileField(
                                max_length=300, upload_to=modules.service.models_desk.attachment_path
                            ),
                        ),
                        ("original_name", models.CharField(max_length=200)),
                        ("content_type", models.CharField(max_length=100)),
                        ("size", models.PositiveIntegerField()),
                        (
                            "request",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="attachments",
                                to="service.servicerequest",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "portal_servicerequestattachment",
                    },
                ),
                migrations.CreateModel(
                    name="ServiceRequestEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("at", models.DateTimeField(auto_now_add=True)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("received", "Pendente de recebimento"),
                                    ("pending", "Pendente"),
                                    ("in_progress", "Em andamento"),
                                    ("answered", "Cliente respondido"),
                                    ("closed", "Encerrado"),
                                ],
                                max_length=12,
                            ),
                        ),
                        ("from_unit", models.CharField(blank=True, max_length=120, verbose_name="do setor")),
                        ("unit", models.CharField(blank=True, max_length=120, verbose_name="setor")),
                        ("note", models.CharField(blank=True, max_length=300)),
                        ("actor", models.CharField(max_length=150)),
                        (
                            "request",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="events",
                                to="service.servicerequest",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "portal_servicerequestevent",
                        "ordering": ["at", "id"],
                    },
                ),
                migrations.AddIndex(
                    model_name="servicerequest",
                    index=models.Index(fields=["property", "-created_at"], name="portal_request_property"),
                ),
                migrations.AddIndex(
                    model_name="servicerequest",
                    index=models.Index(
                        fields=["requester_document", "-created_at"], name="portal_request_document"
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="servicerequest",
            name="answered_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="cliente respondido em"),
        ),
        migrations.AddField(
            model_name="servicerequest",
            name="attendance",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="protocols",
                to="service.attendance",
            ),
        ),
        migrations.AddField(
            model_name="servicerequest",
            name="order",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="protocols",
                to="service.serviceorder",
            ),
        ),
    ]
