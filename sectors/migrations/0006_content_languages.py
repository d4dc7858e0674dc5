# Texts written for the public are kept per language (sectors.languages).
#
# Every existing purpose and selection procedure was written in English, so the columns are
# renamed to their English versions rather than copied: the text stays where it is, in the
# live rows and in their history rows alike, and nothing is rewritten. The Spanish columns,
# a platform's description and the Spanish forms of an organization's name start empty.

from django.db import migrations, models

RENAMED = [("purpose", "purpose_en"), ("selection_procedure", "selection_procedure_en")]


def _text(verbose_name, max_length):
    return models.TextField(blank=True, max_length=max_length, verbose_name=verbose_name)


class Migration(migrations.Migration):
    dependencies = [
        ("sectors", "0005_platform_coordination_contacts"),
    ]

    operations = [
        *[
            migrations.RenameField(model_name=model, old_name=old, new_name=new)
            for model in ("platformsector", "historicalplatformsector")
            for old, new in RENAMED
        ],
        *[
            operation
            for model in ("platformsector", "historicalplatformsector")
            for operation in (
                migrations.AlterField(
                    model_name=model,
                    name="purpose_en",
                    field=_text("purpose (English)", 4000),
                ),
                migrations.AddField(
                    model_name=model,
                    name="purpose_es",
                    field=_text("purpose (Spanish)", 4000),
                ),
                migrations.AlterField(
                    model_name=model,
                    name="selection_procedure_en",
                    field=_text("selection procedure (English)", 8000),
                ),
                migrations.AddField(
                    model_name=model,
                    name="selection_procedure_es",
                    field=_text("selection procedure (Spanish)", 8000),
                ),
            )
        ],
        *[
            migrations.AddField(
                model_name=model, name=name, field=_text(verbose_name, 4000)
            )
            for model in ("platform", "historicalplatform")
            for name, verbose_name in (
                ("description_en", "description (English)"),
                ("description_es", "description (Spanish)"),
            )
        ],
        *[
            migrations.AddField(
                model_name=model,
                name=name,
                field=models.CharField(blank=True, max_length=length, verbose_name=verbose_name),
            )
            for model in ("organization", "historicalorganization")
            for name, verbose_name, length in (
                ("name_es", "name in Spanish", 200),
                ("acronym_es", "acronym in Spanish", 30),
            )
        ],
    ]
