# The ambassador (nøgleperson) role among the roles a single sign-on group can give.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_single_sign_on_groups_and_identities"),
    ]

    operations = [
        migrations.AlterField(
            model_name="singlesignongroup",
            name="role",
            field=models.CharField(
                choices=[
                    ("bridge_builder", "Bridge-builder"),
                    ("home_care", "Home-care staff"),
                    ("ambassador", "Ambassador (nøgleperson)"),
                    ("coordinator", "Volunteer-centre coordinator"),
                    ("referrer", "GP / referrer"),
                    ("admin", "Administrator"),
                ],
                max_length=32,
                verbose_name="role",
            ),
        ),
    ]
