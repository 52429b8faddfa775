# The protocols moved to service (service 0004_desk_protocols created them there, on the same
# tables): portal only forgets them; the database keeps every row and id (ADR 0181).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_agency_disabled_services"),
        ("service", "0004_desk_protocols"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(
                    name="ProtocolCounter",
                ),
                migrations.RemoveField(
                    model_name="servicerequest",
                    name="customer",
                ),
                migrations.RemoveField(
                    model_name="servicerequest",
                    name="property",
                ),
                migrations.RemoveField(
                    model_name="servicerequestevent",
                    name="request",
                ),
                migrations.DeleteModel(
                    name="ServiceRequestAttachment",
                ),
                migrations.DeleteModel(
                    name="ServiceRequest",
                ),
                migrations.DeleteModel(
                    name="ServiceRequestEvent",
                ),
            ],
        ),
    ]
