from django.db import migrations


class Migration(migrations.Migration):
    # The public cache's version lives in the cache itself now, raised after commit
    # (r4v/public_cache.py): no row every writer locks.
    dependencies = [("r4v", "0007_content_version")]

    operations = [migrations.DeleteModel(name="ContentVersion")]
