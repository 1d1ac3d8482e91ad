import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("at", models.DateTimeField(verbose_name="时间")),
                ("actor_name", models.CharField(blank=True, max_length=150, verbose_name="操作人用户名")),
                ("action", models.CharField(max_length=64, verbose_name="操作")),
                ("object_type", models.CharField(max_length=64, verbose_name="对象类型")),
                ("object_id", models.CharField(max_length=64, verbose_name="对象编号")),
                ("area_code", models.CharField(db_index=True, max_length=12, verbose_name="区划代码")),
                ("details", models.JSONField(blank=True, default=dict, verbose_name="详情")),
                ("prev_hash", models.CharField(max_length=64, unique=True, verbose_name="前序哈希")),
                ("hash", models.CharField(max_length=64, unique=True, verbose_name="哈希")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="操作人",
                    ),
                ),
            ],
            options={
                "verbose_name": "审计日志",
                "verbose_name_plural": "审计日志",
                "ordering": ["id"],
            },
        ),
    ]
