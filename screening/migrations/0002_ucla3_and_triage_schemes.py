"""The UCLA-3 instrument in Danish and English, and the two triage schemes Brobyg ships."""

from django.db import migrations


def forwards(apps, schema_editor):
    from screening.defaults import install_defaults

    install_defaults(
        apps.get_model("screening", "Instrument"),
        apps.get_model("screening", "TriageScheme"),
        apps.get_model("screening", "TriageColour"),
    )


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
