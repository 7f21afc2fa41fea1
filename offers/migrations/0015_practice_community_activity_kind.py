from django.db import migrations, models


class Migration(migrations.Migration):
    """A practice community (øvefællesskab): a kind of offer a bridge-builder may host."""

    dependencies = [
        ("offers", "0014_offer_calls_before_sessions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="unmetneed",
            name="category",
            field=models.CharField(
                choices=[
                    ("nature", "Nature and outdoor life"),
                    ("exercise", "Sport and exercise"),
                    ("art", "Art and creativity"),
                    ("culture", "Culture, music and reading"),
                    ("food", "Food and meals together"),
                    ("crafts", "Crafts and making things"),
                    ("digital", "Digital help and games"),
                    ("trips", "Trips and outings"),
                    ("peer_group", "Peer group"),
                    ("self_help", "Self-help group"),
                    ("volunteering", "Doing something for others"),
                    ("network_cafe", "Network café"),
                    ("practice_community", "Practice community"),
                    ("visiting_friend", "Visiting friend"),
                    ("mentor", "Mentor"),
                    ("course", "Course"),
                    ("counselling", "Counselling and talks"),
                ],
                max_length=32,
                verbose_name="category",
            ),
        ),
    ]
