"""The real R4V coordination structure, as `load_structure` writes it (seed 000, §I).

Plain constants so a reviewer can check them against the seed line by line. Names are data, not
UI strings: both languages are stored on the row, so they are not wrapped for translation.
"""

from typing import NamedTuple


class CountryData(NamedTuple):
    iso_code: str
    name_en: str
    name_es: str
    time_zone: str


class PlatformData(NamedTuple):
    code: str
    kind: str
    name_en: str
    name_es: str
    countries: tuple[str, ...]


class OrganizationData(NamedTuple):
    acronym: str
    name: str
    kind: str
    website: str
    # The forms Spanish readers know (sectors.models.Organization).
    acronym_es: str = ""
    name_es: str = ""


class SectorData(NamedTuple):
    code: str
    kind: str
    name_en: str
    name_es: str
    position: int
    parent: str | None = None


COUNTRIES: tuple[CountryData, ...] = (
    CountryData("AR", "Argentina", "Argentina", "America/Argentina/Buenos_Aires"),
    CountryData("AW", "Aruba", "Aruba", "America/Aruba"),
    CountryData("BO", "Bolivia", "Bolivia", "America/La_Paz"),
    CountryData("BR", "Brazil", "Brasil", "America/Sao_Paulo"),
    CountryData("CL", "Chile", "Chile", "America/Santiago"),
    CountryData("CO", "Colombia", "Colombia", "America/Bogota"),
    CountryData("CR", "Costa Rica", "Costa Rica", "America/Costa_Rica"),
    CountryData("CW", "Curaçao", "Curazao", "America/Curacao"),
    CountryData("DO", "Dominican Republic", "República Dominicana", "America/Santo_Domingo"),
    CountryData("EC", "Ecuador", "Ecuador", "America/Guayaquil"),
    CountryData("GY", "Guyana", "Guyana", "America/Guyana"),
    CountryData("MX", "Mexico", "México", "America/Mexico_City"),
    CountryData("PA", "Panama", "Panamá", "America/Panama"),
    CountryData("PY", "Paraguay", "Paraguay", "America/Asuncion"),
    CountryData("PE", "Peru", "Perú", "America/Lima"),
    CountryData("TT", "Trinidad and Tobago", "Trinidad y Tobago", "America/Port_of_Spain"),
    CountryData("UY", "Uruguay", "Uruguay", "America/Montevideo"),
)

ALL_COUNTRY_CODES = tuple(c.iso_code for c in COUNTRIES)

# Regional first, then the five national platforms, then the three sub-regional ones.
PLATFORMS: tuple[PlatformData, ...] = (
    PlatformData(
        "regional", "regional", "Regional Platform", "Plataforma Regional", ALL_COUNTRY_CODES
    ),
    PlatformData("brazil", "national", "Brazil", "Brasil", ("BR",)),
    PlatformData("chile", "national", "Chile", "Chile", ("CL",)),
    PlatformData("colombia", "national", "Colombia", "Colombia", ("CO",)),
    PlatformData("ecuador", "national", "Ecuador", "Ecuador", ("EC",)),
    PlatformData("peru", "national", "Peru", "Perú", ("PE",)),
    PlatformData(
        "caribbean", "sub_regional", "Caribbean", "El Caribe", ("AW", "CW", "DO", "GY", "TT")
    ),
    PlatformData(
        "southern-cone", "sub_regional", "Southern Cone", "Cono Sur", ("AR", "BO", "PY", "UY")
    ),
    PlatformData(
        "central-america-mexico",
        "sub_regional",
        "Central America and Mexico",
        "Centroamérica y México",
        ("CR", "MX", "PA"),
    ),
)

# The two organizations the UN Secretary-General asked to co-lead R4V; they co-lead every platform.
PLATFORM_CO_LEADS: tuple[OrganizationData, ...] = (
    OrganizationData(
        "IOM",
        "International Organization for Migration",
        "un_agency",
        "https://www.iom.int",
        acronym_es="OIM",
        name_es="Organización Internacional para las Migraciones",
    ),
    OrganizationData(
        "UNHCR",
        "UN Refugee Agency",
        "un_agency",
        "https://www.unhcr.org",
        acronym_es="ACNUR",
        name_es="Agencia de la ONU para los Refugiados",
    ),
)

# Positions give the catalogue its reading order: sectors alphabetically, each sub-sector right
# after Protection, the working group last.
SECTORS: tuple[SectorData, ...] = (
    SectorData("education", "sector", "Education", "Educación", 1),
    SectorData("food-security", "sector", "Food Security", "Seguridad Alimentaria", 2),
    SectorData("health", "sector", "Health", "Salud", 3),
    SectorData(
        "humanitarian-transportation",
        "sector",
        "Humanitarian Transportation",
        "Transporte Humanitario",
        4,
    ),
    SectorData("integration", "sector", "Integration", "Integración", 5),
    SectorData("nutrition", "sector", "Nutrition", "Nutrición", 6),
    SectorData("protection", "sector", "Protection", "Protección", 7),
    SectorData(
        "child-protection",
        "sub_sector",
        "Child Protection",
        "Protección de la Niñez",
        8,
        "protection",
    ),
    SectorData(
        "gender-based-violence",
        "sub_sector",
        "Gender-Based Violence",
        "Violencia Basada en Género",
        9,
        "protection",
    ),
    SectorData(
        "human-trafficking-smuggling",
        "sub_sector",
        "Human Trafficking and Smuggling",
        "Trata y Tráfico de Personas",
        10,
        "protection",
    ),
    SectorData("shelter", "sector", "Shelter", "Alojamiento", 11),
    SectorData(
        "wash",
        "sector",
        "Water, Sanitation and Hygiene (WASH)",
        "Agua, Saneamiento e Higiene (WASH)",
        12,
    ),
    # The seed names the "Regional Cash Working Group" (§III, as an example of a selection
    # procedure); the platform supplies "Regional", so the catalogue name is "Cash Working Group".
    # The seed gives no Spanish name: "Grupo de Trabajo de Transferencias Monetarias" is ours,
    # the usual Spanish for cash and voucher assistance.
    SectorData(
        "cash",
        "working_group",
        "Cash Working Group",
        "Grupo de Trabajo de Transferencias Monetarias",
        13,
    ),
)

# Catalogue entries an earlier version loaded that the seed does not support as sectoral groups.
# "communications": the seed's "R4V Communications Working Group" is the Regional Platform's own
# group for "Regional Platform communications and visibility initiatives", to which sectors give
# technical support (§III); it has no co-lead organizations or co-coordinators of its own, so it
# is not a catalogue entry. `load_structure` deactivates it on the Regional Platform when nobody
# co-leads it there, and says so when someone does.
RETIRED_SECTOR_CODES: tuple[str, ...] = ("communications",)

# Every catalogue entry is active on the Regional Platform. National and sub-regional activations
# vary by country and are not in the seeds, so they are left to each platform team.
REGIONAL_PLATFORM_CODE = "regional"
REGIONAL_SECTOR_CODES = tuple(s.code for s in SECTORS)
