from django.core.validators import MinValueValidator
from django.db import migrations, models
from django.db.models import deletion


class Migration(migrations.Migration):
    dependencies = [("screening", "0007_triagecolour_next_step_is_referral")]

    operations = [
        migrations.AddField(
            model_name="teamscreeningsettings",
            name="extra_time_from_score",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="A citizen whose latest score is this or more is marked “Extra time”.",
                null=True,
                validators=[MinValueValidator(1)],
                verbose_name="extra time from score",
            ),
        ),
        migrations.AddField(
            model_name="teamscreeningsettings",
            name="extra_time_colour",
            field=models.ForeignKey(
                blank=True,
                help_text="A citizen whose latest screening has this colour is marked “Extra time”.",
                null=True,
                on_delete=deletion.SET_NULL,
                related_name="+",
                to="screening.triagecolour",
                verbose_name="extra time at colour",
            ),
        ),
    ]
