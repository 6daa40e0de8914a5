"""The experts' specialty taxonomy (kept by administrators afterwards)."""

from django.db import migrations

SPECIALTIES = [
    ("hazardous_chemicals", "危险化学品"),
    ("mining", "矿山"),
    ("construction", "建筑施工"),
    ("fire", "消防"),
    ("forest_fire", "森林防灭火"),
    ("flood_typhoon", "防汛防台风"),
    ("geology", "地质灾害"),
    ("maritime", "海上搜救"),
    ("medical_treatment", "医疗救治"),
    ("disease_control", "疾病预防控制"),
    ("psychology", "心理援助"),
    ("road_traffic", "道路交通"),
    ("special_equipment", "特种设备"),
    ("power", "电力"),
    ("communication", "通信保障"),
    ("earthquake", "地震"),
]


def add(apps, schema_editor):
    Specialty = apps.get_model("resources", "Specialty")
    for order, (code, name) in enumerate(SPECIALTIES, start=1):
        Specialty.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
