"""The seed's program-cycle table (seed 000, its last table) as data, one entry per line.

`load_task_types` writes these rows idempotently; a changed clearance path is an edit here (or
in the admin), not in the workflow. Each entry quotes the seed's CLEARANCE cell beside the
steps it became. Decisions the seed leaves open:

- "RMNA & RMRP" lines (JNA guides, JNA, PiN) are produced in the RMNA cycle, whose figures
  the RMRP then uses.
- "Responsible" lists several parties: every listed party drafting the deliverable may submit
  it (the platform with its National Sector; a Regional Sector with support of the Regional
  Platform). Support roles that do not draft (the Regional Platform's IM team on the JNA
  guides) are not drafters.
- The JNA guide is drafted and cleared by the Regional Sector: the four-eyes rule makes the
  other co-coordinator clear what one submitted.
- Validation of activities: the National Sector clears national submissions (the Regional Sector
  in its place where there is none), then the Regional Platform checks quality and completeness.
  Regional activities, and their clearance by the Regional Sector, arrive with the RMRP
  activities (a later issue) as a type of their own.
- Monitoring data checks: drafted (checked) by the National Sector or, where there is none, the
  Regional Sector; cleared by the National Sector with the same substitution.
- Mid-year and end-year reports: two types, because the seed names two drafting parties with
  two scopes (platforms with their National Sectors; Regional Sectors).
- Working groups get no tasks: no line of the table names them.
"""

from typing import NamedTuple

from sectors.policy import Party

RP = Party.REGIONAL_PLATFORM.value
PL = Party.PLATFORM.value
RS = Party.REGIONAL_SECTOR.value
NS = Party.NATIONAL_SECTOR.value


class Step(NamedTuple):
    party: str
    substitutable: bool = False


class TaskTypeData(NamedTuple):
    code: str
    area: str
    name_en: str
    name_es: str
    description_en: str
    description_es: str
    # The seed's CLEARANCE cell, verbatim.
    clearance_wording: str
    drafters: tuple[str, ...]
    scope: str
    cycle_kinds: tuple[str, ...]
    steps: tuple[Step, ...]
    due_offset_days: int = 0


TASK_TYPES: tuple[TaskTypeData, ...] = (
    TaskTypeData(
        "jna-sector-guide",
        "rmna_rmrp",
        "Sector guide for the JNA (indicators and questions)",
        "Guía sectorial para la ENC (indicadores y preguntas)",
        "JNA-focused guidance: indicators, questions and the PiN calculation methodology, to "
        "assist National Sectors and Platforms in their JNAs.",
        "Guía para la ENC: indicadores, preguntas y la metodología de cálculo de PiN, para "
        "apoyar a los Sectores Nacionales y Plataformas en sus ENC.",
        "Regional Sectors",
        (RS,),
        "regional_sector",
        ("rmna",),
        (Step(RS),),
        -30,
    ),
    TaskTypeData(
        "jna",
        "rmna_rmrp",
        "Joint Needs Assessment",
        "Evaluación Conjunta de Necesidades",
        "Design and implement the platform's JNA, with the National Sectors' technical advice.",
        "Diseñar e implementar la ENC de la plataforma, con la asesoría técnica de los "
        "Sectores Nacionales.",
        "National and Sub-Regional Platforms",
        (PL,),
        "platform",
        ("rmna",),
        (Step(PL),),
        -15,
    ),
    TaskTypeData(
        "rmna-platform-narrative",
        "rmna",
        "RMNA national or sub-regional platform narrative",
        "Narrativa de la plataforma nacional o subregional del RMNA",
        "The needs of refugees and migrants from the Sector's perspective on this platform, "
        "by the platform in collaboration with the National Sector.",
        "Las necesidades de refugiados y migrantes desde la perspectiva del Sector en esta "
        "plataforma, por la plataforma en colaboración con el Sector Nacional.",
        "Regional Platform",
        (PL, NS),
        "platform_sector",
        ("rmna",),
        (Step(RP),),
    ),
    TaskTypeData(
        "rmna-regional-sector-narrative",
        "rmna",
        "RMNA regional sectoral narrative",
        "Narrativa sectorial regional del RMNA",
        "The needs of refugees and migrants across the region from the Sector's perspective.",
        "Las necesidades de refugiados y migrantes en la región desde la perspectiva del Sector.",
        "Regional Platform",
        (RS,),
        "regional_sector",
        ("rmna",),
        (Step(RP),),
    ),
    TaskTypeData(
        "pin",
        "rmna_rmrp",
        "People in need (PiN)",
        "Personas con necesidades (PiN)",
        "PiN calculations by the platform's IMOs, implementing the Regional Sector's guidance.",
        "Cálculos de PiN por los IMO de la plataforma, aplicando la guía del Sector Regional.",
        "National Sectors clear the figures before sending them to the Regional Platform. In "
        "case there is no National Sector, the Regional Sector substitutes for the National "
        "Sector in its clearance responsibilities. Regional Platform checks the data quality of "
        "the data sent and consolidates the figures and information on each Sector and Platform.",
        (PL, NS),
        "platform_sector",
        ("rmna",),
        (Step(NS, substitutable=True), Step(RP)),
    ),
    TaskTypeData(
        "sector-objectives-indicators",
        "rmrp",
        "Sector objectives and indicators",
        "Objetivos e indicadores sectoriales",
        "The regional sectoral objectives and the indicators of the RMRP's monitoring "
        "framework, consulting the National Sectors.",
        "Los objetivos sectoriales regionales y los indicadores del marco de monitoreo del "
        "RMRP, en consulta con los Sectores Nacionales.",
        "The Regional Platform is responsible for the final clearance of these objectives and "
        "indicators.",
        (RS,),
        "regional_sector",
        ("rmrp",),
        (Step(RP),),
        -30,
    ),
    TaskTypeData(
        "activity-validation",
        "rmrp",
        "Validation of activities",
        "Validación de actividades",
        "The activities submitted by appealing organizations on the platform, consolidated by "
        "its IMOs; only valid and relevant activities enter the chapter.",
        "Las actividades presentadas por las organizaciones solicitantes en la plataforma, "
        "consolidadas por sus IMO; solo las válidas y pertinentes entran en el capítulo.",
        "National Sector+ Regional Sectors (clears National/Regional submissions). The Regional "
        "Platform is responsible for checking the quality and completeness of the final data.",
        (PL,),
        "platform_sector",
        ("rmrp",),
        (Step(NS, substitutable=True), Step(RP)),
        -15,
    ),
    TaskTypeData(
        "people-targeted",
        "rmrp",
        "People targeted",
        "Personas meta",
        "The Sector's target on the platform, from the validated activities, avoiding overlaps.",
        "La meta del Sector en la plataforma, a partir de las actividades validadas, evitando "
        "superposiciones.",
        "National Sectors clear target before sending to Regional Platform for final "
        "validation and consolidation of the figures.",
        (PL, NS),
        "platform_sector",
        ("rmrp",),
        (Step(NS, substitutable=True), Step(RP)),
    ),
    TaskTypeData(
        "rmrp-platform-chapter",
        "rmrp",
        "RMRP national or sub-regional platform chapter",
        "Capítulo de la plataforma nacional o subregional del RMRP",
        "The response of the Sector on this platform, drafted by the platform and its Sector.",
        "La respuesta del Sector en esta plataforma, redactada por la plataforma y su Sector.",
        "Regional Platform",
        (PL, NS),
        "platform_sector",
        ("rmrp",),
        (Step(RP),),
    ),
    TaskTypeData(
        "rmrp-regional-sector-chapter",
        "rmrp",
        "RMRP regional sector chapter",
        "Capítulo sectorial regional del RMRP",
        "The response of the Sector at the regional level.",
        "La respuesta del Sector a nivel regional.",
        "Regional Platform",
        (RS,),
        "regional_sector",
        ("rmrp",),
        (Step(RP),),
    ),
    TaskTypeData(
        "monitoring-data-check",
        "monitoring",
        "Check of monitoring (5W) data",
        "Revisión de los datos de monitoreo (5W)",
        "Quality and completeness of the Sector's 5W monitoring data on this platform; where "
        "there is no National Sector, the Regional Sector checks in its place.",
        "Calidad e integridad de los datos 5W del Sector en esta plataforma; donde no hay "
        "Sector Nacional, el Sector Regional revisa en su lugar.",
        "National Sectors",
        (NS, RS),
        "platform_sector",
        ("monitoring",),
        (Step(NS, substitutable=True),),
    ),
    TaskTypeData(
        "report-platform",
        "reports",
        "Mid-year or end-year report: platform narrative",
        "Informe de medio año o de fin de año: narrativa de la plataforma",
        "The status of the response of the Sector on this platform, by the platform with inputs "
        "from the National Sector.",
        "El estado de la respuesta del Sector en esta plataforma, por la plataforma con aportes "
        "del Sector Nacional.",
        "The Regional Platform is responsible for the final clearance of the data and narrative.",
        (PL, NS),
        "platform_sector",
        ("mid_year", "end_year"),
        (Step(RP),),
    ),
    TaskTypeData(
        "report-regional-sector",
        "reports",
        "Mid-year or end-year report: regional sector narrative",
        "Informe de medio año o de fin de año: narrativa del sector regional",
        "The status of the Sector's response across the region, with inputs from the National "
        "Sectors and the Regional Platform team.",
        "El estado de la respuesta del Sector en la región, con aportes de los Sectores "
        "Nacionales y del equipo de la Plataforma Regional.",
        "The Regional Platform is responsible for the final clearance of the data and narrative.",
        (RS,),
        "regional_sector",
        ("mid_year", "end_year"),
        (Step(RP),),
    ),
)
