"""Records of posts going away ("gone") beside those of go-lives ("live").

Each record gets its place in its post's history (``seq``), unique per post, in place of
the uniqueness of (post, publish time): a post that went live, went away and came back
at the same publish time has two "live" records. Undone, the "gone" records and any
second "live" record of one post and time are deleted (the old constraint forbids them;
their side effects have run).
"""

from django.db import migrations, models


def number(apps, schema_editor):
    GoLive = apps.get_model("golive", "GoLive")
    seq, writing = 0, None
    for record in GoLive.objects.order_by("writing_id", "publish_at", "pk").iterator():
        seq = seq + 1 if record.writing_id == writing else 1
        writing = record.writing_id
        GoLive.objects.filter(pk=record.pk).update(seq=seq)


def forget_what_the_old_schema_cannot_hold(apps, schema_editor):
    GoLive = apps.get_model("golive", "GoLive")
    GoLive.objects.filter(kind="gone").delete()
    seen = set()
    for record in GoLive.objects.order_by("writing_id", "publish_at", "pk").iterator():
        key = (record.writing_id, record.publish_at)
        if key in seen:
            GoLive.objects.filter(pk=record.pk).delete()
        seen.add(key)


class Migration(migrations.Migration):

    dependencies = [
        ("golive", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="golive", name="one_go_live_each"),
        migrations.AddField(
            model_name="golive",
            name="kind",
            field=models.CharField(
                choices=[("live", "Went live"), ("gone", "Went away")], default="live", max_length=4
            ),
        ),
        migrations.AddField(
            model_name="golive",
            name="seq",
            field=models.PositiveIntegerField(default=0, editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(number, forget_what_the_old_schema_cannot_hold),
        migrations.AlterField(
            model_name="golive",
            name="publish_at",
            field=models.DateTimeField(verbose_name="time"),
        ),
        migrations.AlterModelOptions(
            name="golive",
            options={"ordering": ["-publish_at", "-seq"], "verbose_name": "go-live"},
        ),
        migrations.AddConstraint(
            model_name="golive",
            constraint=models.UniqueConstraint(fields=("writing", "seq"), name="one_record_per_place"),
        ),
    ]
